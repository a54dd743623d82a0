"""Reports: queries (the only place pandas meets SQL), pure frames, exports, paystub view, PDFs (WeasyPrint).

A leaf: imported by views and tasks only."""
from __future__ import annotations


def init_app(app) -> None:
    """Register the admin views, API, CLI and tasks of reports."""
    # Here, not at the top: importing the package (for the pure frames) must not load its web layers.
    from backoffice.api import register_blueprints
    from backoffice.pdf import set_renderer
    from backoffice.workers import add_demo_step
    from reports import admin, api, cli, demo, models, pdf, tasks  # noqa: F401

    admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, api.blp)
    cli.register(app.cli)
    set_renderer(app, pdf.render_html_to_pdf)
    tasks.schedule(app)
    add_demo_step(app, demo.seed)
