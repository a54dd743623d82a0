"""The agency form's state registrations carry the agency's size in each state (paid-leave size tests): an admin sets
it, a negative number is refused on the form naming the field, and the database keeps it whole."""
from __future__ import annotations

import re
from decimal import Decimal

from backoffice.workers.models import StateRegistration


def _form_fields(html: str) -> dict[str, str]:
    """The form's fields as a browser would post them back (inputs with their values, selects' chosen options)."""
    out = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or (kind and kind.group(1) in ("submit", "checkbox")):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        out[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected', body)
        if chosen:
            out[name] = chosen.group(1) or chosen.group(2)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        out[name] = body
    return out


def _oregon_size(db, agency_id: int) -> int | None:
    return db.session.execute(db.select(StateRegistration.employer_size).where(
        StateRegistration.agency_id == agency_id, StateRegistration.state == "OR")).scalar_one()


def test_an_admin_records_the_agencys_size_in_a_state_and_a_negative_one_is_refused(client, db, login, make_user):
    from tests.factories import AgencyFactory

    agency = AgencyFactory()
    db.session.add(StateRegistration(agency_id=agency.id, state="OR", suta_rate=Decimal("0.024")))
    db.session.flush()
    login(client, make_user("admin"))
    url = f"/admin/agency/edit/?id={agency.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Employees in the state (paid-leave size tests)" in page
    fields = _form_fields(page)
    # the OR row's size field (the factory's agency has registrations of its own)
    row = next(k[:-len("-state")] for k, v in fields.items() if k.endswith("-state") and v == "OR")
    key = f"{row}-employer_size"
    bad = client.post(url, data={**fields, key: "-3"})
    assert bad.status_code == 200 and "must be 0 or more" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert _oregon_size(db, agency.id) is None
    ok = client.post(url, data={**fields, key: "12"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert _oregon_size(db, agency.id) == 12
