"""PlaidLink.from_config: which host the real client is pointed at, and refusals when Plaid is not set up."""
from __future__ import annotations

import pytest

from backoffice.errors import DomainError
from backoffice.banking.plaid_link import LinkedAccount, PlaidLink

KEYS = {"BACKOFFICE_PLAID_CLIENT_ID": "id", "BACKOFFICE_PLAID_SECRET": "secret"}


@pytest.mark.parametrize("extra, host", [
    ({}, "https://sandbox.plaid.com"),
    ({"BACKOFFICE_PLAID_ENV": "sandbox"}, "https://sandbox.plaid.com"),
    ({"BACKOFFICE_PLAID_ENV": "Production"}, "https://production.plaid.com"),
    ({"BACKOFFICE_PLAID_ENV": "production", "BACKOFFICE_PLAID_HOST": "http://127.0.0.1:5999"},
     "http://127.0.0.1:5999"),
])
def test_host_comes_from_env_name_or_explicit_host(extra, host):
    with PlaidLink.from_config({**KEYS, **extra}) as link:
        assert link.host == host


def test_app_config_keys_without_the_prefix_are_read_too():
    """backoffice.config maps BACKOFFICE_PLAID_* environment variables to PLAID_* app config keys."""
    config = {"PLAID_CLIENT_ID": "id", "PLAID_SECRET": "s", "PLAID_ENV": "sandbox", "PLAID_HOST": None}
    with PlaidLink.from_config(config) as link:
        assert link.host == "https://sandbox.plaid.com"


@pytest.mark.parametrize("config, message", [
    ({}, "set BACKOFFICE_PLAID_CLIENT_ID and BACKOFFICE_PLAID_SECRET"),
    ({"BACKOFFICE_PLAID_CLIENT_ID": "id"}, "set BACKOFFICE_PLAID_SECRET"),
    ({**KEYS, "BACKOFFICE_PLAID_ENV": "development"}, "must be one of sandbox, production, not 'development'"),
    ({**KEYS, "BACKOFFICE_PLAID_TIMEOUT": "soon"}, "must be a number of seconds"),
])
def test_missing_or_wrong_settings_are_refused(config, message):
    with pytest.raises(DomainError, match=message):
        PlaidLink.from_config(config)


def test_linked_account_repr_hides_the_account_number():
    account = LinkedAccount("acc-1", "Checking", "0000", "checking", "011401533", "1111222233330000")
    assert "1111222233330000" not in repr(account)
    assert account.masked_account == "************0000"
