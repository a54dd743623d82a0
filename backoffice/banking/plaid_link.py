"""Bank linking through Plaid (plaid-python): link token, public-token exchange, ACH numbers from Auth."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import plaid
import urllib3.exceptions
from plaid.api import plaid_api
from plaid.model.auth_get_request import AuthGetRequest
from plaid.model.country_code import CountryCode
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest
from plaid.model.link_token_create_request import LinkTokenCreateRequest
from plaid.model.link_token_create_request_user import LinkTokenCreateRequestUser
from plaid.model.products import Products
from plaid.model.sandbox_public_token_create_request import SandboxPublicTokenCreateRequest

from backoffice.errors import DomainError
from backoffice.banking.routing import mask_account

log = logging.getLogger(__name__)

ENVIRONMENTS = {"sandbox": plaid.Environment.Sandbox, "production": plaid.Environment.Production}


class PlaidError(DomainError):
    """Plaid refused a request or could not be reached; the message is safe to show (no tokens, no numbers)."""

    status_code = 502

    def __init__(self, message: str, *, plaid_error_code: str | None = None,
                 plaid_error_type: str | None = None, request_id: str | None = None):
        super().__init__(message, code="plaid_error")
        self.plaid_error_code = plaid_error_code
        self.plaid_error_type = plaid_error_type
        self.request_id = request_id


@dataclass(frozen=True)
class LinkedAccount:
    """A linked deposit account with the ACH numbers Auth returned (repr never shows the account number)."""

    account_id: str
    name: str
    mask: str | None
    subtype: str | None
    routing: str
    account: str = field(repr=False)

    @property
    def masked_account(self) -> str:
        return mask_account(self.account)


class PlaidLink:
    """A small service over the real plaid-python client; one instance may serve many requests."""

    def __init__(self, client_id: str, secret: str, host: str, *, timeout: float = 30.0):
        if not client_id or not secret:
            raise DomainError("Plaid is not configured: a client id and a secret are required",
                              code="plaid_not_configured")
        if not host:
            raise DomainError("Plaid is not configured: a host is required", code="plaid_not_configured")
        configuration = plaid.Configuration(host=host, api_key={"clientId": client_id, "secret": secret})
        self.host = host
        self._timeout = timeout
        self._api_client = plaid.ApiClient(configuration)
        self._api = plaid_api.PlaidApi(self._api_client)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "PlaidLink":
        """Build from app config: BACKOFFICE_PLAID_CLIENT_ID, BACKOFFICE_PLAID_SECRET, and either
        BACKOFFICE_PLAID_HOST (an explicit URL, e.g. the local fake) or BACKOFFICE_PLAID_ENV
        (sandbox | production; sandbox when unset). Keys without the BACKOFFICE_ prefix are read too."""
        def get(name: str) -> str:
            value = config.get(f"BACKOFFICE_{name}")
            if value in (None, ""):
                value = config.get(name)
            return "" if value is None else str(value).strip()

        client_id, secret = get("PLAID_CLIENT_ID"), get("PLAID_SECRET")
        missing = [n for n, v in (("BACKOFFICE_PLAID_CLIENT_ID", client_id),
                                  ("BACKOFFICE_PLAID_SECRET", secret)) if not v]
        if missing:
            raise DomainError("Plaid is not configured: set " + " and ".join(missing),
                              code="plaid_not_configured")
        host = get("PLAID_HOST")
        if not host:
            env = get("PLAID_ENV").lower() or "sandbox"
            if env not in ENVIRONMENTS:
                raise DomainError(f"BACKOFFICE_PLAID_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}",
                                  code="plaid_not_configured")
            host = ENVIRONMENTS[env]
        timeout = get("PLAID_TIMEOUT") or "30"
        try:
            seconds = float(timeout)
        except ValueError:
            raise DomainError(f"BACKOFFICE_PLAID_TIMEOUT must be a number of seconds, not {timeout!r}",
                              code="plaid_not_configured") from None
        return cls(client_id, secret, host, timeout=seconds)

    def create_link_token(self, user_id: str, *, client_name: str, products: Sequence[str] = ("auth",),
                          country_codes: Sequence[str] = ("US",), language: str = "en",
                          redirect_uri: str | None = None, webhook: str | None = None) -> str:
        """A Link token for the front end to open Plaid Link for this user (our stable, non-PII user id)."""
        if not str(user_id or "").strip():
            raise DomainError("a user id is required to create a Plaid Link token", code="invalid")
        optional: dict[str, Any] = {}
        if redirect_uri:
            optional["redirect_uri"] = redirect_uri
        if webhook:
            optional["webhook"] = webhook
        request = LinkTokenCreateRequest(
            client_name=client_name, language=language,
            country_codes=[CountryCode(c) for c in country_codes],
            user=LinkTokenCreateRequestUser(client_user_id=str(user_id)),
            products=[Products(p) for p in products], **optional,
        )
        response = self._call("link/token/create", self._api.link_token_create, request)
        return str(response["link_token"])

    def exchange_public_token(self, public_token: str) -> tuple[str, str]:
        """Exchange the public token Link returned for (access_token, item_id). Store the access token encrypted."""
        if not str(public_token or "").strip():
            raise DomainError("a public token is required", code="invalid")
        request = ItemPublicTokenExchangeRequest(public_token=public_token)
        response = self._call("item/public_token/exchange", self._api.item_public_token_exchange, request)
        return str(response["access_token"]), str(response["item_id"])

    def auth_numbers(self, access_token: str) -> list[LinkedAccount]:
        """Every account of the item that has US ACH numbers, with name, mask, subtype, routing and account."""
        if not str(access_token or "").strip():
            raise DomainError("an access token is required", code="invalid")
        response = self._call("auth/get", self._api.auth_get, AuthGetRequest(access_token=access_token))
        accounts = {a["account_id"]: a for a in response["accounts"]}
        linked = []
        for numbers in response["numbers"]["ach"]:
            account = accounts.get(numbers["account_id"])
            if account is None:
                continue
            subtype = account.get("subtype")
            linked.append(LinkedAccount(
                account_id=str(numbers["account_id"]), name=str(account["name"]),
                mask=account.get("mask"), subtype=None if subtype is None else str(subtype),
                routing=str(numbers["routing"]), account=str(numbers["account"]),
            ))
        return linked

    def sandbox_public_token(self, institution_id: str, *, products: Sequence[str] = ("auth",)) -> str:
        """A public token made without Link (Plaid sandbox and the local fake only)."""
        request = SandboxPublicTokenCreateRequest(institution_id=institution_id,
                                                  initial_products=[Products(p) for p in products])
        response = self._call("sandbox/public_token/create", self._api.sandbox_public_token_create, request)
        return str(response["public_token"])

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._api_client.close()

    def __enter__(self) -> "PlaidLink":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _call(self, endpoint: str, method: Any, request: Any) -> Any:
        # Tokens and account numbers travel in requests and responses only: never in a log line or an error.
        try:
            return method(request, _request_timeout=self._timeout)
        except plaid.ApiException as exc:
            error = _plaid_error_body(exc.body)
            code, kind = error.get("error_code"), error.get("error_type")
            request_id = error.get("request_id")
            text = error.get("display_message") or error.get("error_message") or exc.reason or "request refused"
            log.warning("Plaid %s failed: status=%s type=%s code=%s request_id=%s",
                        endpoint, exc.status, kind, code, request_id)
            label = "/".join(str(p) for p in (kind, code) if p) or f"HTTP {exc.status}"
            raise PlaidError(f"Plaid {endpoint} failed ({label}): {text}", plaid_error_code=code,
                             plaid_error_type=kind, request_id=request_id) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            log.warning("Plaid %s unreachable: %s", endpoint, type(exc).__name__)
            raise PlaidError(f"Plaid could not be reached at {self.host} ({type(exc).__name__})") from None
        except (plaid.ApiTypeError, plaid.ApiValueError, plaid.ApiAttributeError, plaid.ApiKeyError,
                TypeError, ValueError) as exc:
            log.warning("Plaid %s returned a response the client could not read: %s", endpoint,
                        type(exc).__name__)
            raise PlaidError(f"Plaid {endpoint} returned a response that could not be read") from None


def _plaid_error_body(body: Any) -> dict:
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8", "replace")
    try:
        parsed = json.loads(body) if body else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def link_settings(config) -> dict | None:
    """Plaid Link is offered when the app has Plaid keys; the script URL is configurable (tests use the fake's)."""
    if not (config.get("PLAID_CLIENT_ID") and config.get("PLAID_SECRET")):
        return None
    return {"script_url": config.get("PLAID_LINK_SCRIPT_URL")}
