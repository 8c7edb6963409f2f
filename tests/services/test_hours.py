"""Weekly hours and hours exceptions, as stored. Both backends."""
from datetime import date, time

import pytest

from booking_desktop import services
from booking_desktop.errors import NotFound
from booking_desktop.models import BusinessHours, HoursException
from tests.helpers import details, last_audit, snapshot

WEDNESDAY = date(2030, 3, 6)


def stored_hours(business) -> list[tuple]:
    return [(h.weekday, h.open_time, h.close_time) for h in BusinessHours.select()
            .where(BusinessHours.business == business.id)
            .order_by(BusinessHours.weekday, BusinessHours.open_time)]


def test_set_weekly_hours_replaces_the_week(database, business, owner):
    assert len(stored_hours(business)) == 5  # weekday_9to5 from the fixture
    services.set_weekly_hours(business, {0: [("13:00", "17:00"), ("08:00", "12:00")],
                                         5: [(time(10), time(14))], 6: []}, by=owner)
    assert stored_hours(business) == [
        (0, time(8), time(12)), (0, time(13), time(17)), (5, time(10), time(14))]
    week = services.weekly_hours(business)
    assert week[0] == [(time(8), time(12)), (time(13), time(17))]
    assert week[1] == [] and week[6] == []
    event = last_audit("hours.set")
    assert event.user_id == owner.id and event.entity_id == business.id
    assert details(event)["hours"]["Monday"] == ["08:00-12:00", "13:00-17:00"]


def test_templates_fill_the_week(database, business, owner):
    services.create_recurring_business_hours(business, "weekday_9to5_sat_9to1", by=owner)
    assert stored_hours(business) == [(d, time(9), time(17)) for d in range(5)] + [
        (5, time(9), time(13))]


def test_hours_exception_on_a_date_is_replaced_and_removed(database, business, owner):
    services.set_hours_exception(business, WEDNESDAY, closed=True, note="Inventory", by=owner)
    services.set_hours_exception(business, WEDNESDAY, closed=False,
                                 intervals=[("10:00", "12:00")], note="Half day", by=owner)
    rows = list(HoursException.select())
    assert len(rows) == 1
    assert (rows[0].date, rows[0].closed, rows[0].intervals, rows[0].note) == (
        WEDNESDAY, False, "10:00-12:00", "Half day")
    assert list(services.hours_exceptions(business, WEDNESDAY, WEDNESDAY)) == [WEDNESDAY]

    services.remove_hours_exception(business, WEDNESDAY, by=owner)
    assert HoursException.select().count() == 0
    assert last_audit("hours.exception.remove").user_id == owner.id
    before = snapshot()
    with pytest.raises(NotFound, match="no special day"):
        services.remove_hours_exception(business, WEDNESDAY, by=owner)
    assert snapshot() == before
