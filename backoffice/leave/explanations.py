"""An accrual's explanation as stored: the law's sentences that are the same for every worker kept as references to
the law, rendered from its data when the entry is read. Pure, like engine.py.

A run's accrual writes one explanation per worker and law (55,000 in a 100,000-worker run), about 1 KB each, and
two thirds of it is the law's heading, its waiting period, its usage cap and its transcription note — the same text
in every entry under that law (engine._Terms). Stored as references they are a tenth of the bytes to build, send,
parse, log and keep. The stored form is a JSON object (an explanation written in full is a list, as before, and
reads as it is):

    {"law": "NY-SICK", "version": "2020-09-30", "tier": "100+ employees", "day": null,
     "lines": [["heading", "", ""], "84 hours worked × 1/30 = 2.8 hours; …", ["usage", "", "0 used so far, …"]]}

A line is a string (as written) or [sentence name, text before, text after]; `expand` gives back the list of lines
exactly as `compact` received them. The law is found by jurisdiction, version and tier label among the laws held
(`engine.every_law`), the sentences are the engine's own for that law and normal day: an entry shows what the
law's data says, so a correction of a citation in the data shows in the entries already written too."""
from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from backoffice.leave import engine


class _Book(NamedTuple):
    key: dict                    # the stored object's fields naming the law and the normal day
    sentences: dict              # sentence name -> text
    names: dict                  # text -> sentence name (the sentences said whole)


_BOOKS: dict[tuple, _Book | None] = {}        # (jurisdiction, version, tier, normal day) -> its book (None: not held)
_HELD: dict[tuple, engine.Law] = {}           # (jurisdiction, version, tier) -> the held law


def _held(jurisdiction: str, version: str, tier: str) -> engine.Law | None:
    if not _HELD:
        # the same objects engine.applicable returns (built once per process), so `compact` knows them by identity
        for code, record in engine.load_laws().items():
            for vi, v in enumerate(record["versions"]):
                for ti in range(len(v.get("tiers") or ())) if v.get("tiers") else (None,):
                    law = engine._built(code, vi, ti, False)
                    _HELD[(law.jurisdiction, law.version, law.tier)] = law
    return _HELD.get((jurisdiction, version, tier))


def _sentences(law: engine.Law, day_hours: Decimal | None) -> dict[str, str]:
    """The law's sentences that are the same for every worker with this normal day, by name."""
    terms = engine._Terms.of(law, day_hours)
    out = {"heading": terms.heading, "usable": terms.usable}
    if terms.usage:
        out["usage"] = terms.usage
    out.update((f"capped.{which}", text) for which, text in terms.capped.items())
    out.update((f"unchecked.{i}", text) for i, text in enumerate(terms.unchecked))
    out.update((f"tail.{i}", text) for i, text in enumerate(terms.tail))
    return out


def _book(jurisdiction: str, version: str, tier: str, day: str | None) -> _Book | None:
    """The sentences of a held law (None: no law of that jurisdiction, version and tier is held)."""
    k = (jurisdiction, version, tier, day)
    if k not in _BOOKS:
        law = _held(jurisdiction, version, tier)
        if law is None:
            _BOOKS[k] = None
        else:
            sentences = _sentences(law, None if day is None else Decimal(day))
            _BOOKS[k] = _Book({"law": jurisdiction, "version": version, "tier": tier, "day": day}, sentences,
                              {text: name for name, text in sentences.items()})
    return _BOOKS[k]


def compact(lines, law: engine.Law, day_hours: Decimal | None):
    """The stored form of `lines`, an explanation of an accrual under `law` for a worker whose normal day is
    `day_hours`: its sentences said whole as references, the waiting period's and the usage cap's with the
    worker's figures around them. The lines as they are when the law is not one of those held (nothing to refer
    to)."""
    book = _book(law.jurisdiction, law.version, law.tier, None if day_hours is None else str(day_hours))
    if book is None:
        return list(lines)
    held = _held(law.jurisdiction, law.version, law.tier)
    if held is not law and held != law:        # not the held law of that name (a law given as data): in full
        return list(lines)
    names, usable, usage = book.names, book.sentences["usable"], book.sentences.get("usage")
    out: list = []
    for line in lines:
        name = names.get(line)
        if name is not None:
            out.append([name, "", ""])
        elif usage and line.startswith(usage):
            out.append(["usage", "", line[len(usage):]])
        elif line.endswith(usable):
            out.append(["usable", line[:len(line) - len(usable)], ""])
        else:
            out.append(line)
    return {**book.key, "lines": out}


def expand(stored) -> list[str]:
    """The explanation's lines from its stored form (a list written in full is returned as it is)."""
    if not isinstance(stored, dict):
        return stored
    book = _book(stored["law"], stored["version"], stored["tier"], stored["day"])
    sentences = book.sentences if book is not None else {}
    return [line if isinstance(line, str) else line[1] + _sentence(sentences, line[0], stored) + line[2]
            for line in stored["lines"]]


def _sentence(sentences: dict, name: str, stored: dict) -> str:
    """The named sentence of the stored entry's law; when the law's data no longer holds it (a version or tier taken
    out of the data files), a note saying which sentence of which law is missing — never another law's text, and
    never an error on a page that lists entries."""
    text = sentences.get(name)
    if text is None:
        return (f"[the {name} sentence of {stored['law']}, version of {stored['version']} ({stored['tier']}), is no "
                f"longer in the law data]")
    return text
