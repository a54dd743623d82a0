"""The premium reconciliation in the admin: who may open the bills, the variance report and the pool; a bill
uploaded (CSRF, all-or-nothing), the variance report exported, a variance explained with a note, the pool page."""
from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from backoffice.audit import AuditLog
from benefits import recon_services as recon
from benefits.recon_models import CarrierBill, PremiumVariance
from tests.conftest import csrf_token_from
from tests.integration.benefits.test_premium_reconciliation import HEAD, ids, pool, three_variance_bill  # noqa: F401

PAGES = ("/admin/benefit_carrier_bill/", "/admin/benefit_premium_variance/", "/admin/premium_pool/")


@pytest.mark.parametrize("role, status", [("hr", 200), ("finance", 200), ("compliance", 200),
                                          ("client_approver", 403)])
def test_the_pages_follow_the_premium_bill_right(app, pool, make_user, login, role, status):  # noqa: F811
    recon.reconcile(recon.import_bill("EXH", "2026-12", three_variance_bill(pool)).id)
    kw = {"client_id": pool["clients"][0].id} if role == "client_approver" else {}
    c = app.test_client()
    login(c, make_user(role, **kw))
    for page in PAGES:
        assert c.get(page).status_code == status, (role, page)
    assert c.get("/admin/benefit_carrier_bill/import/").status_code == (200 if role in ("hr", "finance") else 403)
    if status == 200:                        # search and filters work on both lists
        bills = c.get("/admin/benefit_carrier_bill/?search=EXH")
        assert bills.status_code == 200 and "3 unexplained" in bills.data.decode()
        assert ('id="bill-import"' in bills.data.decode()) is (role != "compliance")     # no link to a 403
        w4 = ids(pool)["w4"]
        found = c.get(f"/admin/benefit_premium_variance/?search={w4}").data.decode()
        alone = r"(?<![A-Za-z0-9]){}(?![A-Za-z0-9])"      # the member id as a word (not inside a CSRF token)
        assert re.search(alone.format(w4), found) and not re.search(alone.format(ids(pool)["w5"]), found)


def test_finance_uploads_a_bill_reads_the_variances_explains_one_and_exports_them(app, pool, db, make_user,  # noqa: F811
                                                                                   login):
    m = ids(pool)
    c = app.test_client()
    login(c, make_user("finance"))
    page = c.get("/admin/benefit_carrier_bill/import/")
    token = csrf_token_from(page.data)

    def upload(content: bytes, with_token=True):
        data = {"carrier": "EXH", "month": "2026-12", "bill": (io.BytesIO(content), "exh-2026-12.csv")}
        if with_token:
            data["csrf_token"] = token
        return c.post("/admin/benefit_carrier_bill/import/", data=data, content_type="multipart/form-data",
                      follow_redirects=True)

    assert upload(three_variance_bill(pool), with_token=False).status_code == 400
    bad = upload(three_variance_bill(pool).replace(b",current\n", b",later\n", 1))
    assert "row 2: adjustment_type" in bad.data.decode()
    assert db.session.execute(sa.select(sa.func.count()).select_from(CarrierBill)).scalar() == 0

    done = upload(three_variance_bill(pool))
    html = done.data.decode()
    assert "5 line(s), 3 variance(s), 3 unexplained" in html
    for member in (m["w2"], m["w4"], m["w5"]):
        assert member in html
    csv = c.get("/admin/benefit_premium_variance/export/csv/").data.decode()
    assert len(csv.splitlines()) == 4                     # the header and the three variances
    assert m["w5"] in csv and "-600.00" in csv and "50.00" in csv

    missing = db.session.execute(sa.select(PremiumVariance).where(
        PremiumVariance.kind == "enrolled_not_billed")).scalar_one()
    form = c.get(f"/admin/benefit_premium_variance/explain/?ids={missing.id}")
    assert form.status_code == 200
    empty = c.post("/admin/benefit_premium_variance/explain/", data={"ids": str(missing.id), "note": " ",
                                                                     "csrf_token": token}, follow_redirects=True)
    assert "note: say why" in empty.data.decode()
    c.post("/admin/benefit_premium_variance/explain/", data={"ids": str(missing.id), "note": "added late",
                                                             "csrf_token": token}, follow_redirects=True)
    db.session.refresh(missing)
    assert (missing.explained, missing.note) == (True, "added late")
    assert db.session.execute(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "explained", AuditLog.model == "premium_bill")).scalar() == 1


def test_compliance_may_not_explain_a_variance(app, pool, db, make_user, login):  # noqa: F811
    recon.reconcile(recon.import_bill("EXH", "2026-12", three_variance_bill(pool)).id)
    v = db.session.execute(sa.select(PremiumVariance).limit(1)).scalar_one()
    c = app.test_client()
    login(c, make_user("compliance"))
    assert c.get(f"/admin/benefit_premium_variance/explain/?ids={v.id}").status_code == 403


def test_the_pool_page_shows_the_split_and_the_funding_on_a_phone(app, pool, make_user, login):  # noqa: F811
    """The three-variance bill (3,100.00) split over Acme (W1 600 + W2 1,250 = 1,850), Brio (W3 600) and Cato
    (W4 600; W5 is billed but not enrolled, so no weight): 3,100 x 1,850 / 3,050 = 1,880.327… -> 1,880.33;
    3,100 x 600 / 3,050 = 609.836… -> 609.83 twice; floors 1,880.32 + 609.83 + 609.83 = 3,099.98, two cents left:
    remainders .78 (Acme) and .60 (Brio, Cato): Acme, then the tie of equal weights to Brio (lower id):
    1,880.33, 609.84, 609.83 = 3,100.00."""
    recon.reconcile(recon.import_bill("EXH", "2026-12", three_variance_bill(pool)).id)
    c = app.test_client()
    login(c, make_user("finance"))
    page = c.get("/admin/premium_pool/?month=2026-12", headers={"User-Agent": "Mozilla/5.0 (iPhone)"})
    html = page.data.decode()
    assert page.status_code == 200 and 'name="viewport"' in html
    assert "$1,880.33" in html and "$609.84" in html and "$609.83" in html and "$3,100.00" in html
    assert 'id="chart-premium_funding"' in html
    alloc = c.get("/admin/premium_pool/export/allocation.csv?month=2026-12").data.decode().splitlines()
    assert [ln.split(",")[1:] for ln in alloc[1:]] == [["Acme", "1880.33"], ["Brio", "609.84"], ["Cato", "609.83"]]
    assert c.get("/admin/premium_pool/export/funding.xlsx?month=2026-12").status_code == 200


def test_the_api_gives_finance_the_months_split_and_names_a_bad_argument(app, pool, make_user, token_for):  # noqa: F811
    """The three-variance bill's split as on the pool page: 1,880.33 + 609.84 + 609.83 = 3,100.00."""
    recon.reconcile(recon.import_bill("EXH", "2026-12", three_variance_bill(pool)).id)
    c = app.test_client()
    finance = token_for(make_user("finance"))
    r = c.get("/api/v1/premium-pool/allocation?month=2026-12&carrier=exh", headers=finance)
    assert r.status_code == 200, r.json
    acme, brio, cato = pool["clients"]
    assert r.json == {"month": "2026-12", "carrier": "EXH", "total": "3100.00", "items": [
        {"client_id": acme.id, "amount": "1880.33"}, {"client_id": brio.id, "amount": "609.84"},
        {"client_id": cato.id, "amount": "609.83"}]}
    bad = c.get("/api/v1/premium-pool/allocation?month=2026-13&carrier=NOPE", headers=finance)
    assert bad.status_code == 422 and {i["field"] for i in bad.json["issues"]} == {"month", "carrier"}
    worker = token_for(make_user("worker", worker_id=pool["workers"]["w1"].id))
    assert c.get("/api/v1/premium-pool/allocation?month=2026-12", headers=worker).status_code == 403
    assert "/api/v1/premium-pool/allocation" in c.get("/api/v1/openapi.json").json["paths"]
