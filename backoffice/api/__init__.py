"""REST API under /api/v1: token authentication, the shared access check, JSON errors naming the field."""
from __future__ import annotations

import json
from decimal import Decimal

import marshmallow
import sqlalchemy as sa
from flask import g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api
from flask_smorest.spec.plugins import integerconverter2paramschema
from werkzeug.exceptions import HTTPException

from backoffice.api.fields import RecordIdConverter
from backoffice.auth import TOKEN_REFUSALS, check_token
from backoffice.errors import Issue, ValidationFailed
from backoffice.extensions import csrf, db
from backoffice.security.access import require, scoped

# What a person in a browser reads on an error page (the API answers JSON with the same status).
_PAGE_ERRORS = {
    403: ("Not allowed", "Your role does not give access to this page."),
    404: ("Page not found", "There is no page at this address. It may have moved, or the link may be mistyped."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "What was sent is larger than this site accepts. Send a smaller file, or split it."),
}
# JSON nested deeper than this is refused (no request of ours nests past about six levels); the C decoder itself
# gives up with RecursionError near a thousand, which used to surface as a 500.
MAX_JSON_DEPTH = 32


def _wants_page() -> bool:
    """A browser asking for a page (not the API, not a script asking for JSON)."""
    if request.path.startswith("/api/"):
        return False
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "text/html" or not request.accept_mimetypes.provided


class TandemApi(Api):
    def handle_http_exception(self, error: HTTPException):
        # flask-smorest registers this handler for the whole app; pages outside the API get an HTML page.
        if _wants_page() and error.code and error.code >= 400:
            from flask import render_template

            title, message = _PAGE_ERRORS.get(error.code, (error.name, error.description))
            return render_template("error.html", title=title, message=message), error.code
        data = getattr(error, "data", None) or {}
        messages = data.get("messages")
        if error.code == 422 and messages:
            issues = []
            for _location, fields in messages.items():
                _flatten(fields, "", issues)
            return jsonify(ValidationFailed(issues).as_dict()), 422
        return jsonify({"error": (error.name or "error").lower().replace(" ", "_"),
                        "message": error.description}), error.code


def _flatten(node, prefix, issues):
    if isinstance(node, dict):
        for k, val in node.items():
            key = f"{prefix}[{k}]" if isinstance(k, int) else (f"{prefix}.{k}" if prefix else str(k))
            _flatten(val, key, issues)
    elif isinstance(node, list):
        for msg in node:
            if isinstance(msg, (dict, list)):
                _flatten(msg, prefix, issues)
            else:
                issues.append(Issue(prefix or "body", str(msg)))


def current_api_user():
    return g.get("api_user")


def authenticate_request():
    """Every API request needs `Authorization: Bearer <token>`."""
    if request.method == "OPTIONS" or request.path.endswith("/openapi.json"):
        return None
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return jsonify({"error": "unauthorized", "message": "send an API token: Authorization: Bearer <token>"}), 401
    user, refused = check_token(header[7:].strip())
    if user is None:
        error, message = TOKEN_REFUSALS[refused]
        return jsonify({"error": error, "message": message}), 401
    g.api_user = user
    return None


def page_of(model, perm: str, args: dict, filters: list, order) -> dict:
    """One page of a list endpoint: the rows of `model` the caller may read (the `perm` right, its row scope),
    narrowed by `filters`, ordered by `order` (a clause or a tuple of them), with `page`, `per_page` and `total`."""
    user = current_api_user()
    require(user, perm, "read")
    stmt = scoped(sa.select(model), user, perm)
    count = scoped(sa.select(sa.func.count()).select_from(model), user, perm)
    for f in filters:
        stmt, count = stmt.where(f), count.where(f)
    total = db.session.execute(count).scalar_one()
    rows = db.session.execute(stmt.order_by(*(order if isinstance(order, tuple) else (order,)))
                              .limit(args["per_page"]).offset((args["page"] - 1) * args["per_page"])).scalars().all()
    return {"items": rows, "page": args["page"], "per_page": args["per_page"], "total": total}


def json_body() -> dict | list:
    """The request's JSON; numbers with a fraction become Decimal (money is never float)."""
    try:
        data = loads_bounded(request.get_data(cache=True) or b"null", parse_float=Decimal)
    except JSONTooDeep as exc:
        raise ValidationFailed([Issue("body", str(exc), "too_deep")]) from None
    except ValueError:
        data = None
    if not isinstance(data, (dict, list)):
        raise ValidationFailed([Issue("body", "must be a JSON object or list (Content-Type: application/json)")])
    return data


def json_object() -> dict:
    """The request's JSON when it must be one object (a record to create or change): anything else is a 422."""
    data = json_body()
    if not isinstance(data, dict):
        raise ValidationFailed([Issue("body", "must be a JSON object", "invalid")])
    return data


class JSONTooDeep(ValueError):
    pass


def loads_bounded(text, **kw):
    """json.loads, refusing documents nested deeper than MAX_JSON_DEPTH (JSONTooDeep, a ValueError)."""
    try:
        data = json.loads(text, **kw)
    except RecursionError:
        raise JSONTooDeep(f"is nested more than {MAX_JSON_DEPTH} levels deep") from None
    stack = [(data, 1)]
    while stack:                                  # iterative: the check itself must not recurse
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise JSONTooDeep(f"is nested more than {MAX_JSON_DEPTH} levels deep")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return data


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that request.get_json refuses deeply nested documents with a 400 (ValueError)."""

    def loads(self, s, **kwargs):
        return loads_bounded(s, **kwargs)


def bound_requests(app) -> None:
    """Limits every request shares, set before any route exists: record ids in URLs (a RecordIdConverter for
    `<int:...>`) and bounded JSON. MAX_CONTENT_LENGTH is configuration (backoffice.config)."""
    app.url_map.converters["int"] = RecordIdConverter
    app.json = BoundedJSONProvider(app)


def init_api(app) -> Api:
    """The API shell: token authentication and JSON errors. Domains add their blueprints with register_blueprints."""
    app.config.setdefault("API_SPEC_OPTIONS", {
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
        "info": {"description": "Tandem back office API. Authenticate with a per-user token: "
                                "`Authorization: Bearer <token>` (create one with `backoffice create-token`)."},
    })
    api = TandemApi(app)
    api.register_converter(RecordIdConverter, integerconverter2paramschema)
    # Decimals travel as strings ("12.50": money is never a JSON float), and the document says so (apispec would
    # say `number`, and every client validating against it would reject our answers).
    api.register_field(marshmallow.fields.Decimal, "string", "decimal")
    app.extensions["tandem_api"] = api  # the spec is served without auth (it documents, it does not disclose data)
    api_names = app.extensions["tandem_api_blueprints"] = set()

    # Registered on the app (not on the shared blueprint objects) so create_app can run more than once.
    @app.before_request
    def _api_token_auth():
        if request.blueprint in api_names:
            return authenticate_request()
        return None
    return api


def register_blueprints(app, *blueprints) -> None:
    """Serve a domain's API blueprints under token authentication (no CSRF: no cookies are involved)."""
    api = app.extensions["tandem_api"]
    for bp in blueprints:
        csrf.exempt(bp)
        api.register_blueprint(bp)
        app.extensions["tandem_api_blueprints"].add(bp.name)
