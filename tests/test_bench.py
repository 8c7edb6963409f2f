"""`python main.py bench` at a tiny scale: every operation is timed, and the
synthetic database it builds keeps every rule. No timing assertions."""
import argparse
import json

import pytest

from booking_desktop import db, services
from booking_desktop.tools import bench
from booking_desktop.models import Booking, Business, BusinessHours, TimeSlot, UTCDateTimeField


def _args(*argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    bench.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_plan_scales_businesses_then_days():
    assert bench.Plan.for_scale(1.0) == bench.Plan(20, 365)
    assert bench.Plan.for_scale(1.0).slots == 116_800
    assert bench.Plan.for_scale(0.5) == bench.Plan(10, 365)
    assert bench.Plan.for_scale(0.01) == bench.Plan(1, 73)
    with pytest.raises(ValueError):
        bench.Plan.for_scale(0)


def test_references_are_unique_and_well_formed():
    refs = [bench.reference_for(n) for n in range(1, 20_001)]
    assert len(set(refs)) == len(refs)
    assert all(services.validation.reference(r) == r for r in refs[:200])


def test_small_run_times_every_operation_on_sound_data(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    out_json = tmp_path / "bench.json"
    assert bench.run(_args("--db", url, "--scale", "0.01", "--repeat", "5",
                           "--json", str(out_json))) == 0
    printed = capsys.readouterr().out
    for _key, label, _kind in bench.OPERATIONS:
        assert label in printed
    assert "SQLite" in printed and "raw median ms" in printed

    results = json.loads(out_json.read_text())["results"]
    assert [r["key"] for r in results] == [key for key, _, _ in bench.OPERATIONS]
    assert all(r["runs"] >= 3 and r["median_ms"] > 0 and r["raw_median_ms"] > 0
               for r in results)
    assert all(r["same_answer"] for r in results)

    handle = db.connect(url)
    try:
        plan = bench.Plan.for_scale(0.01)
        assert Business.select().count() == plan.businesses
        assert BusinessHours.select().count() == 7 * plan.businesses
        assert TimeSlot.select().count() == plan.slots
        # ~4 bookings a slot; the timed creates were all cancelled again.
        assert 3 * plan.slots < Booking.select().count() < 6 * plan.slots
        assert services.check_integrity() == []
        active = Booking.select().where(Booking.status.in_(("pending", "confirmed"))).count()
        held = sum(s.current_bookings for s in TimeSlot.select(TimeSlot.current_bookings))
        assert active == held > 0
        statuses = {b.status for b in Booking.select(Booking.status).distinct()}
        assert statuses == {"pending", "confirmed", "cancelled", "completed", "no_show"}
        # Slots span the past and the future, so "available" and "upcoming" have data.
        business = Business.select().first()
        assert services.upcoming_bookings(business, limit=5)
        # Instants are stored exactly as UTCDateTimeField writes them.
        raw_start, = handle.execute_sql("SELECT start FROM time_slot LIMIT 1").fetchone()
        slot = TimeSlot.select().order_by(TimeSlot.id).first()
        assert raw_start == TimeSlot.start.db_value(slot.start)
        assert isinstance(TimeSlot.start, UTCDateTimeField)
        # Keys are what the services would have stored.
        sample = Booking.select().limit(50)
        for b in sample:
            name_key, surname_key = services.validation.name_keys(b.customer_name)
            assert (b.name_key, b.surname_key) == (name_key, surname_key)
            assert b.email_key == (b.customer_email.lower() if b.customer_email else None)
            assert b.phone_key == services.validation.phone_digits(b.customer_phone)
    finally:
        db.close(handle)


def test_keep_reuses_and_foreign_data_is_refused(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    assert bench.run(_args("--db", url, "--scale", "0.01", "--repeat", "3")) == 0
    assert bench.run(_args("--db", url, "--scale", "0.01", "--repeat", "3", "--keep")) == 0
    assert "reused (--keep)" in capsys.readouterr().out

    real = f"sqlite:///{tmp_path / 'real.db'}"
    handle = db.connect(real)
    services.create_business("Salon Berlin", "Europe/Berlin")
    db.close(handle)
    assert bench.run(_args("--db", real, "--scale", "0.01", "--repeat", "3")) == 2
    assert "Refusing" in capsys.readouterr().err
    handle = db.connect(real)
    try:
        assert [b.name for b in Business.select()] == ["Salon Berlin"]
        assert TimeSlot.select().count() == 0
    finally:
        db.close(handle)


def test_small_run_on_postgresql(pg_schema_url, capsys):
    assert bench.run(_args("--db", pg_schema_url, "--scale", "0.01", "--repeat", "3")) == 0
    printed = capsys.readouterr().out
    assert "PostgreSQL" in printed
    for _key, label, _kind in bench.OPERATIONS:
        assert label in printed
    assert "answers differ" not in printed
    handle = db.connect(pg_schema_url)
    try:
        assert TimeSlot.select().count() == bench.Plan.for_scale(0.01).slots
        assert services.check_integrity() == []
        # The sequences were moved past the copied ids: the services can insert.
        business = Business.select().first()
        assert services.create_business("After the bench", "Europe/Berlin").id > business.id
    finally:
        db.close(handle)
