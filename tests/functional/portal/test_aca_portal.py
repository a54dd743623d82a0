"""The worker's ACA pages and notice, and the staff's ACA list: the worker sees their status and why, and the open
window's notice on the home and benefits pages; another worker's ACA month is a 404; HR lists and exports."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from backoffice.extensions import db as _db
from benefits import aca_services as acas
from benefits.aca_models import AcaMonth
from tests.conftest import isolated_client
from tests.integration.benefits.test_aca_records import _full_time_2025, _worker


def test_the_worker_sees_the_status_the_reasons_and_the_window_notice_and_not_anothers(app, db, make_user, login,
                                                                                       fixed_clock):
    """Built for December 2025 on Jan 1, 2026: the worker is full time for 2026 by the look-back, a window is open
    until Jan 31, 2026. Their own month shows; the other worker's month id is a 404."""
    fixed_clock.set(date(2026, 1, 1))
    _plans, w, _eng = _full_time_2025()
    other, _ = _worker()
    acas.build_aca_months(2025, 12)
    me = make_user("worker", email="aca-me@example.com", worker_id=w.id)
    make_user("worker", email="aca-other@example.com", worker_id=other.id)
    _db.session.commit()
    http = isolated_client(app)
    login(http, me)
    home = http.get("/portal/").data.decode()
    assert 'id="aca-notice"' in home and "January 31, 2026" in home
    page = http.get("/portal/benefits/aca")
    assert page.status_code == 200
    text = page.data.decode()
    assert "2025-12" in text and 'id="aca-why"' in text and 'id="aca-notice"' in text
    assert 'id="aca-notice"' in http.get("/portal/benefits").data.decode()
    mine = _db.session.execute(sa.select(AcaMonth.id).where(AcaMonth.worker_id == w.id)).scalars().first()
    theirs = _db.session.execute(sa.select(AcaMonth.id).where(AcaMonth.worker_id == other.id)).scalars().first()
    assert http.get(f"/portal/benefits/aca/{mine}").status_code == 200
    assert http.get(f"/portal/benefits/aca/{theirs}").status_code == 404


def test_hr_lists_filters_and_exports_aca_months_and_a_worker_cannot(app, db, make_user, login, fixed_clock):
    fixed_clock.set(date(2026, 1, 1))
    _plans, w, _eng = _full_time_2025()
    acas.build_aca_months(2025, 12)
    hr = make_user("hr", email="aca-hr@example.com")
    me = make_user("worker", email="aca-w@example.com", worker_id=w.id)
    _db.session.commit()
    http = isolated_client(app)
    login(http, hr)
    listing = http.get("/admin/benefit_aca_month/?flt0_0=full_time")
    assert listing.status_code == 200
    assert w.last_name in listing.data.decode()
    assert http.get(f"/admin/benefit_aca_month/?search={w.last_name}").status_code == 200
    csv = http.get("/admin/benefit_aca_month/export/csv/")
    assert csv.status_code == 200 and b"Line 14" in csv.data
    worker_http = isolated_client(app)
    login(worker_http, me)
    assert worker_http.get("/admin/benefit_aca_month/").status_code in (302, 403, 404)
