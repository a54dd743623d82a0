"""Published margins by kind of work (backoffice/voice/transparency.py): median and 10th–90th percentiles, and the
group-size floor that keeps any one client from being picked out."""
from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.voice import transparency as tr

D = Decimal


def _s(i, client, kind, margin, worker=None, bill="40.00"):
    return tr.MarginSample(i, worker if worker is not None else i, client, kind, D(margin), D(bill))


def test_percentiles_interpolate_between_ranks():
    """Five values 1..5: position (n − 1) × q = 4q; p10 = 1 + 0.4 × (2 − 1) = 1.40, median 3.00, p90 = 4 + 0.6 =
    4.60."""
    xs = [D(v) for v in (5, 1, 4, 2, 3)]
    assert [tr.percentile(xs, D(q)) for q in ("0.1", "0.5", "0.9")] == [D("1.40"), D("3.00"), D("4.60")]


def test_a_kind_spanning_three_clients_and_five_workers_is_shown_with_its_median_and_range():
    """Margins 5, 6, 7, 8, 9 at three clients, five workers: median 7.00, p10 5.40, p90 8.60."""
    samples = [_s(i, client, "8810 Clerical", m) for i, (client, m) in
               enumerate([(1, "5"), (1, "6"), (2, "7"), (3, "8"), (3, "9")], start=1)]
    out = tr.summarize(samples)
    assert [(r.kind, r.engagements, r.workers, r.clients, r.median, r.p10, r.p90) for r in out.rows] == [
        ("8810 Clerical", 5, 5, 3, D("7.00"), D("5.40"), D("8.60"))]
    assert (out.pooled_kinds, out.hidden_engagements) == (0, 0)


def test_a_month_with_one_clients_data_shows_nothing_identifiable():
    """Eight engagements, eight workers, all at one client: under the floor of 3 clients on its own and pooled, so
    no row is shown and all eight are counted as left out."""
    samples = [_s(i, 42, "8810 Clerical" if i % 2 else "8742 Sales", str(5 + i)) for i in range(8)]
    out = tr.summarize(samples)
    assert out.rows == () and out.hidden_engagements == 8 and out.pooled_kinds == 2


def test_small_kinds_are_pooled_into_other_and_shown_only_if_the_pool_meets_the_floor():
    """Kind A: 3 clients, 5 workers — shown. Kinds B (2 clients, 3 workers) and C (1 client, 2 workers) are each
    under the floor; pooled they span 3 clients and 5 workers, so "Other kinds of work" shows margins 1..5:
    median 3.00."""
    a = [_s(i, c, "A", "10", worker=i) for i, c in enumerate((1, 2, 3, 1, 2), start=1)]
    b = [_s(10 + i, c, "B", str(m), worker=10 + i) for i, (c, m) in enumerate(((4, 1), (5, 2), (4, 3)))]
    c = [_s(20 + i, 6, "C", str(m), worker=20 + i) for i, m in enumerate((4, 5))]
    out = tr.summarize(a + b + c)
    assert [(r.kind, r.clients, r.workers, r.median) for r in out.rows] == [
        ("A", 3, 5, D("10.00")), (tr.OTHER, 3, 5, D("3.00"))]
    assert (out.pooled_kinds, out.hidden_engagements) == (2, 0)


def test_five_engagements_of_one_worker_do_not_make_five_workers():
    """Five engagements at three clients held by only two workers: under the floor of five workers."""
    samples = [_s(i, 1 + i % 3, "A", "5", worker=1 + i % 2) for i in range(5)]
    assert tr.summarize(samples).rows == ()


def test_the_floor_cannot_be_lowered():
    with pytest.raises(ValueError):
        tr.summarize([], min_clients=2)
