"""Mutations take `now=`: the times they store are the caller's clock (tests,
the demo's history), not the wall clock."""
from datetime import datetime, timezone

from booking_desktop import services
from booking_desktop.models import AuditEvent, Business, User

THEN = datetime(2029, 12, 24, 9, 30, tzinfo=timezone.utc)


def test_created_at_and_audit_time_follow_now(database):
    owner = services.create_user("olga", "owner-password", role="owner", now=THEN)
    shop = services.create_business("Xmas Shop", "Europe/Berlin", by=owner, now=THEN)
    services.create_recurring_business_hours(shop, "weekday_9to5", by=owner, now=THEN)
    services.set_hours_exception(shop, "2029-12-25", closed=True, note="Christmas", by=owner,
                                 now=THEN)
    assert User.get_by_id(owner.id).created_at == THEN
    assert Business.get_by_id(shop.id).created_at == THEN
    assert {e.at for e in AuditEvent.select()} == {THEN}
    assert AuditEvent.select().count() == 4
