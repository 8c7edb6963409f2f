"""The token the windows poll to notice other desks' changes."""
import json

from booking_desktop import services
from booking_desktop.clock import utcnow
from booking_desktop.models import AuditEvent
from booking_desktop.services import desk


def _event(event_id=None):
    values = {"at": utcnow(), "action": "test", "entity": "none", "details": json.dumps({})}
    if event_id is not None:
        values["id"] = event_id
    AuditEvent.insert(**values).execute()


def test_token_changes_with_every_change(database, business):
    before = desk.change_token()
    services.create_recurring_business_hours(business, "weekday_8to6")
    assert desk.change_token() != before


def test_a_late_commit_below_the_newest_id_is_noticed(database, business):
    """On PostgreSQL a transaction that drew id 10 may commit after the one
    that drew id 11: the newest id does not move, the token must."""
    newest = AuditEvent.select().order_by(AuditEvent.id.desc()).first().id
    _event(newest + 5)
    seen = desk.change_token()
    _event(newest + 2)  # the late commit, below the newest id
    assert desk.change_token() != seen
