"""The admin shell: flask-admin with one access check; each domain package registers its own views."""
from __future__ import annotations

from functools import reduce

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (Response, abort, current_app, flash, has_request_context, redirect, request, stream_with_context,
                   url_for)
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.helpers import get_redirect_target
from flask_admin import form as admin_form
from flask_admin.actions import action
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_admin.contrib.sqla.ajax import create_ajax_loader
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.model import filters as model_filters
from flask_admin.model import typefmt
from flask_admin.model.form import converts
from flask_admin.theme import Bootstrap4Theme
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm.attributes import InstrumentedAttribute
from werkzeug.utils import secure_filename
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from wtforms import PasswordField
from wtforms import fields as wtf_fields

from backoffice.admin_menu import admin_menu
from backoffice.admin_access import ScopedAjaxLoader, mapped_class, permission_model_of, policy_filtered
from backoffice.api.fields import MAX_PAGE
from backoffice.audit import AuditLog
from backoffice.charts import Card, Chart
from backoffice.clock import clock
from backoffice.errors import Issue, NotFound, Refusal
from backoffice.exports import csv_lines, xlsx_bytes
from backoffice.extensions import db
from backoffice.money import fmt_usd
from backoffice.security import mfa
from backoffice.security.access import can, scoped
from backoffice.security.field_policy import may_read, may_write, require_writable
from backoffice.security.headers import csp_nonce
from backoffice.security.models import ROLES, ApiToken, Permission, User
from backoffice.security.services import create_user, revoke_api_token, update_user
from backoffice.security.sessions import end_user_sessions


class TandemModelConverter(AdminModelConverter):
    """Form fields for our column types: scaled decimals as decimal inputs, UTC timestamps as datetimes."""

    @converts("Scaled")
    def conv_scaled(self, column, field_args, **extra):
        field_args.setdefault("places", None)
        return wtf_fields.DecimalField(**field_args)

    @converts("UTCDateTime")
    def conv_utc_datetime(self, field_args, **extra):
        return admin_form.DateTimeField(**field_args)


class TandemFilterConverter(sqla_filters.FilterConverter):
    """Filters for our column types: UTC timestamps and scaled decimals (money, rates)."""

    @model_filters.convert("UTCDateTime")
    def conv_utc(self, column, name, **kwargs):
        return [f(column, name, **kwargs) for f in self.datetime_filters]

    @model_filters.convert("Scaled")
    def conv_scaled(self, column, name, **kwargs):
        return [f(column, name, **kwargs) for f in (sqla_filters.FilterEqual, sqla_filters.FilterNotEqual,
                                                     sqla_filters.FilterGreater, sqla_filters.FilterSmaller)]


def staff_only() -> bool:
    """Whether the signed-in user may open the admin site (the `admin_access` right of the permission matrix)."""
    return can(current_user, "admin_access", "read")


def deny():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path))
    abort(403)


MAX_FLASHED_ISSUES = 20  # a run's pre-run checks can name thousands; a flash travels in the session cookie


class domain_errors(Refusal):  # noqa: N801 - a context manager, named like contextlib.suppress
    """The admin's one translation of a refused service call: `with domain_errors("Not saved: ") as refused:`.

    A DomainError raised in the block rolls the session back and is not raised on: it is flashed after `prefix`
    (a ValidationFailed as its issues, each with its field, the first 20). On a form (form=True) a
    ValidationFailed is not flashed but kept for the form (`refused.errors`, `refused.issues`). With
    not_found_404=True a NotFound (the record the page acts on is not there, or not this user's) is the 404 page.
    After the block `refused` is true when the call was refused (the page then answers 422 when it shows a form);
    the rest of the block, such as the success message, did not run."""

    def __init__(self, prefix: str = "", *, form: bool = False, not_found_404: bool = False):
        self.prefix = prefix
        self.form = form
        self.not_found_404 = not_found_404

    def kept(self) -> None:
        db.session.rollback()
        if self.not_found_404 and isinstance(self.error, NotFound):
            abort(404)
        if self.form and self.issues:
            return
        text = self.error.message
        if self.issues:
            text = "; ".join(str(i) for i in self.issues[:MAX_FLASHED_ISSUES])
            text += " …" if len(self.issues) > MAX_FLASHED_ISSUES else ""
        flash(self.prefix + text, "error")


class CappedCount(int):
    """A list's row count that reached the view's `count_cap`: the list says "more than 10,000" and pages with
    Previous / Next, since counting a million rows exactly would cost more than showing a page of them."""

    def __new__(cls, cap: int):
        return super().__new__(cls, cap + 1)

    def __str__(self) -> str:
        return f"more than {int(self) - 1:,}"


class CappedCountQuery(sa.orm.Query):
    """The count query of a list view (flask-admin adds the search and the filters to it, then calls scalar()):
    counts at most `cap` + 1 matching rows — SELECT count(*) FROM (SELECT 1 … LIMIT cap + 1) — so a page of a
    million-row table costs no full COUNT; an exact count below the cap."""

    cap: int = 10_000

    def scalar(self):
        inner = self.with_entities(sa.literal_column("1")).limit(self.cap + 1).subquery()
        n = self.session.query(sa.func.count()).select_from(inner).scalar()
        return CappedCount(self.cap) if n > self.cap else n


def _utc_formatter(view, value, name=None):
    """A timestamp as people read it: 2026-11-22 17:32 UTC (stored values are timezone-aware UTC)."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value.tzinfo else value.strftime("%Y-%m-%d %H:%M")


class SecureModelView(ModelView):
    """A list/edit view behind the permission table; writes go through service functions."""

    column_type_formatters = {**typefmt.BASE_FORMATTERS, datetime: _utc_formatter}
    column_type_formatters_detail = {**typefmt.DETAIL_FORMATTERS, datetime: _utc_formatter}

    permission_model: str = ""
    form_base_class = FlaskForm
    filter_converter = TandemFilterConverter()
    model_form_converter = TandemModelConverter
    page_size = 50
    can_set_page_size = True
    can_view_details = True
    can_export = True
    export_types = ["csv", "xlsx"]
    export_max_rows = 100000
    service_fields: tuple[str, ...] = ()
    # Money columns shown as $1,234.56 in the list and details (exports keep plain numbers).
    money_columns: tuple[str, ...] = ()
    # Count a list's rows only up to this many (CappedCountQuery): past it the page says "more than 10,000" and
    # pages with Previous / Next. None: always the exact count.
    count_cap: int | None = 10_000
    list_template = "admin/model/list.html"

    def _get_list_extra_args(self):
        """flask-admin's list arguments, the page kept within 0..MAX_PAGE: a larger one overflowed the OFFSET (a
        500), a negative one is refused by PostgreSQL. Past the end the list is simply empty."""
        args = super()._get_list_extra_args()
        args.page = min(max(args.page or 0, 0), MAX_PAGE)
        return args

    def __init__(self, model, *args, **kwargs):
        if not self.permission_model:
            self.permission_model = getattr(model, "__permission_model__", None) or model.__tablename__
        if self.money_columns:
            if self.column_formatters_export is None:
                self.column_formatters_export = dict(self.column_formatters or {})
            money = {name: _usd_formatter for name in self.money_columns}
            self.column_formatters = {**money, **(self.column_formatters or {})}
        super().__init__(model, db, *args, **kwargs)

    # ---- the field policy: columns, details, exports, sorting, search and filters show only readable fields
    _list_columns = policy_filtered("_list_columns")
    _details_columns = policy_filtered("_details_columns")
    _export_columns = policy_filtered("_export_columns")
    _sortable_columns = policy_filtered("_sortable_columns")
    _search_fields = policy_filtered("_search_fields")

    def readable(self, column) -> bool:
        """May the signed-in user read this column (a name of this view's model, or a column of any model) here?
        (backoffice/security/field_policy.csv, surface "admin")"""
        if isinstance(column, str):
            return may_read(current_user, "admin", self.permission_model, column.split(".", 1)[0])
        cls = getattr(column, "class_", None)
        if cls is None and getattr(column, "table", None) is not None:
            cls = mapped_class(column.table)
        model = self.permission_model if cls is None or cls is self.model else permission_model_of(cls)
        return may_read(current_user, "admin", model, getattr(column, "key", ""))

    def _readable_filter(self, index: int) -> bool:
        column = getattr(self._filters[index], "column", None)
        return column is None or self.readable(column)

    def _get_list_filter_args(self):
        """A filter on a field the user may not read would answer for it (an SSN-last-4 filter): not applied."""
        args = super()._get_list_filter_args()
        return None if args is None else [a for a in args if self._readable_filter(a[0])]

    def _get_filter_groups(self):
        groups = super()._get_filter_groups()
        if not groups:
            return groups
        kept = {key: [i for i in items if self._readable_filter(i["index"])] for key, items in groups.items()}
        return type(groups)((key, items) for key, items in kept.items() if items)

    def _apply_search(self, query, count_query, joins, count_joins, search):
        if search.strip() and not self._search_fields:   # nothing here this user may search in: no row matches
            return (query.filter(sa.false()), None if count_query is None else count_query.filter(sa.false()),
                    joins, count_joins)
        return super()._apply_search(query, count_query, joins, count_joins, search)

    def _create_ajax_loader(self, name, options):
        loader = create_ajax_loader(self.model, self.session, name, name, options)
        return ScopedAjaxLoader(name, self.session, loader.model, **options)

    @expose("/ajax/lookup/")
    def ajax_lookup(self):
        """Only for those who fill this view's forms (create or write on its model); rows scoped, AJAX_LIMIT."""
        if not (self._can("create") or self._can("write")):
            abort(403)
        return super().ajax_lookup()

    def search_placeholder(self):
        """'Last name, first name, email' (the columns' labels), not the raw attribute names."""
        if not self.column_searchable_list:
            return None
        names = []
        for col in self.column_searchable_list:
            if has_request_context() and not self.readable(col):
                continue
            if isinstance(col, InstrumentedAttribute):
                label = self.column_labels.get(col.key) if col.class_ is self.model else None
                label = label or (col.key.replace("_", " ") if col.class_ is self.model
                                  else f"{col.class_.__name__} {col.key.replace('_', ' ')}")
            else:
                label = self.column_labels.get(col) or col.replace("_", " ").replace(".", " ")
            label = str(label)
            names.append(label[:1].lower() + label[1:] if label[1:2].islower() else label)  # keep "SSN", "IP"
        return f"Search {', '.join(names)}" if names else None

    # ---- access
    def is_accessible(self) -> bool:
        return staff_only() and can(current_user, self.permission_model, "read")

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    def _can(self, action):
        return staff_only() and can(current_user, self.permission_model, action)

    @property
    def can_create(self):
        return self._can("create") and self.allow_create

    @property
    def can_edit(self):
        """Write on the model and every field the form saves writable under the field policy: no edit pencil where
        saving would be refused (a client approver may approve time but not change it)."""
        if not (self._can("write") and self.allow_edit):
            return False
        return all(may_write(current_user, "admin", self.permission_model, f) for f in self.service_fields)

    @property
    def can_delete(self):
        return self._can("delete") and self.allow_delete

    allow_create = True
    allow_edit = True
    allow_delete = False

    def get_query(self):
        return scoped(super().get_query(), current_user, self.permission_model)

    def get_count_query(self):
        if self.count_cap is None:
            query = super().get_count_query()
        else:   # flask-admin's own count query, as a CappedCountQuery (its filter/join copies keep the class and cap)
            query = CappedCountQuery(sa.func.count("*"), session=db.session()).select_from(self.model)
            query.cap = self.count_cap
        return scoped(query, current_user, self.permission_model)

    def render(self, template, **kwargs):
        if isinstance(kwargs.get("count"), CappedCount):
            kwargs["num_pages"] = None        # flask-admin's Previous / Next pager: no last page to point at
        return super().render(template, **kwargs)

    def get_one(self, id):
        obj = super().get_one(id)
        if obj is None:
            return None
        q = scoped(sa.select(self.model).where(self.model.id == obj.id), current_user, self.permission_model)
        return db.session.execute(q).scalar_one_or_none()

    # ---- writes through services
    def service_create(self, data: dict):
        raise NotImplementedError

    def service_update(self, obj, data: dict):
        raise NotImplementedError

    def form_data(self, form) -> dict:
        data = {}
        for name in self.service_fields:
            if name in form._fields:
                value = form._fields[name].data
                if hasattr(value, "id") and not isinstance(value, (str, int)):
                    value = value.id
                data[name] = value
        return data

    def _apply_issues(self, form, issues: list[Issue]) -> None:
        """Each message goes under its own field; one banner says how many fields to correct."""
        on_fields = 0
        for issue in issues:
            name = issue.field[:-3] if issue.field.endswith("_id") and issue.field[:-3] in form._fields else issue.field
            if name in form._fields:
                form._fields[name].errors = list(form._fields[name].errors or []) + [issue.message]
                on_fields += 1
            else:
                flash(f"{issue.field.replace('_', ' ')}: {issue.message}", "error")
        if on_fields:
            flash(f"Nothing was saved: {on_fields} field{'s' if on_fields != 1 else ''} to correct (see below).",
                  "error")

    # ---- exports: every cell through the one formula escape (backoffice.exports)
    @expose("/export/<export_type>/")
    def export(self, export_type: str):
        """The list as CSV or XLSX. Text a spreadsheet would run (=, +, -, @, tab, CR) never reaches it as a
        formula: in CSV it gets a leading apostrophe; in XLSX it is a string cell marked as text. Numbers are
        number cells in XLSX and plain digits in CSV."""
        if not self.can_export or export_type not in self.export_types:
            flash("Permission denied.", "error")
            return redirect(get_redirect_target() or self.get_url(".index_view"))
        columns = list(self._export_columns)
        _count, data = self._export_data()
        cells = [self._export_cell(name) for name, _label in columns]
        rows = ([cell(row) for cell in cells] for row in data)
        headers = [str(label) for _name, label in columns]
        name = self.get_export_name(export_type=export_type)
        disposition = {"Content-Disposition": f"attachment;filename={secure_filename(name)}"}
        if export_type == "csv":
            return Response(stream_with_context(csv_lines(headers, rows)), headers=disposition,
                            mimetype="text/csv")
        return Response(xlsx_bytes(headers, rows), headers=disposition,
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    def _export_cell(self, name):
        """row -> the cell flask-admin's get_export_value gives (the column's export formatter or the attribute,
        its choices, then the first type formatter the value is an instance of), with the per-column look-ups done
        once per export and the type formatter found once per value type: at 2,000 rows × 8 columns the
        per-cell look-ups were half the export's CPU (issue 18 point 5)."""
        column_fmt = (self.column_formatters_export or {}).get(name)
        if column_fmt is not None:
            def raw(row):
                return column_fmt(self, None, row, name)
        elif "." in name:
            path = name.split(".")

            def raw(row):
                try:
                    return reduce(getattr, path, row)
                except AttributeError:
                    return None
        else:
            def raw(row):
                return getattr(row, name, None)
        choices = self._column_choices_map.get(name, {})
        type_formatters = list((self.column_type_formatters_export or {}).items())
        by_type: dict = {}

        def cell(row):
            value = raw(row)
            if choices:
                return choices.get(value) or value
            kind = type(value)
            fmt = by_type.get(kind, by_type)
            if fmt is by_type:
                fmt = by_type[kind] = next((f for t, f in type_formatters if isinstance(value, t)), None)
            if fmt is None:
                return value
            try:
                return fmt(self, value, name)
            except TypeError:       # flask-admin's fallbacks for old two-argument formatters
                return self.get_export_value(row, name)
        return cell

    def create_model(self, form):
        with domain_errors(form=True) as refused:
            data = self.form_data(form)
            require_writable(current_user, "admin", self.permission_model, data)
            return self.service_create(data)
        self._apply_issues(form, refused.issues)
        return False

    def update_model(self, form, model):
        with domain_errors(form=True) as refused:
            data = self.form_data(form)
            require_writable(current_user, "admin", self.permission_model, data)
            self.service_update(model, data)
            return True
        self._apply_issues(form, refused.issues)
        return False


def _usd_formatter(view, context, model, name):
    value = getattr(model, name)
    return "" if value is None else fmt_usd(value)


def view_url(admin, endpoint: str) -> str | None:
    view = next((v for v in admin._views if getattr(v, "endpoint", None) == endpoint), None)
    return view.url.rstrip("/") + "/" if view is not None and view.is_accessible() else None


# Pages of a model view that need more than the read right (flask-admin only redirects away from them).
_VIEW_ACTION_RIGHT = {"create_view": "can_create", "edit_view": "can_edit", "delete_view": "can_delete",
                      "details_view": "can_view_details", "export": "can_export"}


def may_open(url: str | None) -> bool:
    """Whether the signed-in user may open `url`: the admin view that serves it lets them in (its own
    is_accessible, and for a model view's create/edit/details page the matching right). Links, buttons and
    dashboard cards are shown only when this is true, so no page offers a link that answers 403. A URL outside the
    admin (portal, sign-in) is checked by its own page and counts as openable; an unknown path does not."""
    if not url:
        return False
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return True                                   # another site: not ours to judge
    adapter = current_app.url_map.bind(request.host, url_scheme=request.scheme)
    try:
        try:
            endpoint, _args = adapter.match(parts.path, method="GET")
        except RequestRedirect as moved:              # /admin -> /admin/: judge where it goes
            endpoint, _args = adapter.match(urlsplit(moved.new_url).path, method="GET")
    except HTTPException:                             # no such page, or not one to open (POST only)
        return False
    blueprint, _, function = endpoint.rpartition(".")
    admin = current_app.extensions.get("tandem_admin")
    view = next((v for v in getattr(admin, "_views", ()) if getattr(v, "endpoint", None) == blueprint), None)
    if view is None:
        return True
    if not view.is_accessible():
        return False
    flag = _VIEW_ACTION_RIGHT.get(function)
    return bool(getattr(view, flag, True)) if flag and isinstance(view, ModelView) else True


def selected_ids() -> list[int]:
    """The record ids a list action passed on to its own page (`?ids=1,2,3`); 404 when one is not a number."""
    try:
        return [int(x) for x in (request.values.get("ids") or "").split(",") if x]
    except ValueError:
        abort(404)


def filtered_list_url(endpoint: str, column: str, value) -> str | None:
    """The list view `endpoint` filtered on `column` equal to `value` (None if this user cannot open that list or
    it has no such filter)."""
    admin = current_app.extensions.get("tandem_admin")
    view = next((v for v in getattr(admin, "_views", ()) if getattr(v, "endpoint", None) == endpoint), None)
    if view is None or not view.is_accessible():
        return None
    for i, flt in enumerate(getattr(view, "_filters", None) or ()):
        col = getattr(flt, "column", None)
        key = getattr(col, "key", None) or (col if isinstance(col, str) else None)
        if key == column and isinstance(flt, sqla_filters.FilterEqual):
            return url_for(f"{endpoint}.index_view", **{f"flt0_{i}": value})
    return None


def list_url(endpoint: str, **equal) -> str | None:
    """The list view `endpoint` filtered on each column equal to its value (list_url("engagements",
    status="active", work_state="TX")); None when this user cannot open that list or it lacks one of the
    filters (a link that would not filter is not offered as if it did)."""
    admin = current_app.extensions.get("tandem_admin")
    view = next((v for v in getattr(admin, "_views", ()) if getattr(v, "endpoint", None) == endpoint), None)
    if view is None or not view.is_accessible():
        return None
    args = {}
    for n, (column, value) in enumerate(equal.items()):
        for i, flt in enumerate(getattr(view, "_filters", None) or ()):
            col = getattr(flt, "column", None)
            key = getattr(col, "key", None) or (col if isinstance(col, str) else None)
            if key == column and isinstance(flt, sqla_filters.FilterEqual):
                args[f"flt{n}_{i}"] = value
                break
        else:
            return None
    return url_for(f"{endpoint}.index_view", **args)


class ReadOnlyView(SecureModelView):
    allow_create = False
    allow_edit = False
    allow_delete = False


@dataclass(frozen=True)
class Panel:
    """One part of a dashboard: a chart or a few cards, built for the signed-in user by `build()` (its queries
    scoped to what that user may see), shown only to a user holding `right` (model, action)."""
    name: str
    build: Callable[[], Chart | list[Card]]
    right: tuple[str, str] = ("admin_access", "read")


@dataclass(frozen=True)
class DrillDown:
    """The rows behind a dashboard figure that no list page filters for (workers missing a W-4 …): a title, the
    column headers and `rows()`, each row a list of cells, a cell text or (text, url)."""
    name: str
    title: str
    headers: tuple[str, ...]
    rows: Callable[[], list[list]]
    right: tuple[str, str] = ("admin_access", "read")


DRILL_DOWN_LIMIT = 500   # rows a drill-down page shows; its CSV has them all


def add_panel(admin, panel: Panel) -> None:
    admin.dashboard_panels[panel.name] = panel


def add_drill_down(admin, drill: DrillDown) -> None:
    admin.dashboard_drill_downs[drill.name] = drill


def chart_for(admin, name: str) -> Chart | None:
    """The chart panel `name` built for the signed-in user, bars linking only to pages they may open (None when
    there is no such chart or they lack its right)."""
    panel = admin.dashboard_panels.get(name)
    if panel is None or not can(current_user, *panel.right):
        return None
    chart = panel.build()
    return linked_only_where_allowed(chart) if isinstance(chart, Chart) else None


def linked_only_where_allowed(chart: Chart) -> Chart:
    return replace(chart, bars=tuple(bar if may_open(bar.url) else replace(bar, url=None) for bar in chart.bars))


class DashboardView(AdminIndexView):
    """Home: the signed-in role's dashboard. `admin.dashboard_layout` names each role's panels in order (a role
    without a layout, such as admin, sees every panel); each panel shows only when the user holds its right, and a
    card or bar links only to a page the user may open (`may_open`)."""

    def is_accessible(self):
        return staff_only()

    def inaccessible_callback(self, name, **kwargs):
        return deny()

    def panels_for_user(self) -> list[Panel]:
        names = self.admin.dashboard_layout.get(current_user.role) or list(self.admin.dashboard_panels)
        panels = (self.admin.dashboard_panels.get(n) for n in names)
        return [p for p in panels if p is not None and can(current_user, *p.right)]

    @expose("/")
    def index(self):
        cards: list[Card] = []
        charts: list[Chart] = []
        for panel in self.panels_for_user():
            built = panel.build()
            if isinstance(built, Chart):
                charts.append(linked_only_where_allowed(built))
            else:
                cards.extend(c if may_open(c.url) else replace(c, url=None) for c in built)
        for hook in self.admin.dashboard_hooks:   # a domain's extra cards (dicts), linked only where allowed
            for c in hook() or []:
                cards.append(Card(c["label"], str(c["value"]), c.get("url") if may_open(c.get("url")) else None))
        return self.render("admin/dashboard.html", cards=cards, charts=charts)

    @expose("/chart/<key>.csv")
    def chart_csv(self, key: str):
        """A chart's figures as CSV, for this user (the same scoped queries as the chart on the page)."""
        chart = chart_for(self.admin, key)
        if chart is None:
            abort(404)
        disposition = {"Content-Disposition": f"attachment;filename={secure_filename(key)}-{clock().today()}.csv"}
        return Response(stream_with_context(csv_lines(chart.csv_headers(), chart.csv_rows())), headers=disposition,
                        mimetype="text/csv")

    @expose("/list/<key>")
    def drill_down(self, key: str):
        """The rows behind a dashboard figure (a table with names and links), or all of them as CSV."""
        drill = self.admin.dashboard_drill_downs.get(key)
        if drill is None or not can(current_user, *drill.right):
            abort(404)
        rows = drill.rows()
        if request.args.get("format") == "csv":
            disposition = {"Content-Disposition": f"attachment;filename={secure_filename(key)}.csv"}
            plain = ([c[0] if isinstance(c, tuple) else c for c in row] for row in rows)
            return Response(stream_with_context(csv_lines(drill.headers, plain)), headers=disposition,
                            mimetype="text/csv")
        cells = [[(c if isinstance(c, tuple) else (c, None)) for c in row] for row in rows[:DRILL_DOWN_LIMIT]]
        cells = [[(t, u if may_open(u) else None) for t, u in row] for row in cells]
        return self.render("admin/drill_down.html", drill=drill, rows=cells, total=len(rows),
                           limit=DRILL_DOWN_LIMIT)


class UserAdmin(SecureModelView):
    permission_model = "user"
    column_list = ("email", "name", "role", "active", "worker", "client", "last_login_at", "locked_until")
    column_labels = {"last_login_at": "Last sign-in", "locked_until": "Locked until"}
    column_searchable_list = ("email", "name")
    column_filters = ("role", "active")
    column_exclude_list = ("password_hash", "totp_secret", "mfa_recovery_codes", "totp_last_step")
    column_details_exclude_list = ("password_hash", "totp_secret", "mfa_recovery_codes", "totp_last_step")
    column_export_exclude_list = ("password_hash", "totp_secret", "mfa_recovery_codes", "totp_last_step")
    form_columns = ("email", "name", "role", "active", "worker", "client")
    form_extra_fields = {"password": PasswordField("New password (leave blank to keep)")}
    form_ajax_refs = {"worker": {"fields": ("last_name", "email"), "page_size": 10},
                      "client": {"fields": ("name",), "page_size": 10}}
    form_choices = {"role": [(r, r.replace("_", " ").capitalize()) for r in ROLES]}
    service_fields = ("email", "name", "role", "active", "worker", "client", "password")

    def service_create(self, data):
        return create_user(**_user_args(data))

    def service_update(self, obj, data):
        return update_user(obj.id, **_user_args(data))

    def is_action_allowed(self, name):
        return self.can_edit and super().is_action_allowed(name)  # both actions change users: write right

    @action("end_sessions", "End sessions", "Sign the selected users out everywhere?")
    def action_end_sessions(self, ids):
        if not self.can_edit:
            abort(403)
        ended = sum(end_user_sessions(int(i), clock().now()) for i in ids)
        flash(f"{ended} session{'s' if ended != 1 else ''} ended.", "success")

    @action("reset_mfa", "Reset two-factor sign-in", "Turn two-factor sign-in off for the selected users (they "
                                                       "enrol again)?")
    def action_reset_mfa(self, ids):
        if not self.can_edit:
            abort(403)
        for i in ids:
            mfa.reset(int(i))
        flash(f"Two-factor sign-in reset for {len(ids)} user{'s' if len(ids) != 1 else ''}.", "success")


class ApiTokenAdmin(ReadOnlyView):
    """Every API token (only its prefix is known): when it expires, when it was last used; revoke."""

    permission_model = "api_token"
    column_default_sort = ("id", True)
    column_list = ("prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked_at")
    column_labels = {"prefix": "Token", "last_used_at": "Last used", "revoked_at": "Revoked"}
    column_searchable_list = ("prefix", "name")
    column_filters = ("expires_at", "revoked_at", "last_used_at")
    column_details_exclude_list = ("token_hash",)
    column_export_exclude_list = ("token_hash",)
    can_export = False

    def is_action_allowed(self, name):
        return self._can("write") and super().is_action_allowed(name)

    @action("revoke", "Revoke", "Revoke the selected API tokens? Requests with them are refused at once.")
    def action_revoke(self, ids):
        if not self._can("write"):
            abort(403)
        for i in ids:
            revoke_api_token(int(i), clock().now())
        flash(f"{len(ids)} API token{'s' if len(ids) != 1 else ''} revoked.", "success")


def _user_args(data):
    return {"email": data.get("email"), "name": data.get("name") or "", "role": data.get("role"),
            "active": data.get("active", True), "worker_id": data.get("worker"),
            "client_id": data.get("client"), "password": data.get("password") or None}


class PermissionAdmin(SecureModelView):
    permission_model = "permission"
    column_list = ("role", "model", "can_read", "can_write", "can_create", "can_delete")
    column_filters = ("role", "model")
    column_searchable_list = ("model",)
    column_editable_list = ("can_read", "can_write", "can_create", "can_delete")
    form_choices = {"role": [(r, r) for r in ROLES]}
    allow_delete = True

    # Permissions are plain data edited by admins; the audit log records every change.
    def create_model(self, form):
        return ModelView.create_model(self, form)

    def update_model(self, form, model):
        return ModelView.update_model(self, form, model)


class AuditLogAdmin(ReadOnlyView):
    permission_model = "audit_log"
    can_export = True
    column_default_sort = ("id", True)
    column_list = ("at", "user_email", "action", "model", "record_id", "changes", "ip")
    column_labels = {"at": "When", "user_email": "Who", "model": "Record type", "record_id": "Record",
                     "changes": "Changes (before → after)", "ip": "IP address"}
    column_searchable_list = ("user_email", "model", "record_id", "changes")
    column_filters = ("action", "model", "user_email", "at")


def init_admin(app) -> Admin:
    """The admin shell (dashboard and theme); domains add their views in init_app, settings views come last."""
    admin = Admin(app, name="Tandem", index_view=DashboardView(name="Dashboard", url="/admin"),
                  csp_nonce_generator=csp_nonce,  # flask-admin's inline scripts run under the response's nonce
                  theme=Bootstrap4Theme(swatch="cerulean", fluid=True, base_template="admin/tandem_base.html"))
    admin.dashboard_hooks = []
    admin.dashboard_sections = []     # kept for domains not yet moved to panels (none on main)
    admin.dashboard_panels = {}       # name -> Panel (add_panel)
    admin.dashboard_drill_downs = {}  # name -> DrillDown (add_drill_down)
    admin.dashboard_layout = {}       # role -> panel names, in order (reports/dashboards.py)
    app.jinja_env.filters.setdefault("usd", fmt_usd)  # {{ amount|usd }} -> $1,234.56 in admin templates
    # The one check templates use to show a link, button or menu entry: {% if may_open(url) %}, or
    # {% if can(current_user, "payment", "read") %} — never a hand-written list of roles.
    app.jinja_env.globals.update(can=can, may_open=may_open, admin_menu=admin_menu)
    app.extensions["tandem_admin"] = admin
    return admin


def add_settings_views(admin) -> None:
    """Users, permissions and the audit log: after every domain's views, so the menu keeps its order."""
    admin.add_view(UserAdmin(User, name="Users", category="Settings", endpoint="users"))
    admin.add_view(ApiTokenAdmin(ApiToken, name="API tokens", category="Settings", endpoint="api_tokens"))
    admin.add_view(PermissionAdmin(Permission, name="Permissions", category="Settings", endpoint="permissions"))
    admin.add_view(AuditLogAdmin(AuditLog, name="Audit log", category="Settings", endpoint="audit_log"))
