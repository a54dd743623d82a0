"""What an admin user may see of a model view: flask-admin's cached columns read through the field policy, and the
one ajax lookup (form_ajax_refs) every SecureModelView uses, through row scopes and capped."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_login import current_user

from backoffice.extensions import db
from backoffice.security.access import scoped
from backoffice.security.field_policy import may_read


def permission_model_of(cls) -> str:
    """The permission-matrix name of a mapped class: its admin view's `permission_model`, else the model's own."""
    admin = current_app.extensions.get("tandem_admin")
    views = getattr(admin, "_views", ())
    # found once per class and number of views (a list page asks for each column of a joined model)
    known = getattr(admin, "_tandem_permission_models", None) if admin is not None else None
    key = (cls, len(views))
    if known is not None and key in known:
        return known[key]
    name = next((view.permission_model for view in views
                 if getattr(view, "model", None) is cls and getattr(view, "permission_model", None)), None) \
        or getattr(cls, "__permission_model__", None) or cls.__tablename__
    if admin is not None:
        if known is None:
            known = admin._tandem_permission_models = {}
        known[key] = name
    return name


_MAPPED: dict = {}   # table -> its mapped class (the registry's mappers do not change once the models are imported)


def mapped_class(table):
    cls = _MAPPED.get(table)
    if cls is not None:
        return cls
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is table:
            _MAPPED[table] = mapper.class_
            return mapper.class_
    return None


AJAX_LIMIT = 20   # rows one lookup answers, whatever `limit` the request asks for


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """The lookup behind every form_ajax_refs select: only rows the user's row scope allows (the remote model's
    scope, as in its own list), searched only in fields the user may read, at most AJAX_LIMIT rows a call."""

    def _permission_model(self) -> str:
        return permission_model_of(self.model)

    def _scoped(self, stmt):
        return scoped(stmt, current_user, self._permission_model())

    def get_one(self, pk):
        try:
            ident = int(pk)
        except (TypeError, ValueError):
            return None
        return db.session.execute(self._scoped(sa.select(self.model).where(self.model.id == ident))
                                  ).scalar_one_or_none()

    def get_list(self, term, offset=0, limit=AJAX_LIMIT):
        stmt = self._scoped(sa.select(self.model))
        term = (term or "").strip()
        if term:
            perm = self._permission_model()
            fields = [f for f in self._cached_fields if may_read(current_user, "admin", perm, f.key)]
            if not fields:
                return []
            stmt = stmt.where(sa.or_(*(sa.cast(f, sa.String).ilike(f"%{term}%") for f in fields)))
        stmt = stmt.order_by(self.order_by if self.order_by is not None else self.model.id)
        limit = max(1, min(int(limit or AJAX_LIMIT), AJAX_LIMIT))
        return db.session.execute(stmt.offset(max(0, int(offset or 0))).limit(limit)).scalars().all()


def policy_filtered(name: str):
    """A cached column list of flask-admin (set once at start-up) read through the field policy per request."""
    store = "_all" + name

    def get(self):
        value = self.__dict__.get(store)
        if value is None or not has_request_context():
            return value
        # filtered once per request (flask-admin reads these per column: is_sortable, the list header, filters)
        seen = g.setdefault("_tandem_policy_columns", {})
        key = (id(self), name)
        if key not in seen:
            if isinstance(value, dict):
                seen[key] = {k: v for k, v in value.items() if self.readable(k)}
            else:
                seen[key] = [item for item in value if self.readable(item[0])]
        found = seen[key]
        return dict(found) if isinstance(found, dict) else list(found)

    def set_(self, value):
        self.__dict__[store] = value

    return property(get, set_)
