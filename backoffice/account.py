"""My account (in the admin): the second factor (enrol by QR code, recovery codes shown once) and one's own API
tokens (see and revoke)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, request, session
from flask_admin import BaseView, expose
from flask_login import current_user

from backoffice.admin import deny, domain_errors, staff_only
from backoffice.clock import clock
from backoffice.extensions import db
from backoffice.security import mfa
from backoffice.security.models import ApiToken
from backoffice.security.services import revoke_api_token

PENDING_SECRET = "_mfa_new_secret"  # the secret being set up, until a first code confirms it


class AccountView(BaseView):
    def is_accessible(self):
        return staff_only()

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    @expose("/")
    def index(self):
        tokens = db.session.execute(sa.select(ApiToken).where(ApiToken.user_id == current_user.id)
                                    .order_by(ApiToken.id.desc())).scalars().all()
        return self.render("admin/account/index.html", tokens=tokens, now=clock().now(),
                           required=mfa.must_enrol(current_user, self.admin.app.config))

    @expose("/two-factor", methods=("GET", "POST"))
    def mfa(self):
        if current_user.mfa_enabled:
            flash("Two-factor sign-in is already on for your account.", "info")
            return redirect(self.get_url(".index"))
        secret = session.get(PENDING_SECRET) or mfa.new_secret()
        session[PENDING_SECRET] = secret
        refused = domain_errors(form=True)
        if request.method == "POST":
            with refused:
                codes = mfa.enable(current_user.id, secret, request.form.get("code", ""), clock().now())
                session.pop(PENDING_SECRET, None)
                return self.render("admin/account/recovery_codes.html", codes=codes)
        return self.render("admin/account/mfa.html", qr=mfa.qr_svg(current_user, secret), secret=secret,
                           errors=refused.errors, required=mfa.must_enrol(current_user, self.admin.app.config)), \
            (422 if refused else 200)

    @expose("/tokens/<int:token_id>/revoke", methods=("POST",))
    def revoke_token(self, token_id: int):
        with domain_errors(not_found_404=True):
            row = revoke_api_token(token_id, clock().now(), owner_id=current_user.id)
            flash(f"API token {row.prefix}… is revoked.", "success")
        return redirect(self.get_url(".index"))


def register(admin) -> None:
    admin.add_view(AccountView(name="My account", category="Settings", endpoint="account", url="/admin/account"))
