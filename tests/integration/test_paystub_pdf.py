"""Paystub PDFs rendered with WeasyPrint and read back with pdftotext: the right figures, masked numbers only."""
from __future__ import annotations

import logging
import multiprocessing
import os
import re
import struct
import subprocess
import zlib

import pytest

from backoffice.errors import DomainError
from reports.paystub.builder import paystub_from_dict
from reports.pdf import default_processes, render_html_to_pdf, render_paystub, render_paystubs

FULL_SSN = "521-44-3307"
FULL_ACCOUNTS = ("483920175566", "7700112233")


def nyc_stub(**changes) -> dict:
    """A biweekly W-2 stub for a New York City worker; every figure is hand-chosen, every total hand-added.

    Earnings: Regular 86.50 h x $31.20 = $2,698.80 (YTD 58,320.00); Holiday 8.00 h x $31.20 = $249.60
      (YTD 1,497.60); Bonus, flat $500.00 (YTD 1,500.00).
      Gross = 2,698.80 + 249.60 + 500.00 = $3,448.40 over 94.50 hours; YTD 58,320.00 + 1,497.60 + 1,500.00
      = $61,317.60.
    Taxes: 402.11 + 206.48 + 48.29 + 151.37 + 97.02 = $905.27;
      YTD 7,015.40 + 3,672.04 + 858.78 + 2,640.55 + 1,702.33 = $15,889.10.
    Pre-tax: 172.42 + 118.00 = $290.42 (YTD 3,065.88 + 2,124.00 = $5,189.88).
    Post-tax: 50.00 + 22.50 = $72.50 (YTD 900.00 + 405.00 = $1,305.00).
    Deductions: 290.42 + 72.50 = $362.92 (YTD 5,189.88 + 1,305.00 = $6,494.88).
    Net: 3,448.40 - 905.27 - 362.92 = $2,180.21; YTD 61,317.60 - 15,889.10 - 6,494.88 = $38,933.62.
    Deposits: 2,000.00 + 180.21 = $2,180.21.
    Employer: 206.48 + 48.29 + 0.00 + 55.17 + 86.21 = $396.15;
      YTD 3,672.04 + 858.78 + 42.00 + 1,012.44 + 1,532.94 = $7,118.20.
    """
    data = {
        "paycheck_id": 9001, "check_number": "300517",
        "agency": {"legal_name": "Tandem Staffing Partners LLC", "ein": "84-1234567",
                   "address": {"line1": "200 Market Street", "line2": "Suite 400", "city": "Denver",
                               "state": "CO", "postal_code": "80202"}},
        "worker": {"name": "Devon K. Okafor", "worker_id": "W-004417", "ssn": FULL_SSN,
                   "address": {"line1": "75 Clinton Street", "line2": "Apt 6B", "city": "Brooklyn",
                               "state": "NY", "postal_code": "11201"}},
        "client_name": "Harbor Freight Forwarding LLC", "engagement": "Dock supervisor",
        "worker_type": "w2",
        "period_start": "2026-11-02", "period_end": "2026-11-15", "pay_date": "2026-11-20",
        "earnings": [
            {"description": "Regular", "hours": "86.5", "rate": "31.20", "current": "2698.80", "ytd": "58320.00"},
            {"description": "Holiday", "hours": "8", "rate": "31.20", "current": "249.60", "ytd": "1497.60"},
            {"description": "Bonus", "current": "500.00", "ytd": "1500.00"},
        ],
        "employee_taxes": [
            {"description": "Federal income tax", "current": "402.11", "ytd": "7015.40",
             "explanation": ["Income tax wages: $3,448.40 less pre-tax deductions $290.42 = $3,157.98",
                             "Pub 15-T percentage method, biweekly, single: $402.11"]},
            {"description": "Social Security", "current": "206.48", "ytd": "3672.04"},
            {"description": "Medicare", "current": "48.29", "ytd": "858.78"},
            {"description": "New York State income tax", "current": "151.37", "ytd": "2640.55"},
            {"description": "New York City income tax", "current": "97.02", "ytd": "1702.33"},
        ],
        "pre_tax_deductions": [{"description": "401(k)", "current": "172.42", "ytd": "3065.88"},
                               {"description": "Medical (pooled plan)", "current": "118.00", "ytd": "2124.00"}],
        "post_tax_deductions": [{"description": "Roth 401(k)", "current": "50.00", "ytd": "900.00"},
                                {"description": "Union dues", "current": "22.50", "ytd": "405.00"}],
        "employer_contributions": [
            {"description": "Social Security", "current": "206.48", "ytd": "3672.04"},
            {"description": "Medicare", "current": "48.29", "ytd": "858.78"},
            {"description": "FUTA", "current": "0.00", "ytd": "42.00"},
            {"description": "New York unemployment", "current": "55.17", "ytd": "1012.44"},
            {"description": "401(k) match", "current": "86.21", "ytd": "1532.94"},
        ],
        "gross": {"current": "3448.40", "ytd": "61317.60"},
        "net": {"current": "2180.21", "ytd": "38933.62"},
        "deposits": [
            {"bank_name": "Chase", "account_type": "Checking", "account_number": FULL_ACCOUNTS[0],
             "amount": "2000.00"},
            {"bank_name": "Ally Bank", "account_type": "Savings", "account_number": FULL_ACCOUNTS[1],
             "amount": "180.21"},
        ],
    }
    data.update(changes)
    return data


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def row(text: str, *cells: str) -> bool:
    """True when one line of the text shows the cells in order, separated only by spaces."""
    pattern = r"\s+".join(re.escape(c) for c in cells)
    return any(re.search(pattern, line) for line in text.splitlines())


@pytest.fixture(scope="module")
def nyc_text() -> str:
    return pdf_text(render_paystub(paystub_from_dict(nyc_stub(), include_explanations=True)))


@pytest.mark.parametrize("cells", [
    ("Regular", "86.50", "$31.20", "$2,698.80", "$58,320.00"),
    ("Holiday", "8.00", "$31.20", "$249.60", "$1,497.60"),
    ("Bonus", "$500.00", "$1,500.00"),
    ("Gross pay", "94.50", "$3,448.40", "$61,317.60"),
    ("Federal income tax", "$402.11", "$7,015.40"),
    ("Medicare", "$48.29", "$858.78"),
    ("New York City income tax", "$97.02", "$1,702.33"),
    ("Total taxes", "$905.27", "$15,889.10"),
    ("Total pre-tax", "$290.42", "$5,189.88"),
    ("Union dues", "$22.50", "$405.00"),
    ("Total post-tax", "$72.50", "$1,305.00"),
    ("FUTA", "$0.00", "$42.00"),
    ("Total employer", "$396.15", "$7,118.20"),
    ("Current", "94.50", "$3,448.40", "$905.27", "$362.92", "$2,180.21"),
    ("Year to date", "$61,317.60", "$15,889.10", "$6,494.88", "$38,933.62"),
    ("Net pay", "$2,180.21"),
])
def test_the_pdf_shows_each_figure_on_its_line(nyc_text, cells):
    assert row(nyc_text, *cells), f"no line shows {cells} in:\n{nyc_text}"


def test_the_pdf_shows_who_when_and_the_masked_numbers(nyc_text):
    for expected in ("Tandem Staffing Partners LLC", "EIN **-***4567", "Devon K. Okafor", "W-004417",
                     "***-**-3307", "Harbor Freight Forwarding LLC", "Dock supervisor", "W-2 leased employee",
                     "Earnings Statement", "300517", "11/20/2026", "11/02/2026 - 11/15/2026", "Brooklyn, NY 11201"):
        assert expected in nyc_text
    assert row(nyc_text, "Chase Checking", "*****5566", "$2,000.00")
    assert row(nyc_text, "Ally Bank Savings", "*****2233", "$180.21")


def test_full_ssn_ein_and_account_numbers_never_appear(nyc_text):
    flat = re.sub(r"\s", "", nyc_text)
    for secret in (FULL_SSN, FULL_SSN.replace("-", ""), "84-1234567", "841234567", *FULL_ACCOUNTS):
        assert secret not in nyc_text and secret.replace("-", "") not in flat


def test_the_explanations_section_lists_the_engine_steps(nyc_text):
    assert "How each line was calculated" in nyc_text
    assert "Federal income tax (Employee taxes)" in nyc_text
    assert "1. Income tax wages: $3,448.40 less pre-tax deductions $290.42 = $3,157.98" in nyc_text
    assert "2. Pub 15-T percentage method, biweekly, single: $402.11" in nyc_text


def test_long_explanations_continue_on_a_second_page_after_the_figures():
    data = nyc_stub()
    for line in data["employee_taxes"]:
        line["explanation"] = [f"{line['description']} step {n}" for n in range(1, 13)]
    pdf = render_paystub(paystub_from_dict(data, include_explanations=True))
    pages = pdf_text(pdf).split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    assert row(pages[0], "Net pay", "$2,180.21")
    assert "New York City income tax step 12" in pages[1]


def test_without_explanations_the_section_is_left_out():
    text = pdf_text(render_paystub(paystub_from_dict(nyc_stub())))
    assert "How each line was calculated" not in text
    assert row(text, "Net pay", "$2,180.21")


def test_a_contractor_gets_a_payment_statement_paid_by_check():
    """1099 contractor, no deposit lines: $4,000.00 fee less 24% backup withholding $960.00 = $3,040.00;
    YTD $12,000.00 - $2,880.00 = $9,120.00."""
    data = nyc_stub(
        worker_type="1099", check_number="300518", paycheck_id=9002,
        earnings=[{"description": "Contract fee", "current": "4000.00", "ytd": "12000.00"}],
        employee_taxes=[{"description": "Backup withholding", "current": "960.00", "ytd": "2880.00"}],
        pre_tax_deductions=[], post_tax_deductions=[], employer_contributions=[], deposits=[],
        gross={"current": "4000.00", "ytd": "12000.00"}, net={"current": "3040.00", "ytd": "9120.00"})
    text = pdf_text(render_paystub(paystub_from_dict(data)))
    assert "Payment Statement" in text and "1099 independent contractor" in text and "Contractor ID" in text
    assert "TIN" in text and "***-**-3307" in text
    assert "Employer contributions" not in text
    assert re.search(r"Current\s+\$4,000\.00\s+\$960\.00\s+\$0\.00\s+\$3,040\.00", text)  # no hours total
    assert row(text, "Backup withholding", "$960.00", "$2,880.00")
    assert row(text, "Paper check no. 300518", "$3,040.00")
    assert row(text, "Year to date", "$12,000.00", "$2,880.00", "$0.00", "$9,120.00")


@pytest.mark.parametrize("processes", [1, 2])
def test_bulk_rendering_yields_each_pdf_under_its_key_in_order(processes):
    views = [paystub_from_dict(nyc_stub(paycheck_id=9100 + i, check_number=f"4000{i}")) for i in range(3)]
    got = list(render_paystubs(views, processes=processes, chunksize=1))
    assert [key for key, _ in got] == [9100, 9101, 9102]
    for i, (_, pdf) in enumerate(got):
        assert f"4000{i}" in pdf_text(pdf)


def one_pixel_png() -> bytes:
    """A valid 1x1 grey PNG, built by hand (signature, IHDR, IDAT, IEND chunks with their CRCs)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


@pytest.mark.parametrize("lean", [False, True])
def test_relative_file_urls_resolve_against_base_url(tmp_path, lean):
    (tmp_path / "logo.png").write_bytes(one_pixel_png())
    html = ('<!DOCTYPE html><html><head><title>t</title></head>'
            '<body><p>Logo</p><img src="logo.png" alt="logo"/></body></html>')
    out = tmp_path / "out.pdf"
    out.write_bytes(render_html_to_pdf(html, base_url=str(tmp_path) + "/", lean=lean))
    listing = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, check=True)
    rows = listing.stdout.decode().strip().splitlines()[2:]      # two header lines, then one row per image
    assert len(rows) == 1 and " 1     1 " in rows[0]


def test_remote_urls_are_never_fetched(caplog):
    html = '<p>Logo: <img src="http://198.51.100.7/logo.png" alt="x"></p>'
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        text = pdf_text(render_html_to_pdf(html))
    assert "Logo:" in text
    assert "disallowed protocol" in caplog.text


def test_bulk_rendering_refuses_zero_processes():
    with pytest.raises(DomainError):
        list(render_paystubs([paystub_from_dict(nyc_stub())], processes=0))


def _report_default_processes(queue) -> None:
    queue.put(default_processes())


def test_inside_a_daemonic_worker_bulk_rendering_stays_in_process():
    """Celery's prefork children are daemonic and may not start a pool of their own."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_report_default_processes, args=(queue,), daemon=True)
    child.start()
    try:
        assert queue.get(timeout=30) == 1
    finally:
        child.join(timeout=30)
    assert default_processes() == os.cpu_count()


@pytest.mark.parametrize("explained", [False, True])
def test_sharing_computed_styles_between_documents_changes_not_one_byte_of_the_pdf(monkeypatch, explained):
    """Paystubs rendered after other paystubs (styles shared through reports.pdf._SHARED_STYLES) are byte for byte
    the PDFs WeasyPrint's own per-document styles give: the same boxes, text, positions and colours."""
    import weasyprint.css

    from reports import pdf

    contractor = nyc_stub(worker_type="1099", employee_taxes=[], pre_tax_deductions=[], post_tax_deductions=[],
                          employer_contributions=[])
    contractor["net"] = dict(contractor["gross"])
    contractor["deposits"] = []
    views = [paystub_from_dict(nyc_stub(), include_explanations=explained),
             paystub_from_dict(contractor, include_explanations=explained)]
    for view in views:                       # fill the shared styles with both kinds of stub first
        pdf.render_paystub(view)
    assert pdf._SHARED_STYLES
    shared = [pdf.render_paystub(view) for view in reversed(views)]
    monkeypatch.setattr(weasyprint.css, "StyleFor", pdf._StockStyleFor)
    stock = [pdf.render_paystub(view) for view in reversed(views)]
    assert shared == stock
    assert pdf_text(shared[1]).count("$2,180.21") >= 2


@pytest.mark.parametrize("css, structural", [
    ("table.grid td.d { width: 34% } td.col + td.col { padding: 0 }", True),
    ("tr:first-child td { color: red } br::before { content: '' } @page { size: letter }", True),
    ("a[href] { color: blue }", False),                 # an attribute: not in an element's signature
    ("li:nth-child(2) { color: red }", False),          # a position counted among all siblings
    ("p:last-child, p:not(.x) { margin: 0 }", False),
    ("h1 ~ p { margin: 0 }", False),                    # any earlier sibling, not just the previous one
    ("@media print { p { margin: 0 } }", False),
])
def test_only_stylesheets_with_structural_selectors_share_the_cascade_between_documents(css, structural):
    from reports.pdf import _structural_only

    assert _structural_only(css) is structural


def test_a_lean_document_with_other_selectors_renders_as_weasyprint_alone_renders_it(monkeypatch):
    """:nth-child picks the second item: the cascade is matched per document; same bytes either way."""
    import weasyprint.css

    from reports import pdf

    html = ("<html><head><title>t</title></head><body><ul><li>one</li><li>two</li><li>three</li></ul></body></html>")
    css = ("li:nth-child(2) { color: #c00000 } li { font-family: 'DejaVu Sans' }",)
    first = render_html_to_pdf(html, stylesheets=css, lean=True)
    assert render_html_to_pdf(html, stylesheets=css, lean=True) == first
    monkeypatch.setattr(weasyprint.css, "StyleFor", pdf._StockStyleFor)
    assert render_html_to_pdf(html, stylesheets=css, lean=True) == first
    assert [w for w in pdf_text(first).split() if w.isalpha()] == ["one", "two", "three"]
