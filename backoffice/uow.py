"""The unit of work: every service writes inside `transaction()`, committed on success, rolled back on any error."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from backoffice.extensions import db

_DEPTH = "transaction_depth"  # in Session.info: how many transaction() blocks are open on this session


@contextmanager
def transaction() -> Iterator[None]:
    """One unit of work on the app's session, as `with transaction():` or, for a whole service, `@transaction()`.

    The outermost block commits when it ends; when anything inside raises (a failed commit included, such as a
    unique constraint) it rolls back and re-raises, so the caller may still turn an IntegrityError into a
    DomainError. A block opened inside another one joins it: nothing is committed before the outermost block
    ends, and an error raised inside is rolled back there. Work that must follow the commit (sending a task or
    an email) goes after the block."""
    session = db.session()
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield
        if depth == 0:
            session.commit()
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth
