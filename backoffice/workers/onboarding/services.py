"""Onboarding services: invite, accept, each wizard step validated in full and saved in one transaction.

The code lives in cases, invitations, wizard and agreements; every name (public, and the private helpers views
and tests reach) stays importable from here."""
from __future__ import annotations

from backoffice.workers.onboarding.cases import (INVITE_FIELDS, OPEN_STATUSES, PROFILE_FIELDS, _begin, _collect,
                                                 _commit_or_rollback, _complete, _flag, _nf, _signature, _store_copy,
                                                 case_for_engagement, hash_token, may_open, next_step, open_cases)
from backoffice.workers.onboarding.invitations import (InviteResult, _deliver, _new_invitation, accept_invitation,
                                                       check_invitation, invite_worker, resend_invitation)
from backoffice.workers.onboarding.wizard import (I9_LISTS, _account_fields, _latest_profile, _w4_profile, _zip_ok,
                                                  add_manual_account, complete_i9_section2, finish_direct_deposit,
                                                  link_plaid_account, save_i9_section1, save_profile,
                                                  save_state_certificate, save_w4, save_w4_update, save_w9)
from backoffice.workers.onboarding.agreements import agreement_draft, agreement_kind, sign_agreement

# Callers (demo data, tests) also reach these through this module, as before the split.
from backoffice.extensions import db
from backoffice.workers.onboarding.steps import state_form

__all__ = [
    "INVITE_FIELDS", "PROFILE_FIELDS", "OPEN_STATUSES", "hash_token", "case_for_engagement", "open_cases",
    "next_step", "may_open", "InviteResult", "invite_worker", "resend_invitation", "check_invitation",
    "accept_invitation", "save_profile", "save_w4", "save_w4_update", "save_state_certificate", "save_i9_section1",
    "save_w9", "add_manual_account", "link_plaid_account", "finish_direct_deposit", "I9_LISTS",
    "complete_i9_section2", "agreement_kind", "agreement_draft", "sign_agreement",
]
