"""Classification: whether an engagement is employment or contracting, with the reasoning factor by factor.

engine/ is pure (rule sets as dated JSON); services own the questionnaire, sign-off, reviews, re-checks and
reclassification; admin, portal and cli are the entry points."""
from __future__ import annotations


def init_app(app) -> None:
    """Register the models, row scopes, admin views, API, portal pages and CLI of this domain."""
    # Here, not at the top: importing the package (for the pure engine) must not load its web layers.
    from backoffice.api import register_blueprints
    from backoffice.classification import admin, api, cli, models, portal, scopes  # noqa: F401

    admin.register(app.extensions["tandem_admin"])
    register_blueprints(app, api.blp)
    portal.init_app(app)
    cli.register(app.cli)
