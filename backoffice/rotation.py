"""Key rotation: re-encrypt every EncryptedString column under the primary key (SSN/TIN, bank numbers, Plaid
tokens, NACHA file contents: whatever a model declares EncryptedString is found here, none is listed by hand)."""
from __future__ import annotations

import sqlalchemy as sa

from backoffice.crypto import rotate
from backoffice.db import EncryptedString
from backoffice.extensions import db
from backoffice.uow import transaction


@transaction()
def rotate_all() -> dict[str, int]:
    counts: dict[str, int] = {}
    conn = db.session.connection()
    for table in db.metadata.sorted_tables:
        cols = [c for c in table.columns if isinstance(c.type, EncryptedString)]
        if not cols:
            continue
        pk = list(table.primary_key.columns)[0]
        raw = sa.table(table.name, sa.column(pk.name), *[sa.column(c.name, sa.Text) for c in cols])
        n = 0
        for row in conn.execute(sa.select(raw)).mappings():
            values = {c.name: rotate(row[c.name]) for c in cols if row[c.name] is not None}
            if values:
                conn.execute(sa.update(raw).where(raw.c[pk.name] == row[pk.name]).values(**values))
                n += len(values)
        counts[table.name] = n
    return counts
