"""The PDF port: a service asks for the PDF of some HTML; reports (WeasyPrint) registers the renderer at start-up.

This keeps reports a leaf: services never import it, yet a signed document is rendered inside its transaction."""
from __future__ import annotations

from flask import current_app


def set_renderer(app, render) -> None:
    """Register render(html: str) -> bytes (reports.init_app registers reports.pdf.render_html_to_pdf)."""
    app.extensions["pdf_renderer"] = render


def render_pdf(html: str) -> bytes:
    """The PDF of this HTML, from the app's renderer."""
    return current_app.extensions["pdf_renderer"](html)
