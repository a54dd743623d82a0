"""What every page a person reads must get right, checked the same way by the test-client walks and the browser
tests: no raw id where a name belongs, no link to a page the reader may not open, no enabled button the server
would refuse. Generic on purpose: it runs over any page, including pages other parts of the product own."""
from __future__ import annotations

import html as html_lib
import re
from urllib.parse import urljoin, urlsplit

# A raw id where a name belongs: "#222 " (a timesheet row), "Worker 199", "Agency 1", "client 10",
# "engagements[2]" (a pre-run check's field path). A run keeps its number ("Run #2 regular …" is how payroll
# people name runs), and so do a check ("check no. 100001") and a NACHA file's trace numbers (no "#").
RAW_ID_PATTERNS = (
    re.compile(r"(?<![Rr]un )(?<![Rr]uns )#\d+\b"),
    re.compile(r"\b(?:Worker|Agency|Client|Engagement|Paycheck|Timesheet|Payment) \d+\b", re.I),
    re.compile(r"\b[a-z_]+s\[\d+\]"),
)
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
_HREF = re.compile(r"""<a\b[^>]*?\bhref=["']([^"'#][^"']*)["']""", re.I)


def visible_text(page_html: str) -> str:
    """The text a reader sees (tags, scripts and styles removed; entities decoded; whitespace collapsed)."""
    return re.sub(r"\s+", " ", html_lib.unescape(_TAGS.sub(" ", page_html)))


def raw_ids(text: str) -> list[str]:
    """Every place in `text` where an id stands for a name (with some context), empty when there is none."""
    found = []
    for pattern in RAW_ID_PATTERNS:
        for m in pattern.finditer(text):
            found.append(text[max(0, m.start() - 30):m.end() + 30].strip())
    return found


def page_links(page_html: str, base: str) -> list[str]:
    """The page's own links (same site, not static files, not sign-out), absolute paths with their query,
    each once, in page order."""
    seen: dict[str, None] = {}
    host = urlsplit(base).netloc
    for href in _HREF.findall(page_html):
        url = urljoin(base, html_lib.unescape(href))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or (host and parts.netloc != host):
            continue
        if "/static/" in parts.path or parts.path.endswith("/logout"):
            continue
        seen.setdefault(parts.path + (f"?{parts.query}" if parts.query else ""), None)
    return list(seen)


def dead_links(get_status, links) -> list[tuple[str, int]]:
    """The links answering 403, 404 or 5xx: get_status(url) -> status code (redirects not followed)."""
    bad = []
    for url in links:
        status = get_status(url)
        if status in (403, 404) or status >= 500:
            bad.append((url, status))
    return bad
