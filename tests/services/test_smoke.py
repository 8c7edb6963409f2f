from datetime import date

from booking_desktop import services
from booking_desktop.models import Booking, TimeSlot


def test_book_into_generated_slot(database, business, now):
    result = services.generate_time_slots(business, date(2030, 3, 4), date(2030, 3, 4),
                                          max_capacity=2, now=now)
    assert result["created"] == 16
    slot = services.available_slots(business, date(2030, 3, 4), now=now)[0]
    booking = services.create_booking(slot, "Ana", now=now)
    assert Booking.get_by_id(booking.id).customer_name == "Ana"
    assert TimeSlot.get_by_id(slot.id).current_bookings == 1
    assert services.check_integrity() == []
