"""Security headers on every response: a Content-Security-Policy with a per-response nonce, no framing, no MIME
sniffing, a same-origin referrer, no powerful browser features, and HSTS when the site is served over https."""
from __future__ import annotations

import secrets
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, current_app, g

HSTS = "max-age=31536000; includeSubDomains"
# Browser features no page of ours uses; a script injected into a page cannot ask for them either.
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
                      "payment=(), usb=(), fullscreen=(self)")


# The one inline event handler allowed, by its SHA-256: flask-admin's delete button asks
# onclick="return faHelpers.safeConfirm('Are you sure you want to delete this record?');" (bootstrap4
# row_actions.html). Without it the question would be blocked and a click would delete unasked.
ALLOWED_HANDLERS = ("'unsafe-hashes' 'sha256-gikCNhEl+fhjSb8779qEr3zNPPm8nyTyg8MPyBYs+Tw='",)


def csp_nonce() -> str:
    """This response's script nonce (one per request; templates write it as <script nonce="{{ csp_nonce() }}">)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def frameable_by_self(view):
    """For a response our own pages show in an <iframe> (the agreement PDF on the signing step): framing by the
    same origin is allowed, by anyone else still refused."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        g.csp_frame_self = True
        return view(*args, **kwargs)
    return wrapper


def _origin(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def content_security_policy(nonce: str, plaid_script_url: str | None, frame_self: bool = False) -> str:
    """Scripts only from us, with this response's nonce, and from the Plaid Link script's origin.

    Styles keep 'unsafe-inline': the admin (flask-admin, Bootstrap, select2) and our templates set style=""
    attributes, which a nonce cannot cover; a style cannot run code, and scripts stay nonce-only."""
    plaid = _origin(plaid_script_url)
    extra = f" {plaid}" if plaid else ""
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}' {' '.join(ALLOWED_HANDLERS)}{extra}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        f"connect-src 'self'{extra}",
        f"frame-src 'self'{extra}",  # our agreement PDF; Plaid Link opens in an iframe from its CDN
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'" if frame_self else "frame-ancestors 'none'",
    ))


def is_https(config) -> bool:
    return str(config.get("BASE_URL") or "").lower().startswith("https://")


def _add_headers(response):
    config = current_app.config
    headers = response.headers
    frame_self = bool(g.get("csp_frame_self"))
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce(), config.get("PLAID_LINK_SCRIPT_URL"),
                                                                 frame_self)
    headers["X-Frame-Options"] = "SAMEORIGIN" if frame_self else "DENY"  # for browsers without CSP level 2
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"  # an invitation link's token never leaves in a Referer
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    if is_https(config):
        headers["Strict-Transport-Security"] = HSTS
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(_add_headers)
