"""Clear words and times in the services' messages (issue 8, point 4): every
time is the business's local time, never UTC, and no word is doubled. Both
backends."""
from datetime import timedelta

import pytest

from booking_desktop import services
from booking_desktop.errors import InvalidTransition
from tests.helpers import day_slots


@pytest.mark.parametrize("status, words", [("no_show", "marked as a no-show"),
                                           ("completed", "marked completed")])
def test_not_begun_message_uses_local_time_and_says_marked_once(database, business, now,
                                                                status, words):
    slot = day_slots(business, now=now)[0]  # Mon 4 Mar 2030 09:00 in Berlin, 08:00 UTC
    booking = services.create_booking(slot, "Anna Schmidt", now=now)
    with pytest.raises(InvalidTransition) as refused:
        services.set_booking_status(booking, status, now=slot.start - timedelta(minutes=5))
    message = str(refused.value)
    assert message == (f"The appointment has not begun yet; it cannot be {words} "
                       "before Mon 4 Mar 09:00.")
    assert "UTC" not in message and "marked marked" not in message
