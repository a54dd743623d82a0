"""Users, roles, sessions, API tokens and the one access check, which reads a permissions table (data, Odoo-style)."""
from backoffice.security.models import ROLES, ApiToken, LoginAttempt, Permission, User, UserSession  # noqa: F401
from backoffice.security.access import can, require, scoped, register_scope, load_permissions_csv  # noqa: F401
