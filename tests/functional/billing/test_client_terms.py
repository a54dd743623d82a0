"""A client's billing terms and an engagement's overtime and double-time bill rates are edited through the same
services as the rest of the record: the API (422 naming a bad field) and the admin forms."""
from __future__ import annotations

from decimal import Decimal

import pytest


@pytest.fixture
def hr(make_user, token_for):
    return token_for(make_user("hr"))


def test_client_terms_are_saved_and_bad_ones_named(client, db, hr):
    from tests.factories import ClientFactory

    c = ClientFactory(name="Acme Logistics")
    resp = client.patch(f"/api/v1/clients/{c.id}", headers=hr,
                        json={"invoice_frequency": "semimonthly", "invoice_grouping": "per_worker",
                              "po_number": " PO-7731 ", "payment_terms_days": 15})
    assert resp.status_code == 200, resp.get_json()
    got = resp.get_json()
    assert (got["invoice_frequency"], got["invoice_grouping"], got["po_number"], got["payment_terms_days"]) == (
        "semimonthly", "per_worker", "PO-7731", 15)
    bad = client.patch(f"/api/v1/clients/{c.id}", headers=hr,
                       json={"invoice_frequency": "daily", "invoice_grouping": "by_site", "po_number": "x" * 61})
    assert bad.status_code == 422
    assert sorted(i["field"] for i in bad.get_json()["issues"]) == ["invoice_frequency", "invoice_grouping",
                                                                     "po_number"]


def test_engagement_overtime_bill_rates_are_set_cleared_and_checked(client, db, hr):
    from backoffice.workers.models import Engagement
    from tests.factories import EngagementFactory

    e = EngagementFactory(bill_rate=Decimal("30.00"))
    resp = client.patch(f"/api/v1/engagements/{e.id}", headers=hr, json={"ot_bill_rate": "52.50", "dt_bill_rate": None})
    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["ot_bill_rate"], resp.get_json()["dt_bill_rate"]) == ("52.5000", None)
    db.session.expire_all()
    assert db.session.get(Engagement, e.id).ot_bill_rate == Decimal("52.50")
    bad = client.patch(f"/api/v1/engagements/{e.id}", headers=hr, json={"ot_bill_rate": "-3"})
    assert bad.status_code == 422 and [i["field"] for i in bad.get_json()["issues"]] == ["ot_bill_rate"]


def test_the_admin_forms_offer_the_terms_and_the_bill_rates(client, db, login, make_user):
    from tests.factories import ClientFactory, EngagementFactory

    c = ClientFactory(name="Acme Logistics")
    e = EngagementFactory(client=c)
    login(client, make_user("hr"))
    form = client.get(f"/admin/clients/edit/?id={c.id}").get_data(as_text=True)
    for name in ('name="invoice_frequency"', 'name="invoice_grouping"', 'name="po_number"', 'name="markup_rate"'):
        assert name in form, name
    form = client.get(f"/admin/engagements/edit/?id={e.id}").get_data(as_text=True)
    assert 'name="ot_bill_rate"' in form and 'name="dt_bill_rate"' in form and "1.5 times the bill rate" in form
