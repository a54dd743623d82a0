"""A local fake Plaid API (stdlib HTTP server in a thread) that the real plaid-python client accepts."""
from __future__ import annotations

import contextlib
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator
from urllib.request import Request, urlopen

FAKE_CLIENT_ID = "fake-client-id"
FAKE_SECRET = "fake-secret"


@dataclass(frozen=True)
class FakeAccount:
    account_id: str
    name: str
    official_name: str
    subtype: str  # checking | savings
    routing: str  # a valid ABA routing number
    account: str
    balance: str = "1000.00"

    @property
    def mask(self) -> str:
        return self.account[-4:]


@dataclass(frozen=True)
class FakeInstitution:
    institution_id: str
    name: str
    accounts: tuple[FakeAccount, ...]


# Routing numbers: 011401533 and 021000021 are the ones Plaid's own sandbox returns; 322271627 and 121000358
# are published routing numbers of large banks. All pass the ABA check digit (3-7-1 weights, sum % 10 == 0):
# 0*3+1*7+1*1+4*3+0*7+1*1+5*3+3*7+3*1 = 60, 0+14+1+0+0+0+0+14+1 = 30, 9+14+2+6+49+1+18+14+7 = 120,
# 3+14+1+0+0+0+9+35+8 = 70.
INSTITUTIONS = {
    "ins_109508": FakeInstitution("ins_109508", "First Platypus Bank", (
        FakeAccount("fake-acc-checking-0000", "Plaid Checking", "Plaid Gold Standard 0% Interest Checking",
                    "checking", "011401533", "1111222233330000"),
        FakeAccount("fake-acc-savings-1111", "Plaid Saving", "Plaid Silver Standard 0.1% Interest Saving",
                    "savings", "011401533", "1111222233331111", "200.00"),
    )),
    "ins_109509": FakeInstitution("ins_109509", "First Gingham Credit Union", (
        FakeAccount("fake-acc-gingham-4321", "Everyday Checking", "Gingham Everyday Checking",
                    "checking", "322271627", "987654321"),
    )),
    "ins_109510": FakeInstitution("ins_109510", "Tattersall Federal Credit Union", (
        FakeAccount("fake-acc-tatter-7788", "Share Savings", "Tattersall Share Savings",
                    "savings", "121000358", "00447788"),
    )),
}


@dataclass
class _Item:
    item_id: str
    institution: FakeInstitution
    products: list[str]


@dataclass
class FakePlaidState:
    client_id: str
    secret: str
    public_tokens: dict[str, _Item] = field(default_factory=dict)
    access_tokens: dict[str, _Item] = field(default_factory=dict)
    link_tokens: dict[str, str] = field(default_factory=dict)  # link token -> client_user_id
    calls: list[str] = field(default_factory=list)  # paths called, in order (never bodies)
    lock: threading.Lock = field(default_factory=threading.Lock)


class PlaidApiError(Exception):
    def __init__(self, status: int, error_type: str, error_code: str, message: str,
                 display_message: str | None = None):
        super().__init__(message)
        self.status, self.error_type, self.error_code = status, error_type, error_code
        self.message, self.display_message = message, display_message


def _request_id() -> str:
    return uuid.uuid4().hex[:15]


def _error_body(error: PlaidApiError) -> dict:
    # The shape of Plaid's error object (PlaidError): every field present, nullable ones as null.
    return {"error_type": error.error_type, "error_code": error.error_code, "error_message": error.message,
            "display_message": error.display_message, "request_id": _request_id(), "causes": [],
            "status": error.status, "documentation_url": "https://plaid.com/docs/errors/",
            "suggested_action": None}


def _require(body: dict, *names: str) -> None:
    for name in names:
        if body.get(name) in (None, "", []):
            raise PlaidApiError(400, "INVALID_REQUEST", "MISSING_FIELDS",
                                f"the following required fields are missing: {name}")


def _account_json(account: FakeAccount) -> dict:
    return {
        "account_id": account.account_id,
        "balances": {"available": float(account.balance), "current": float(account.balance), "limit": None,
                     "iso_currency_code": "USD", "unofficial_currency_code": None},
        "mask": account.mask, "name": account.name, "official_name": account.official_name,
        "type": "depository", "subtype": account.subtype,
    }


def _item_json(item: _Item) -> dict:
    return {"item_id": item.item_id, "institution_id": item.institution.institution_id, "webhook": None,
            "error": None, "available_products": ["balance", "identity", "transactions"],
            "billed_products": item.products, "products": item.products, "consented_products": item.products,
            "consent_expiration_time": None, "update_type": "background"}


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path.split("?")[0] != LINK_SCRIPT_PATH:
            self._send(404, {"error": "not found"})
            return
        data = (LINK_SCRIPT % {"base": self.server.base_url}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/javascript")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(data)

    def do_OPTIONS(self) -> None:  # noqa: N802 (CORS preflight for the browser-side Link stand-in)
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "POST, GET, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        state = self.server.state
        path = self.path.rstrip("/")
        browser = path in BROWSER_ROUTES
        with state.lock:
            state.calls.append(path)
        try:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                raise PlaidApiError(400, "INVALID_REQUEST", "INVALID_BODY", "body could not be parsed as JSON")
            if not browser:  # Link runs in the browser with a link token, never with the API keys
                self._check_keys(body)
            handler = BROWSER_ROUTES.get(path) or ROUTES.get(path)
            if handler is None:
                raise PlaidApiError(404, "INVALID_REQUEST", "NOT_FOUND", f"unknown endpoint {path}")
            with state.lock:
                result = handler(state, body)
            result["request_id"] = _request_id()
            self._send(200, result, cors=browser)
        except PlaidApiError as error:
            self._send(error.status, _error_body(error), cors=browser)

    def _check_keys(self, body: dict) -> None:
        state = self.server.state
        client_id = self.headers.get("PLAID-CLIENT-ID") or body.get("client_id")
        secret = self.headers.get("PLAID-SECRET") or body.get("secret")
        if not client_id or not secret:
            raise PlaidApiError(400, "INVALID_REQUEST", "MISSING_FIELDS",
                                "the following required fields are missing: client_id, secret")
        if client_id != state.client_id or secret != state.secret:
            raise PlaidApiError(400, "INVALID_INPUT", "INVALID_API_KEYS",
                                "invalid client_id or secret provided")

    def _send(self, status: int, payload: dict, *, cors: bool = False) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _link_token_create(state: FakePlaidState, body: dict) -> dict:
    _require(body, "client_name", "language", "country_codes", "user")
    user = body["user"]
    if not isinstance(user, dict) or not user.get("client_user_id"):
        raise PlaidApiError(400, "INVALID_REQUEST", "MISSING_FIELDS",
                            "the following required fields are missing: user.client_user_id")
    token = f"link-sandbox-{uuid.uuid4()}"
    state.link_tokens[token] = user["client_user_id"]
    expiration = (datetime.now(timezone.utc) + timedelta(hours=4)).replace(microsecond=0)
    return {"link_token": token, "expiration": expiration.isoformat().replace("+00:00", "Z")}


def _sandbox_public_token_create(state: FakePlaidState, body: dict) -> dict:
    _require(body, "institution_id", "initial_products")
    institution = INSTITUTIONS.get(body["institution_id"])
    if institution is None:
        raise PlaidApiError(400, "INVALID_INPUT", "INVALID_INSTITUTION",
                            "invalid institution_id provided")
    token = f"public-sandbox-{uuid.uuid4()}"
    state.public_tokens[token] = _Item(f"fake-item-{uuid.uuid4().hex[:12]}", institution,
                                       list(body["initial_products"]))
    return {"public_token": token}


def _item_public_token_exchange(state: FakePlaidState, body: dict) -> dict:
    _require(body, "public_token")
    # A public token is single-use here: a second exchange is refused like an unknown token.
    item = state.public_tokens.pop(body["public_token"], None)
    if item is None:
        raise PlaidApiError(400, "INVALID_INPUT", "INVALID_PUBLIC_TOKEN",
                            "provided public token is in an invalid format, expired or already used",
                            "The bank link expired. Please link your account again.")
    access_token = f"access-sandbox-{uuid.uuid4()}"
    state.access_tokens[access_token] = item
    return {"access_token": access_token, "item_id": item.item_id}


def _item_for(state: FakePlaidState, body: dict) -> _Item:
    _require(body, "access_token")
    item = state.access_tokens.get(body["access_token"])
    if item is None:
        raise PlaidApiError(400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN",
                            "provided access token is in an invalid format or does not exist")
    return item


def _auth_get(state: FakePlaidState, body: dict) -> dict:
    item = _item_for(state, body)
    accounts = item.institution.accounts
    return {
        "accounts": [_account_json(a) for a in accounts],
        "numbers": {
            "ach": [{"account_id": a.account_id, "account": a.account, "routing": a.routing,
                     "wire_routing": "021000021"} for a in accounts],
            "eft": [], "international": [], "bacs": [],
        },
        "item": _item_json(item),
    }


def _accounts_get(state: FakePlaidState, body: dict) -> dict:
    item = _item_for(state, body)
    return {"accounts": [_account_json(a) for a in item.institution.accounts], "item": _item_json(item)}


def _link_complete(state: FakePlaidState, body: dict) -> dict:
    """What Plaid Link does in the browser: the user picks a bank and logs in; Link returns a public token."""
    _require(body, "link_token")
    if body["link_token"] not in state.link_tokens:
        raise PlaidApiError(400, "INVALID_INPUT", "INVALID_LINK_TOKEN", "provided link token is invalid or expired")
    institution_id = body.get("institution_id") or DEFAULT_INSTITUTION
    result = _sandbox_public_token_create(state, {"institution_id": institution_id, "initial_products": ["auth"]})
    institution = INSTITUTIONS[institution_id]
    metadata = {
        "institution": {"name": institution.name, "institution_id": institution.institution_id},
        "accounts": [{"id": a.account_id, "name": a.name, "mask": a.mask, "type": "depository",
                      "subtype": a.subtype, "verification_status": None} for a in institution.accounts],
        "link_session_id": str(uuid.uuid4()),
    }
    return {"public_token": result["public_token"], "metadata": metadata}


BROWSER_ROUTES = {"/link/fake/complete": _link_complete}

ROUTES = {
    "/link/token/create": _link_token_create,
    "/sandbox/public_token/create": _sandbox_public_token_create,
    "/item/public_token/exchange": _item_public_token_exchange,
    "/auth/get": _auth_get,
    "/accounts/get": _accounts_get,
}


DEFAULT_INSTITUTION = "ins_109508"
LINK_SCRIPT_PATH = "/link/v2/stable/link-initialize.js"
# A stand-in for Plaid's Link script (the real one loads from Plaid's CDN, unreachable in tests): the same
# Plaid.create({token, onSuccess, onExit, onLoad}) -> {open, exit, destroy} surface. open() completes at once
# with window.FAKE_PLAID_INSTITUTION (or the argument, or First Platypus Bank) and calls
# onSuccess(public_token, metadata) as Link does; an invalid link token calls onExit(error, metadata).
LINK_SCRIPT = """(function () {
  var BASE = "%(base)s";
  window.Plaid = {
    create: function (config) {
      var handler = {
        open: function (institutionId) {
          var institution = institutionId || window.FAKE_PLAID_INSTITUTION || "";
          fetch(BASE + "/link/fake/complete", {
            method: "POST", headers: {"Content-Type": "text/plain"},
            body: JSON.stringify({link_token: config.token, institution_id: institution})
          }).then(function (response) {
            return response.json().then(function (body) { return {ok: response.ok, body: body}; });
          }).then(function (result) {
            if (result.ok) { config.onSuccess(result.body.public_token, result.body.metadata); }
            else if (config.onExit) { config.onExit(result.body, {status: "requires_credentials"}); }
          });
        },
        exit: function () { if (config.onExit) { config.onExit(null, {status: "exited"}); } },
        destroy: function () {}
      };
      if (config.onLoad) { setTimeout(config.onLoad, 0); }
      return handler;
    }
  };
})();
"""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: FakePlaidState):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state
        host, port = self.server_address[:2]
        self.base_url = f"http://{host}:{port}"


class FakePlaid:
    """The running fake: base_url, its state (tokens, calls) and the credentials it accepts."""

    def __init__(self, *, client_id: str = FAKE_CLIENT_ID, secret: str = FAKE_SECRET):
        self.state = FakePlaidState(client_id=client_id, secret=secret)
        self._server = _Server(self.state)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-plaid", daemon=True)
        self.base_url = self._server.base_url
        self.link_script_url = self.base_url + LINK_SCRIPT_PATH
        self.client_id, self.secret = client_id, secret

    def start(self) -> "FakePlaid":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def make_public_token(self, institution_id: str = DEFAULT_INSTITUTION,
                          products: tuple[str, ...] = ("auth",)) -> str:
        return make_public_token(self.base_url, institution_id, products=products,
                                 client_id=self.client_id, secret=self.secret)


@contextlib.contextmanager
def running_fake_plaid(*, client_id: str = FAKE_CLIENT_ID, secret: str = FAKE_SECRET) -> Iterator[str]:
    """Run the fake on 127.0.0.1 and a free port for the duration of the block; yields its base URL."""
    with running_fake_plaid_server(client_id=client_id, secret=secret) as fake:
        yield fake.base_url


@contextlib.contextmanager
def running_fake_plaid_server(*, client_id: str = FAKE_CLIENT_ID,
                              secret: str = FAKE_SECRET) -> Iterator[FakePlaid]:
    """Like running_fake_plaid, but yields the FakePlaid object (state, calls, make_public_token)."""
    fake = FakePlaid(client_id=client_id, secret=secret).start()
    try:
        yield fake
    finally:
        fake.stop()


def make_public_token(base_url: str, institution_id: str = DEFAULT_INSTITUTION, *,
                      products: tuple[str, ...] = ("auth",), client_id: str = FAKE_CLIENT_ID,
                      secret: str = FAKE_SECRET) -> str:
    """A public token for an institution of the fake, as Plaid Link would hand one to the browser."""
    payload = json.dumps({"institution_id": institution_id, "initial_products": list(products)}).encode()
    request = Request(f"{base_url}/sandbox/public_token/create", data=payload, method="POST",
                      headers={"Content-Type": "application/json", "PLAID-CLIENT-ID": client_id,
                               "PLAID-SECRET": secret})
    with urlopen(request, timeout=10) as response:
        return json.loads(response.read())["public_token"]
