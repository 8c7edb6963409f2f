"""The reschedule dialog offers only slots that can take the booking, by local
day and time, and is driven with the keyboard; a slot that fills while it is
open is refused by the rules and nothing changes."""
from datetime import date, time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget

from booking_desktop import services
from booking_desktop.services import desk
from booking_desktop.ui.dialogs.reschedule_dialog import RescheduleDialog

from .test_bookings_view import answer_modal, click_row, open_view


@pytest.fixture
def slots(database, owner, business, now):
    services.generate_time_slots(business, date(2030, 3, 4), date(2030, 3, 5), 30,
                                 max_capacity=2, by=owner, now=now)
    return services.available_slots(business, date(2030, 3, 4), now=now)


@pytest.fixture
def anna(slots, owner, now):
    return services.create_booking(slots[0], "Anna Smith", customer_email="anna@example.com",
                                   by=owner, now=now)


def open_dialog(qtbot, owner, business, booking, now):
    from booking_desktop.ui.session import Session

    session = Session(owner, business)
    dialog = RescheduleDialog(session, desk.booking_row(booking.id), now=now)
    dialog._session_ref = session
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def texts(slot_list: QListWidget) -> list[str]:
    return [slot_list.item(i).text().strip() for i in range(slot_list.count())]


def test_lists_only_free_slots_by_local_day_and_enter_picks(qtbot, owner, business, slots,
                                                            anna, now):
    for name in ("Bob Jones", "Cara Lee"):  # 09:30 becomes full
        services.create_booking(slots[1], name, by=owner, now=now)
    services.set_slot_blocked(slots[3], True, by=owner)  # 10:30 is blocked
    dialog = open_dialog(qtbot, owner, business, anna, now)
    shown = texts(dialog.slot_list)

    assert shown[0] == "Mon 04 Mar 2030"
    # Anna's own 09:00, the full 09:30 and the blocked 10:30 are not offered;
    # times are Berlin's (09:00 there is 08:00 UTC)
    assert shown[1:4] == ["10:00–10:30   2 of 2 free", "11:00–11:30   2 of 2 free",
                          "11:30–12:00   2 of 2 free"]
    assert "Tue 05 Mar 2030" in shown
    assert not dialog.slot_list.item(0).flags() & Qt.ItemFlag.ItemIsSelectable
    assert dialog.selected_slot_id() == slots[2].id

    qtbot.keyClick(dialog.slot_list, Qt.Key.Key_Down)
    assert dialog.selected_slot_id() == slots[4].id
    qtbot.keyClick(dialog.slot_list, Qt.Key.Key_End)
    qtbot.keyClick(dialog.slot_list, Qt.Key.Key_Up)
    tuesday = shown.index("Tue 05 Mar 2030")
    for _ in range(len(shown)):  # walk up past Tuesday's heading: it is skipped
        qtbot.keyClick(dialog.slot_list, Qt.Key.Key_Up)
        assert dialog.slot_list.currentRow() not in (0, tuesday)
    qtbot.keyClick(dialog.slot_list, Qt.Key.Key_Return)
    assert dialog.result() == RescheduleDialog.DialogCode.Accepted
    assert dialog.selected_slot_id() == slots[2].id


def test_escape_chooses_nothing(qtbot, owner, business, anna, now):
    from booking_desktop.ui.session import Session

    answering = answer_modal(RescheduleDialog, lambda d: qtbot.keyClick(d.slot_list,
                                                                        Qt.Key.Key_Escape))
    assert RescheduleDialog.ask(Session(owner, business), desk.booking_row(anna.id),
                                now=now) is None
    del answering
    assert services.get_booking(anna.id).time_slot_id == anna.time_slot_id


def test_days_are_the_business_local_days(qtbot, owner, now):
    # Monday 17:00-23:30 in Los Angeles is Tuesday 01:00-07:30 UTC
    bar = services.create_business("Late Bar", "America/Los_Angeles")
    services.set_weekly_hours(bar, {0: [(time(17), time(23, 30))]}, by=owner)
    services.generate_time_slots(bar, date(2030, 3, 4), date(2030, 3, 4), 60, by=owner, now=now)
    slots = services.available_slots(bar, date(2030, 3, 4), now=now)
    booking = services.create_booking(slots[0], "Night Owl", by=owner, now=now)
    dialog = open_dialog(qtbot, owner, bar, booking, now)
    assert texts(dialog.slot_list) == ["Mon 04 Mar 2030", "18:00–19:00   1 of 1 free",
                                       "19:00–20:00   1 of 1 free", "20:00–21:00   1 of 1 free",
                                       "21:00–22:00   1 of 1 free", "22:00–23:00   1 of 1 free"]


def test_no_free_slot_says_so(qtbot, owner, business, slots, anna, now):
    for slot in services.slots_between(business, date(2030, 3, 4), date(2030, 3, 5))[1:]:
        services.set_slot_blocked(slot, True, by=owner)
    dialog = open_dialog(qtbot, owner, business, anna, now)
    assert dialog.empty_label.isVisible()
    assert dialog.empty_label.text().startswith("No free time in the next 14 days.")
    assert not dialog.ok_button.isEnabled()


def test_slot_filled_meanwhile_is_refused_and_nothing_changes(qtbot, owner, business, slots,
                                                              anna, now):
    view = open_view(qtbot, owner, business)
    view.now = now
    click_row(qtbot, view, 0)
    target = slots[1]

    def another_desk_fills_it_then_enter(dialog):
        assert dialog.selected_slot_id() == target.id
        for name in ("Bob Jones", "Cara Lee"):
            services.create_booking(target, name, by=owner, now=now)
        qtbot.keyClick(dialog.slot_list, Qt.Key.Key_Return)

    answering = answer_modal(RescheduleDialog, another_desk_fills_it_then_enter)  # noqa: F841
    view.reschedule_action.trigger()

    assert view.bar.isVisible()
    assert view.bar.label.text() == "This time slot is full (2/2)."
    assert services.get_booking(anna.id).time_slot_id == slots[0].id
    assert services.get_slot(slots[0].id).current_bookings == 1
    assert services.get_slot(target.id).current_bookings == 2
    assert services.check_integrity() == []
    assert view.model.booking(0).customer_name == "Anna Smith"
