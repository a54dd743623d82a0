"""Check an X12 file with pyx12 (a maintained validator from PyPI that ships the 005010X220A1 map; we did not write
it): its own verdict, its 999 acknowledgment and the errors it logged."""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

import pyx12.params
import pyx12.x12n_document


@dataclass(frozen=True)
class Verdict:
    valid: bool              # x12n_document's answer
    ack: str                 # the 999 it wrote
    errors: tuple[str, ...]  # what it logged at ERROR, and the 999's IK3/IK4 (segment and element errors)

    @property
    def accepted(self) -> bool:
        """Valid, no segment or element error, the set accepted (IK5*A) and the group accepted: AK9*A, 1 set
        included, received and accepted."""
        return (self.valid and not self.errors and "IK5*A~" in self.ack and "AK9*A*1*1*1~" in self.ack)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def check(text: str) -> Verdict:
    log = logging.getLogger("pyx12")
    handler = _Collect()
    log.addHandler(handler)
    try:
        ack = io.StringIO()
        valid = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), ack, None)
    finally:
        log.removeHandler(handler)
    ack_text = ack.getvalue()
    bad = tuple(handler.lines) + tuple(re.findall(r"^IK[34]\*[^~]*~", ack_text, re.M))
    return Verdict(bool(valid), ack_text, bad)


def segments(text: str) -> list[list[str]]:
    """The file as segments of elements (terminator ~, separator *)."""
    return [s.strip().split("*") for s in text.split("~") if s.strip()]
