"""API endpoints for clients, workers and engagements: list (filters, pagination), get, create, update."""
from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from backoffice.api import current_api_user, json_object
from backoffice.api.fields import Day, Days, Id, Number, Page, PerPage
from backoffice.errors import Issue, NotFound, ValidationFailed
from backoffice.extensions import db
from backoffice.geo import STATES
from backoffice.money import HOURS, PERCENT, RATE
from backoffice.security.access import can, require, scoped
from backoffice.security.field_policy import Visible, may_read, require_writable
from backoffice.workers import services
from backoffice.workers.models import ENGAGEMENT_STATUSES, ENGAGEMENT_TYPES, Client, Engagement, Worker

blp = Blueprint("core", __name__, url_prefix="/api/v1", description="Clients, workers and engagements")

class PageArgs(Schema):
    page = Page()
    per_page = PerPage()
    q = fields.String(load_default=None, metadata={"description": "search text"})


class ClientArgs(PageArgs):
    state = fields.String(load_default=None, validate=validate.OneOf(list(STATES)))
    active = fields.Boolean(load_default=None)


class WorkerArgs(PageArgs):
    state = fields.String(load_default=None, validate=validate.OneOf(list(STATES)))
    status = fields.String(load_default=None)
    client_id = Id(load_default=None)


class EngagementArgs(PageArgs):
    worker_id = Id(load_default=None)
    client_id = Id(load_default=None)
    type = fields.String(load_default=None, validate=validate.OneOf(ENGAGEMENT_TYPES))
    work_state = fields.String(load_default=None, validate=validate.OneOf(list(STATES)))
    status = fields.String(load_default=None, validate=validate.OneOf(ENGAGEMENT_STATUSES))


class ClientOut(Schema):
    id = fields.Integer()
    name = fields.String()
    legal_name = fields.String()
    ein = fields.String()
    billing_contact_name = fields.String()
    billing_email = fields.String()
    address_line1 = fields.String()
    city = fields.String()
    state = fields.String()
    postal_code = fields.String()
    payment_terms_days = fields.Integer()
    billing_method = fields.String()
    markup_rate = fields.Decimal(as_string=True)
    invoice_frequency = fields.String()
    invoice_grouping = fields.String()
    po_number = fields.String()
    active = fields.Boolean()


class ClientIn(Schema):
    name = fields.String(required=True)
    legal_name = fields.String()
    ein = fields.String(metadata={"example": "12-3456789"})
    billing_contact_name = fields.String()
    billing_email = fields.Email()
    address_line1 = fields.String()
    city = fields.String()
    state = fields.String(metadata={"example": "CA"})
    postal_code = fields.String()
    payment_terms_days = Days()
    billing_method = fields.String(validate=validate.OneOf(["bill_rate", "cost_plus"]))
    markup_rate = Number(PERCENT, places=4)
    invoice_frequency = fields.String(validate=validate.OneOf(["weekly", "biweekly", "semimonthly", "monthly"]))
    invoice_grouping = fields.String(validate=validate.OneOf(["consolidated", "per_worker"]))
    po_number = fields.String(validate=validate.Length(max=60))
    active = fields.Boolean()


class WorkerOut(Schema):
    id = fields.Integer()
    first_name = fields.String()
    middle_name = fields.String()
    last_name = fields.String()
    tin_type = fields.String()
    tin_masked = fields.String(metadata={"description": "masked SSN/EIN, e.g. ***-**-1234"})
    birth_date = fields.Date(allow_none=True)
    email = fields.String()
    phone = fields.String()
    address_line1 = fields.String()
    address_line2 = fields.String()
    city = fields.String()
    state = fields.String()
    postal_code = fields.String()
    status = fields.String()


class WorkerIn(Schema):
    first_name = fields.String(required=True)
    middle_name = fields.String()
    last_name = fields.String(required=True)
    tin_type = fields.String(validate=validate.OneOf(["ssn", "ein"]))
    tin = fields.String(metadata={"description": "SSN (123-45-6789) or EIN; stored encrypted, never returned"})
    birth_date = Day()
    email = fields.Email(required=True)
    phone = fields.String()
    address_line1 = fields.String()
    address_line2 = fields.String()
    city = fields.String()
    state = fields.String()
    postal_code = fields.String()
    status = fields.String()


class EngagementOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    client_id = fields.Integer()
    type = fields.String()
    title = fields.String()
    work_state = fields.String()
    pay_rate = fields.Decimal(as_string=True)
    pay_unit = fields.String()
    bill_rate = fields.Decimal(as_string=True)
    ot_bill_rate = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "null: 1.5x bill_rate"})
    dt_bill_rate = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "null: 2x bill_rate"})
    pay_frequency = fields.String()
    pay_schedule_id = fields.Integer(allow_none=True, metadata={"description": "the pay schedule whose runs pay it"})
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    status = fields.String()
    classification = fields.String(allow_none=True, metadata={
        "description": "the signed determination (leased_employee or contractor); null while no assessment is "
                       "signed: the engagement is unclassified"})
    classification_status = fields.String(metadata={
        "description": "unclassified, classified, or reclassification_due (signed as the other type)"})
    office_state = fields.String(allow_none=True, metadata={
        "description": "the employer location a remote worker is assigned to (two letters); null: on site"})
    remote_for_convenience = fields.Boolean(metadata={
        "description": "works away from office_state by their own choice, not the employer's necessity: "
                       "NY, DE, NE, PA (and CT/NJ for residents of such states) tax that work as done at the office"})
    wc_class_code = fields.String(allow_none=True, metadata={
        "description": "the workers' compensation class code the work is rated under in the work state (e.g. 8810); "
                       "null: no premium accrues"})
    normal_day_hours = fields.Decimal(as_string=True, allow_none=True, metadata={
        "description": "the worker's normal workday in hours, for sick-leave caps written \"N hours or M days\" "
                       "(Cal. Lab. Code 246); null: the hours figures apply"})


class EngagementIn(Schema):
    worker_id = Id(required=True)
    client_id = Id(required=True)
    type = fields.String(required=True, validate=validate.OneOf(ENGAGEMENT_TYPES))
    title = fields.String()
    work_state = fields.String(required=True)
    pay_rate = Number(RATE, required=True)
    pay_unit = fields.String()
    bill_rate = Number(RATE)
    ot_bill_rate = Number(RATE, allow_none=True, metadata={"description": "null: 1.5x bill_rate"})
    dt_bill_rate = Number(RATE, allow_none=True, metadata={"description": "null: 2x bill_rate"})
    pay_frequency = fields.String()
    pay_schedule_id = fields.Integer(allow_none=True, metadata={
        "description": "the pay schedule whose runs pay it; default: the first active schedule of pay_frequency"})
    start_date = Day(required=True)
    end_date = Day(allow_none=True)
    status = fields.String()
    office_state = fields.String(allow_none=True, metadata={
        "description": "the employer location a remote worker is assigned to (two letters); blank: on site"})
    remote_for_convenience = fields.Boolean(metadata={
        "description": "works away from office_state for their own convenience (needs office_state)"})
    wc_class_code = fields.String(allow_none=True, metadata={
        "description": "the workers' compensation class code (3 to 8 letters or digits, e.g. 8810); blank: none"})
    normal_day_hours = Number(HOURS, allow_none=True, metadata={
        "description": "the worker's normal workday in hours, more than 0 and at most 24 (sick-leave caps written "
                       "\"N hours or M days\"); null: not recorded"})


def page_schema(item):
    return type(f"{item.__name__}Page", (Schema,), {
        "items": fields.List(fields.Nested(item)), "page": fields.Integer(), "per_page": fields.Integer(),
        "total": fields.Integer()})


def paginate(stmt, count_stmt, args, order):
    total = db.session.execute(count_stmt).scalar_one()
    page, per_page = args["page"], args["per_page"]
    rows = db.session.execute(stmt.order_by(order).limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return {"items": rows, "page": page, "per_page": per_page, "total": total}


def _get_scoped(model, ident, perm):
    user = current_api_user()
    require(user, perm, "read")
    obj = db.session.execute(scoped(sa.select(model).where(model.id == ident), user, perm)).scalar_one_or_none()
    if obj is None:
        raise NotFound(f"{perm} {ident} not found")
    return obj


def _listing(model, perm, filters, args, order):
    user = current_api_user()
    require(user, perm, "read")
    stmt = scoped(sa.select(model), user, perm)
    count = scoped(sa.select(sa.func.count()).select_from(model), user, perm)
    for cond in filters:
        stmt, count = stmt.where(cond), count.where(cond)
    page = paginate(stmt, count, args, order)
    page["items"] = [Visible(row, user, "api", perm) for row in page["items"]]
    return page


def _readable_filters(perm, args, names) -> None:
    """A filter on a field the caller may not read would tell them its value (an approver filtering workers by
    home state): refused, each named."""
    user = current_api_user()
    issues = [Issue(name, "you may not filter on this", "not_readable") for name in names
              if args.get(name) is not None and not may_read(user, "api", perm, name)]
    if issues:
        raise ValidationFailed(issues)


def _search(perm, columns, like):
    """A search over the columns the caller may read (an approver's search by email would test addresses);
    with none readable nothing matches."""
    user = current_api_user()
    readable = [col for col in columns if may_read(user, "api", perm, col.key)]
    return sa.or_(*(c.ilike(like) for c in readable)) if readable else sa.false()


FIELDS = {"client": services.CLIENT_FIELDS, "worker": services.WORKER_FIELDS,
          "engagement": services.ENGAGEMENT_FIELDS}


def _writable_body(perm) -> dict:
    """The JSON body, refused with every known field the caller may not write named (never silently ignored);
    a field that is no field at all is the service's to name ("is not a known field")."""
    body = json_object()
    require_writable(current_api_user(), "api", perm, [k for k in body if k in FIELDS[perm]])
    return body


def _body_doc(schema):
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


# ---------------------------------------------------------------- clients
@blp.route("/clients")
class ClientsView(MethodView):
    @blp.arguments(ClientArgs, location="query")
    @blp.response(200, page_schema(ClientOut))
    def get(self, args):
        """List clients (search by name or billing email; filter by state and active)."""
        _readable_filters("client", args, ("state", "active"))
        f = []
        if args["q"]:
            like = f"%{args['q']}%"
            f.append(_search("client", (Client.name, Client.billing_email), like))
        if args["state"]:
            f.append(Client.state == args["state"])
        if args["active"] is not None:
            f.append(Client.active == args["active"])
        return _listing(Client, "client", f, args, Client.id)

    @blp.doc(**_body_doc(ClientIn))
    @blp.response(201, ClientOut)
    def post(self):
        """Create a client."""
        require(current_api_user(), "client", "create")
        return services.create_client(_writable_body("client"))




# ---------------------------------------------------------------- workers
@blp.route("/workers")
class WorkersView(MethodView):
    @blp.arguments(WorkerArgs, location="query")
    @blp.response(200, page_schema(WorkerOut))
    def get(self, args):
        """List workers (search by name or email; filter by state, status, client)."""
        _readable_filters("worker", args, ("state", "status"))
        f = []
        if args["q"]:
            like = f"{args['q']}%"
            f.append(_search("worker", (Worker.last_name, Worker.first_name, Worker.email), like))
        if args["state"]:
            f.append(Worker.state == args["state"])
        if args["status"]:
            f.append(Worker.status == args["status"])
        if args["client_id"]:
            f.append(sa.select(Engagement.id).where(Engagement.worker_id == Worker.id,
                                                    Engagement.client_id == args["client_id"]).exists())
        return _listing(Worker, "worker", f, args, Worker.id)

    @blp.doc(**_body_doc(WorkerIn))
    @blp.response(201, WorkerOut)
    def post(self):
        """Create a worker. The SSN/TIN is stored encrypted and only ever returned masked."""
        require(current_api_user(), "worker", "create")
        return services.create_worker(_writable_body("worker"))




# ---------------------------------------------------------------- engagements
@blp.route("/engagements")
class EngagementsView(MethodView):
    @blp.arguments(EngagementArgs, location="query")
    @blp.response(200, page_schema(EngagementOut))
    def get(self, args):
        """List engagements (filter by worker, client, type, work state, status)."""
        _readable_filters("engagement", args, ("worker_id", "client_id", "type", "work_state", "status"))
        f = []
        for key, col in (("worker_id", Engagement.worker_id), ("client_id", Engagement.client_id),
                         ("type", Engagement.type), ("work_state", Engagement.work_state),
                         ("status", Engagement.status)):
            if args[key] is not None:
                f.append(col == args[key])
        if args["q"]:
            f.append(Engagement.title.ilike(f"%{args['q']}%"))
        return _listing(Engagement, "engagement", f, args, Engagement.id)

    @blp.doc(**_body_doc(EngagementIn))
    @blp.response(201, EngagementOut)
    def post(self):
        """Create an engagement (worker × client, leased_employee or contractor)."""
        require(current_api_user(), "engagement", "create")
        return services.create_engagement(_writable_body("engagement"))


# ---------------------------------------------------------------- one record: get and update
def _item_view(collection: str, model, perm: str, out, inp, update, noun: str):
    """GET and PATCH /api/v1/<collection>/<id>, behind the same access check and row scope as the lists."""

    key = f"{perm}_id"

    class ItemView(MethodView):
        @blp.response(200, out)
        def get(self, **path):
            return Visible(_get_scoped(model, path[key], perm), current_api_user(), "api", perm)

        @blp.doc(**_body_doc(inp))
        @blp.response(200, out)
        def patch(self, **path):
            _get_scoped(model, path[key], perm)
            user = current_api_user()
            require(user, perm, "write")
            return Visible(update(path[key], _writable_body(perm), user), user, "api", perm)

    ItemView.get.__doc__ = (f"Get one {noun} (scoped: a worker's token reaches only their own records; "
                            "anything else answers 404; only the fields the caller's role may read).")
    ItemView.patch.__doc__ = (f"Update a {noun} (only the fields sent). A field the caller's role may not write "
                              "(backoffice/security/field_policy.csv) is refused with 422, naming it.")
    blp.route(f"/{collection}/<int:{key}>", endpoint=f"{perm}_item")(ItemView)


_item_view("clients", Client, "client", ClientOut, ClientIn,
           lambda ident, data, user: services.update_client(ident, data), "client")
def _update_worker(ident, data, user):
    """Only those who create workers (HR) learn that an SSN is already on file for someone else; anyone else's
    attempt is refused in the same words whoever holds it, and HR is told."""
    if can(user, "worker", "create"):
        return services.update_worker(ident, data)
    with services.flag_tin_conflicts(ident):
        return services.update_worker(ident, data, self_service=True)


_item_view("workers", Worker, "worker", WorkerOut, WorkerIn, _update_worker, "worker")
_item_view("engagements", Engagement, "engagement", EngagementOut, EngagementIn,
           lambda ident, data, user: services.update_engagement(ident, data), "engagement")
