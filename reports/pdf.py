"""HTML to PDF with WeasyPrint (the only module that imports it): paystubs, one or in bulk, and a generic renderer."""
from __future__ import annotations

import gc
import multiprocessing
import os
import re
from collections import deque
from functools import lru_cache
from itertools import islice
from math import inf
from pathlib import Path
from typing import Iterable, Iterator, Sequence
from xml.etree import ElementTree  # nosec B405 # parses only the XHTML our own templates render (B314 below)

import cssselect2
import jinja2
import weasyprint
import weasyprint.css
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import ensure_url

from backoffice.errors import DomainError
from backoffice.money import fmt_usd
from reports.paystub.records import PaystubView
from reports.paystub.display import fmt_date, fmt_hours, fmt_rate

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
PAYSTUB_TEMPLATE = "pdf/paystub.html"
PAYSTUB_CSS = "pdf/paystub.css"

# Rendering options, chosen for speed (see docs/benchmarks.md): fonts are subset (harfbuzz-subset when
# installed), never embedded whole; no hinting tables; presentational HTML attributes are not read.
_PDF_OPTIONS = {"presentational_hints": False, "full_fonts": False, "hinting": False, "pdf_tags": False}


@lru_cache(maxsize=1)
def _url_fetcher() -> weasyprint.URLFetcher:
    """Documents are built from our own templates: file: and data: URLs only, never the network."""
    return weasyprint.URLFetcher(allowed_protocols=("file", "data"), allow_redirects=False)


# A short user-agent stylesheet for the documents we author ourselves: WeasyPrint's full HTML5 one is
# matched against every element and costs about 12% of a paystub's render time; our templates style the
# few elements they use. Values are those of WeasyPrint's html5_ua.css for the elements listed.
LEAN_UA_CSS = """
html, body, div, p, h1, h2, h3, section, header, footer, ol, ul { display: block }
head, title, meta, style, script, link, template { display: none }
li { display: list-item }
table { display: table; box-sizing: border-box; border-spacing: 2px; border-collapse: separate;
        text-indent: initial; border-color: gray }
thead { display: table-header-group } tbody { display: table-row-group } tfoot { display: table-footer-group }
tr { display: table-row } td, th { display: table-cell; padding: 1px; border-color: gray }
thead, tbody, tfoot, table > tr { vertical-align: middle } tr, td, th { vertical-align: inherit }
thead, tbody, tfoot, tr { border-color: inherit }
b, strong, th { font-weight: bold } i, em { font-style: italic }
br::before { content: "\\A"; white-space: pre-line }
body { margin: 8px } p { margin-top: 1em; margin-bottom: 1em }
ol, ul { margin-top: 1em; margin-bottom: 1em; padding-left: 40px; counter-reset: list-item; break-before: avoid }
ol { list-style-type: decimal } ul { list-style-type: disc }
h1 { font-size: 2em; margin-top: .67em; margin-bottom: .67em; font-weight: bold }
h2 { font-size: 1.5em; margin-top: .83em; margin-bottom: .83em; font-weight: bold }
h3 { font-size: 1.17em; margin-top: 1em; margin-bottom: 1em; font-weight: bold }
h1, h2, h3 { break-after: avoid; break-inside: avoid }
"""


class _LeanHTML(weasyprint.HTML):
    """An HTML document styled with LEAN_UA_CSS instead of the full HTML5 user-agent stylesheet."""

    def _ua_stylesheets(self, *args, **kwargs):  # WeasyPrint's hook; if it is renamed, the full sheet applies
        return [_stylesheet(LEAN_UA_CSS)]

    @classmethod
    def from_xhtml(cls, text: str, base_url: str | None, url_fetcher) -> "_LeanHTML | None":
        """Parse well-formed XHTML with the C XML parser instead of the pure-Python HTML5 one (about 7% of a
        paystub's render time). Sets what HTML.__init__ sets; None when the text is not well-formed XML with
        an <html> root holding a <body>, and the caller then uses the HTML5 parser."""
        try:
            root = ElementTree.fromstring(text)  # nosec B314 # our own template's XHTML
        except ElementTree.ParseError:
            return None
        if root.tag != "html" or root.find("body") is None:
            return None
        self = cls.__new__(cls)
        self.base_url = None if base_url is None else ensure_url(str(base_url))
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element
        return self


# ------------------------------------------------------------------------------------------------ shared styles
# A computed style depends only on the parent's computed style, the element's cascaded declarations, the
# pseudo-element, the base URL, the root's style and the font configuration (WeasyPrint's ComputedStyle holds no
# element). WeasyPrint already shares one computed style between equal elements of a document; for our lean
# documents we share them between documents too, so that the values it computes lazily (about 7,000 per paystub)
# are computed once per process, not once per stub. The cascaded declarations come from the cached stylesheets,
# so their identities are stable from one document to the next; each cache entry keeps alive every object whose
# id is in its key. WeasyPrint copies a style before changing it (table wrappers, footnotes); the in-place changes
# it does make to element styles (no padding on a collapsed table, no margins on table parts) are the same every
# time. Page styles are not shared. Not for documents with viewport units (vw/vh): those read the first page size.
_SHARED_STYLES: dict = {}
_SHARED_STYLES_LIMIT = 20_000
_StockStyleFor = weasyprint.css.StyleFor


# The cascade (which rules match an element) is also kept between documents, for stylesheets whose selectors
# look only at an element's tag, class and id, its ancestors' and its earlier siblings' (type, class, id,
# descendant, child, adjacent-sibling selectors, :first-child): an element's match then follows from its
# "signature", interned as a number: (tag, class, id, the parent's signature, the previous sibling's signature).
# Stylesheets with other selectors (attributes, :nth-*, :last-child, :not, ...) are matched as WeasyPrint does.
_CASCADES: dict = {}
_SIGNATURES: dict = {}
# id -> the CSS object, for stylesheets whose selectors are all structural (above); holding the object keeps its
# id from being reused by another stylesheet
_STRUCTURAL_SHEETS: dict = {}
_NOT_STRUCTURAL = re.compile(r"\[|~|:(?!first-child\b|:?before\b|:?after\b)[a-z-]+", re.I)


def _structural_only(css_text: str) -> bool:
    """True when every selector of the stylesheet is of the kinds the cascade cache understands. Looks at the
    selectors only: declaration blocks, @page rules and comments are taken out first."""
    text = re.sub(r"/\*.*?\*/", "", css_text, flags=re.S)
    if "@" in text.replace("@page", ""):
        return False
    selectors = re.sub(r"\{[^{}]*\}", "\n", re.sub(r"@page[^{]*\{[^{}]*\}", "", text))
    return not _NOT_STRUCTURAL.search(selectors)


class _SharedStyleFor(_StockStyleFor):
    """WeasyPrint's StyleFor, with element styles shared between documents through _SHARED_STYLES and, for
    structural stylesheets, the cascade through _CASCADES. The constructor is WeasyPrint 70's own with the
    cascade cache added (checked by tests/integration/test_paystub_pdf.py: byte-identical PDFs)."""

    def __init__(self, html, sheets, presentational_hints, font_config, target_collector):
        if presentational_hints or not all(id(sheet) in _STRUCTURAL_SHEETS for sheet, _, _ in sheets):
            super().__init__(html, sheets, presentational_hints, font_config, target_collector)
            return
        from weasyprint.css import declaration_precedence, find_style_attributes, preprocess_declarations

        self._cascaded_styles = cascaded_styles = {}
        self._computed_styles = computed_styles = {}
        self.initial_page_sizes = {"box": None, "area": None}
        self._sheets = sheets
        self.font_config = font_config
        layer_order = inf
        elements_declarations = {}
        for specificity, element, declarations, base_url in find_style_attributes(
                html.etree_element, presentational_hints, html.base_url):
            style = cascaded_styles.setdefault((element, None), {})
            elements_declarations[element] = tuple(declarations)
            for name, values, importance in preprocess_declarations(base_url, declarations):
                weight = (declaration_precedence("author", importance), layer_order, specificity)
                old_weight = style.get(name, (None, None))[1]
                if old_weight is None or old_weight <= weight:
                    style[name] = values, weight
        computed_cache = {}
        signature_of = {}
        sheets_key = tuple(id(sheet) for sheet, _, _ in sheets)
        for element in html.wrapper_element.iter_subtree():
            etree_element = element.etree_element
            parent = element.parent.etree_element if element.parent else None
            parent_id = id(computed_styles[parent, None]) if element.parent else None
            previous = element.previous
            signature = (etree_element.tag, etree_element.get("class"), etree_element.get("id"),
                         signature_of[parent] if parent is not None else None,
                         signature_of[previous.etree_element] if previous is not None else None)
            signature = signature_of[etree_element] = _SIGNATURES.setdefault(signature, len(_SIGNATURES))
            element_declarations = elements_declarations.get(etree_element)
            cached = _CASCADES.get((sheets_key, signature)) if element_declarations is None else None
            if cached is not None:
                selectors_keys, by_pseudo = cached
                for pseudo_type, style in by_pseudo:
                    cascaded_styles[etree_element, pseudo_type] = style      # read only from here on
            else:
                selectors_keys = []
                touched = {}
                for sheet, origin, sheet_specificity in sheets:
                    for selector in sheet.matcher.match(element):
                        specificity, order, pseudo_type, (declarations, layer) = selector
                        layer_order = inf if layer is None else sheet.layers.index(layer)
                        selectors_keys.append((sheet, specificity, id(declarations), layer_order))
                        specificity = sheet_specificity or specificity
                        style = touched[pseudo_type] = cascaded_styles.setdefault((etree_element, pseudo_type), {})
                        for name, values, importance in declarations:
                            weight = (declaration_precedence(origin, importance), layer_order, specificity)
                            old_weight = style.get(name, (None, None))[1]
                            if old_weight is None or old_weight <= weight:
                                style[name] = values, weight
                selectors_keys = tuple(selectors_keys)
                if element_declarations is None:
                    if len(_CASCADES) >= _SHARED_STYLES_LIMIT:
                        _CASCADES.clear()
                    _CASCADES[sheets_key, signature] = (selectors_keys, tuple(touched.items()))
            key = (parent_id, element_declarations, selectors_keys)
            if key in computed_cache:
                computed_styles[etree_element, None] = computed_cache[key]
            else:
                self.set_computed_styles(etree_element, root=html.etree_element, parent=parent,
                                         base_url=html.base_url, target_collector=target_collector)
                computed_cache[key] = computed_styles[etree_element, None]
        for element, pseudo_type in cascaded_styles:
            if pseudo_type:
                self.set_computed_styles(element, pseudo_type=pseudo_type, root=html.etree_element, parent=element,
                                         base_url=html.base_url, target_collector=target_collector)
        self._cascaded_styles.clear()

    def set_computed_styles(self, element, parent, root=None, pseudo_type=None, base_url=None,
                            target_collector=None):
        if not hasattr(element, "tag"):                    # a page type (@page): computed per document
            return super().set_computed_styles(element, parent, root, pseudo_type, base_url, target_collector)
        computed_styles = self.get_computed_styles()
        is_root = element == root and pseudo_type is None
        parent_style = None if is_root else computed_styles[parent, None]
        cascaded = self.get_cascaded_styles().get((element, pseudo_type), {})
        key = (id(parent_style), is_root, pseudo_type, base_url, id(self.font_config),
               tuple((name, _identity(values), weight) for name, (values, weight) in cascaded.items()))
        shared = _SHARED_STYLES.get(key)
        if shared is None:
            super().set_computed_styles(element, parent, root, pseudo_type, base_url, target_collector)
            if len(_SHARED_STYLES) >= _SHARED_STYLES_LIMIT:
                _SHARED_STYLES.clear()
            # the entry holds the style (and through it the cascaded values) and the parent style: their ids
            # are in the key and cannot be reused while it lives
            _SHARED_STYLES[key] = (computed_styles[element, pseudo_type], parent_style, self.font_config)
            return None
        style = computed_styles[element, pseudo_type] = shared[0]
        if target_collector and style["anchor"]:
            target_collector.collect_anchor(style["anchor"])
        return None


def _identity(values):
    """A declaration's value as a key: itself when hashable (the `lang` attribute's value is made anew for every
    document), else its id (stylesheet values, alive as long as the cached stylesheet)."""
    try:
        hash(values)
    except TypeError:
        return id(values)
    return values


def _style_for(html, *args, **kwargs):
    """Stands in for weasyprint.css.StyleFor: lean documents share computed styles, every other is as before."""
    cls = _SharedStyleFor if isinstance(html, _LeanHTML) else _StockStyleFor
    return cls(html, *args, **kwargs)


# _SharedStyleFor.__init__ follows WeasyPrint 70's StyleFor.__init__: another major version renders with its own
# StyleFor (correct, ~28% slower) until the copy is checked against it
if weasyprint.__version__.split(".")[0] == "70":
    weasyprint.css.StyleFor = _style_for      # get_all_computed_styles looks the name up at each call


@lru_cache(maxsize=1)
def _jinja() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
    )
    env.filters.update(usd=fmt_usd, hours=fmt_hours, rate=fmt_rate, usdate=fmt_date)
    return env


@lru_cache(maxsize=1)
def _font_config() -> FontConfiguration:
    """One FontConfiguration per process: fontconfig's font set is loaded once, not per document."""
    return FontConfiguration()


@lru_cache(maxsize=16)
def _stylesheet(css_text: str) -> weasyprint.CSS:
    """Each distinct stylesheet is parsed once per process and reused for every document."""
    css = weasyprint.CSS(string=css_text, font_config=_font_config(), url_fetcher=_url_fetcher())
    if _structural_only(css_text):
        _STRUCTURAL_SHEETS[id(css)] = css
    return css


@lru_cache(maxsize=4)
def _template_css(name: str) -> str:
    return (TEMPLATES_DIR / name).read_text(encoding="utf-8")


def render_html_to_pdf(html: str, base_url: str | None = None, *, stylesheets: Sequence[str] = (),
                       lean: bool = False) -> bytes:
    """Render one HTML document to PDF bytes.

    ``lean=True`` is for templates we author (about 20% faster): WeasyPrint's HTML5 user-agent stylesheet is
    replaced by LEAN_UA_CSS (it covers div, p, h1-h3, ol/ul/li, tables, b/strong/i/em, br; style the rest in
    your own CSS), and well-formed XHTML (explicit <head> and <body>, every tag closed) skips the HTML5 parser.
    ``stylesheets`` are CSS texts (not paths), parsed once per process and cached; pass the same text for
    every document of a batch. ``base_url`` resolves relative file: URLs; other than file: and data:
    URLs are never fetched (the resource is left out, as WeasyPrint does for any failed fetch).
    """
    font_config = _font_config()
    document = _LeanHTML.from_xhtml(html, base_url, _url_fetcher()) if lean else None
    if document is None:
        html_class = _LeanHTML if lean else weasyprint.HTML
        document = html_class(string=html, base_url=base_url, url_fetcher=_url_fetcher())
    return document.write_pdf(stylesheets=[_stylesheet(css) for css in stylesheets],
                              font_config=font_config, **_PDF_OPTIONS)


def paystub_html(view: PaystubView) -> str:
    """The paystub's HTML (what the PDF is made from; also handy for an on-screen preview)."""
    return _jinja().get_template(PAYSTUB_TEMPLATE).render(v=view)


def render_paystub(view: PaystubView) -> bytes:
    """One paystub as PDF bytes."""
    return render_html_to_pdf(paystub_html(view), stylesheets=(_template_css(PAYSTUB_CSS),), lean=True)


def _render_chunk(views: list[PaystubView]) -> list[tuple[int | str, bytes]]:
    return [(view.key, render_paystub(view)) for view in views]


def _warm_up() -> None:
    """Build the font configuration, stylesheets and template before the first document."""
    _font_config()
    _stylesheet(_template_css(PAYSTUB_CSS))
    _stylesheet(LEAN_UA_CSS)
    _jinja().get_template(PAYSTUB_TEMPLATE)


def _pool_worker_init() -> None:
    """Pool initializer: warm up, then move the warm objects out of the cyclic GC's way and collect less
    often (a paystub allocates ~10^5 short-lived objects; saves a few percent). Only in our own children."""
    _warm_up()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def default_processes() -> int:
    """Processes for bulk rendering: one per core, and 1 inside a daemonic worker (e.g. Celery prefork),
    which may not start children of its own."""
    if multiprocessing.current_process().daemon:
        return 1
    return max(1, os.cpu_count() or 1)


def render_paystubs(views: Iterable[PaystubView], *, processes: int | None = None,
                    chunksize: int = 4) -> Iterator[tuple[int | str, bytes]]:
    """Render many paystubs; yields ``(view.key, pdf_bytes)`` in input order, lazily.

    ``processes`` defaults to one per core (1 inside a daemonic process such as a Celery prefork worker).
    With more than one, a pool of forked processes renders ``chunksize`` views per task, with a bounded
    number of tasks in flight: the workers never wait for the consumer's batch boundaries, and neither the
    views nor the PDFs of a 100,000-paycheck run sit in memory at once.
    """
    processes = default_processes() if processes is None else processes
    if processes < 1 or chunksize < 1:
        raise DomainError("render_paystubs needs at least one process and one view per chunk",
                          code="bad_bulk_options")
    views = iter(views)
    if processes == 1:
        _warm_up()
        # a paystub allocates ~10^5 short-lived objects: collect less often while a batch renders (as the pool's
        # children do; this is the path of a Celery prefork child), and put the threshold back afterwards
        threshold = gc.get_threshold()
        gc.set_threshold(50_000, threshold[1], threshold[2])
        try:
            for view in views:
                yield view.key, render_paystub(view)
        finally:
            gc.set_threshold(*threshold)
        return
    # the first stub is rendered here, before the fork: the children start with its warm state (fonts, parsed
    # stylesheets and the shared computed styles), not each one filling them again
    first = next(views, None)
    if first is None:
        return
    _warm_up()
    yield first.key, render_paystub(first)
    in_flight: deque = deque()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes, initializer=_pool_worker_init) as pool:
        while chunk := list(islice(views, chunksize)):
            in_flight.append(pool.apply_async(_render_chunk, (chunk,)))
            if len(in_flight) >= processes * 3:
                yield from in_flight.popleft().get()
        while in_flight:
            yield from in_flight.popleft().get()


__all__ = ["render_html_to_pdf", "render_paystub", "render_paystubs", "paystub_html", "default_processes",
           "TEMPLATES_DIR"]
