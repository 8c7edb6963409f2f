"""Issue 8, point 2: the walk-in books what it shows. Another desk acts
between two GUI steps through a direct service call; the form keeps the
slot the person chose, says what changed, and books nothing else unasked."""
from datetime import datetime, time, timedelta, timezone

from PySide6.QtCore import Qt

from booking_desktop import services
from booking_desktop.models import Booking
from booking_desktop.ui.status_style import short_date


def _tomorrow():
    return datetime.now(timezone.utc).date() + timedelta(days=1)  # the shop is in UTC


def _slot_at(business, day, hour, minute=0):
    start = datetime.combine(day, time(hour, minute), tzinfo=timezone.utc)
    return next(s for s in services.slots_between(business, day) if s.start == start)


def _booked(name):
    return list(Booking.select().where(Booking.customer_name == name))


def _form_on(window, day, slot):
    window.front_desk.set_day(day)
    form = window.front_desk.walk_in
    assert form.select_slot(slot.id)
    form.focus_name()
    return form


def test_a_slot_filled_by_another_desk_stays_chosen_marked_full_now(qtbot, make_window,
                                                                   desk_staff, shop):
    day = _tomorrow()
    ten = _slot_at(shop, day, 10)
    window = make_window(desk_staff, shop)
    form = _form_on(window, day, ten)
    qtbot.keyClicks(form.name, "Typing Tina")
    # Another desk takes both places while the name is typed; the desk hears of it.
    services.create_booking(ten.id, "Other Desk One")
    services.create_booking(ten.id, "Other Desk Two")
    window.session.poll()

    assert form.slot.currentData() == ten.id
    assert form.slot.currentText().endswith("10:00–10:30 · Full now")
    assert form.name.text() == "Typing Tina"
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert _booked("Typing Tina") == []
    text = form.message.label.text()
    assert "full" in text and "Next free: 10:30." in text
    assert form.message.action.text() == "Book 10:30 instead"
    assert form.slot.currentData() == ten.id  # still the person's choice

    qtbot.mouseClick(form.message.action, Qt.MouseButton.LeftButton)
    [booking] = _booked("Typing Tina")
    assert booking.time_slot_id == _slot_at(shop, day, 10, 30).id
    assert f"{short_date(day)} 10:30." in window.statusBar().currentMessage()


def test_next_free_is_the_nearest_on_the_same_day_later_first_then_earlier(
        qtbot, make_window, desk_staff, shop):
    day = _tomorrow()
    ten = _slot_at(shop, day, 10)
    for slot in services.slots_between(shop, day):
        if slot.start > ten.start:
            services.set_slot_blocked(slot, True)  # nothing free after 10:00
    window = make_window(desk_staff, shop)
    form = _form_on(window, day, ten)
    qtbot.keyClicks(form.name, "Early Erik")
    services.create_booking(ten.id, "Other One")
    services.create_booking(ten.id, "Other Two")  # no refresh: the desk has not heard yet
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert _booked("Early Erik") == []
    assert "Next free: 09:30." in form.message.label.text()
    qtbot.mouseClick(form.message.action, Qt.MouseButton.LeftButton)
    assert _booked("Early Erik")[0].time_slot_id == _slot_at(shop, day, 9, 30).id


def test_an_offer_on_another_day_names_its_date(qtbot, make_window, desk_staff, shop):
    day = _tomorrow()
    ten = _slot_at(shop, day, 10)
    for slot in services.slots_between(shop, day):
        if slot.id != ten.id:
            services.set_slot_blocked(slot, True)
    window = make_window(desk_staff, shop)
    form = _form_on(window, day, ten)
    qtbot.keyClicks(form.name, "Other Day Olga")
    services.create_booking(ten.id, "Other One")
    services.create_booking(ten.id, "Other Two")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert _booked("Other Day Olga") == []
    elsewhere = services.next_free_slot(shop)
    at = f"{short_date(elsewhere.start.date())} {elsewhere.start:%H:%M}"
    text = form.message.label.text()
    assert f"Nothing else is free on {short_date(day)}." in text
    assert f"Next free: {at}." in text
    assert form.message.action.text() == f"Book {at} instead"


def test_confirmation_names_date_and_time(qtbot, make_window, desk_staff, shop):
    day = _tomorrow()
    slot = _slot_at(shop, day, 16, 30)
    window = make_window(desk_staff, shop)
    form = _form_on(window, day, slot)
    qtbot.keyClicks(form.name, "Anna Schmidt")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    [booking] = _booked("Anna Schmidt")
    assert window.statusBar().currentMessage() == \
        f"Booked {booking.reference} for Anna Schmidt, {short_date(day)} 16:30."


def test_places_shown_follow_every_change_heard_of_and_keep_the_choice(qtbot, make_window,
                                                                       desk_staff, shop):
    day = _tomorrow()
    ten = _slot_at(shop, day, 10)
    window = make_window(desk_staff, shop)
    form = _form_on(window, day, ten)
    assert form.slot.currentText().endswith("10:00–10:30 · 2 places free")
    services.create_booking(ten.id, "Elsewhere")
    window.session.poll()
    assert form.slot.currentData() == ten.id
    assert form.slot.currentText().endswith("10:00–10:30 · 1 place free")


def test_a_refresh_never_moves_the_choice_to_the_slot_selected_in_the_day(qtbot, make_window,
                                                                          desk_staff, shop):
    day = _tomorrow()
    ten, half_past = _slot_at(shop, day, 10), _slot_at(shop, day, 10, 30)
    window = make_window(desk_staff, shop)
    front_desk = window.front_desk
    front_desk.set_day(day)
    front_desk.tree.setCurrentIndex(front_desk.model.index_of_slot(ten.id))
    form = front_desk.walk_in
    assert form.slot.currentData() == ten.id  # picking a slot in the day picks it here
    form.focus_name()
    qtbot.keyClick(form.name, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert form.slot.currentData() == half_past.id
    services.create_booking(_slot_at(shop, day, 12).id, "Unrelated")
    window.session.poll()
    assert form.slot.currentData() == half_past.id


def test_f2_on_a_full_day_names_the_day_it_books(qtbot, make_window, desk_staff, shop):
    first = services.next_free_slot(shop)
    for slot in services.available_slots(shop, first.start.date()):
        services.set_slot_blocked(slot, True)
    expected = services.next_free_slot(shop)
    window = make_window(desk_staff, shop)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    form = window.front_desk.walk_in
    day = expected.start.date()
    assert window.front_desk.day == day
    assert form.slot.currentData() == expected.id
    assert form.day_label.text().startswith(f"{short_date(day)} {day.year}")
    assert f"Next free: {short_date(day)} {expected.start:%H:%M}." in form.message.label.text()
    assert f"{day.day} {day:%B %Y}" in window.front_desk.title.text()


def test_after_filling_the_slot_itself_the_next_person_gets_the_nearest_free_one(
        qtbot, make_window, desk_staff, shop):
    day = _tomorrow()
    ten = _slot_at(shop, day, 10)
    window = make_window(desk_staff, shop)
    form = _form_on(window, day, ten)
    for name in ("First Fay", "Second Sid"):
        assert form.slot.currentData() == ten.id  # one place left: the choice stays
        qtbot.keyClicks(form.name, name)
        qtbot.keyClick(form.name, Qt.Key.Key_Return)
        assert _booked(name)[0].time_slot_id == ten.id
    assert form.slot.currentData() == _slot_at(shop, day, 10, 30).id


def test_an_offer_is_withdrawn_when_the_day_shown_changes(qtbot, make_window, desk_staff, shop):
    day = _tomorrow()
    ten = _slot_at(shop, day, 10)
    window = make_window(desk_staff, shop)
    form = _form_on(window, day, ten)
    services.create_booking(ten.id, "Other One")
    services.create_booking(ten.id, "Other Two")
    qtbot.keyClicks(form.name, "Wandering Will")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert form.message.isVisible() and form.message.action.isVisible()
    window.front_desk.shift_day(1)
    assert not form.message.isVisible()


# --- point 1 as the desk sees it: holidays and hours decide what is offered ---------------

def test_a_holiday_saved_by_the_owner_meanwhile_refuses_the_booking(qtbot, make_window,
                                                                    desk_owner, desk_staff, shop):
    day = _tomorrow()
    ten = _slot_at(shop, day, 10)
    services.create_booking(ten.id, "Kept Kim")  # the slot stays (closed) for its booking
    window = make_window(desk_staff, shop)
    form = _form_on(window, day, ten)
    assert form.slot.currentText().endswith("10:00–10:30 · 1 place free")
    qtbot.keyClicks(form.name, "Holiday Hans")
    services.save_hours_exception(shop, day, closed=True, note="Public holiday", outside="keep",
                                  by=desk_owner)  # at the owner's desk; this one has not heard
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert _booked("Holiday Hans") == []
    assert form.message.label.text().startswith("Closed: Public holiday.")
    # nothing else is open that day: the offer is another day, named with its date
    elsewhere = services.next_free_slot(shop)
    assert f"Nothing else is free on {short_date(day)}." in form.message.label.text()
    assert form.message.action.text() == \
        f"Book {short_date(elsewhere.start.date())} {elsewhere.start:%H:%M} instead"

    window.session.poll()  # now the desk hears of it: the choice stays, marked closed
    assert form.slot.currentData() == ten.id
    assert form.slot.currentText().endswith("10:00–10:30 · Closed: Public holiday")
    assert form.day_label.text().endswith("— Closed — Public holiday")


def test_an_empty_slot_closed_by_a_holiday_is_refused_with_the_reason(qtbot, make_window,
                                                                      desk_owner, desk_staff,
                                                                      shop):
    """The holiday closes the empty slot too (it is not removed, so its id can
    never come back as another time): the desk that still shows it is refused
    with the reason, and the day list no longer shows the empty closed slots."""
    day = _tomorrow()
    ten = _slot_at(shop, day, 10)
    window = make_window(desk_staff, shop)
    form = _form_on(window, day, ten)
    qtbot.keyClicks(form.name, "Closed Rita")
    services.save_hours_exception(shop, day, closed=True, note="Public holiday", by=desk_owner)
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert _booked("Closed Rita") == []
    assert form.message.label.text().startswith(
        "Closed: Public holiday. This time can no longer be booked.")
    window.session.poll()
    assert form.slot.currentData() == ten.id
    assert form.slot.currentText().endswith("10:00–10:30 · Closed: Public holiday")
    front = window.front_desk
    assert front.model.rowCount() == 0 and not front.tree.isVisible()
    assert front.empty_label.text() == \
        "Closed — Public holiday. Nothing can be booked on this day."
    assert not front.generate_button.isVisible()


def test_a_holiday_reads_closed_and_the_walk_in_offers_nothing(qtbot, make_window, desk_owner,
                                                                desk_staff, shop):
    day = _tomorrow()
    services.save_hours_exception(shop, day, closed=True, note="Public holiday", by=desk_owner)
    window = make_window(desk_staff, shop)
    window.front_desk.set_day(day)
    form = window.front_desk.walk_in
    assert window.front_desk.day_note.isVisible()
    assert window.front_desk.day_note.text() == "Closed — Public holiday"
    assert form.slot.currentData() is None and form.slot.count() == 1
    assert form.slot.currentText() == "Closed — Public holiday"
    assert not form.book_button.isEnabled()


def test_a_slot_kept_for_its_booking_outside_new_hours_reads_closed(qtbot, qtmodeltester,
                                                                   make_window, desk_owner,
                                                                   desk_staff, shop):
    day = _tomorrow()
    noon = _slot_at(shop, day, 12)
    services.create_booking(noon.id, "Lunch Lena")
    lunch_break = {d: [(time(0), time(12)), (time(13), time(23, 30))] for d in range(7)}
    services.save_weekly_hours(shop, lunch_break, outside="keep", by=desk_owner)
    window = make_window(desk_staff, shop)
    front_desk = window.front_desk
    front_desk.set_day(day)
    index = front_desk.model.index_of_slot(noon.id)
    assert index.siblingAtColumn(2).data() == "Closed"
    assert "Outside opening hours" in index.siblingAtColumn(2).data(Qt.ItemDataRole.ToolTipRole)
    assert front_desk.model.itemFromIndex(index).rowCount() == 1  # the kept booking, visible
    offered = front_desk.walk_in.slot
    assert noon.id not in [offered.itemData(i) for i in range(offered.count())]
    qtmodeltester.check(front_desk.model)


def _answer_lost(monkeypatch, saved: bool):
    """The next booking's answer is lost with the connection in its COMMIT
    (AnswerLost, as services._tx raises it): after it was committed
    (`saved`), or before the server saved anything. tests/ui/
    test_losing_the_server.py does the same on a real server."""
    from booking_desktop.errors import AnswerLost
    from booking_desktop.services import undo

    real = undo.create_booking
    calls = []

    def lost(*args, **kwargs):
        calls.append(kwargs.get("reference"))
        if len(calls) == 1:
            if saved:
                real(*args, **kwargs)
            raise AnswerLost()
        return real(*args, **kwargs)
    monkeypatch.setattr(undo, "create_booking", lost)
    return calls


def test_a_booking_whose_answer_was_lost_is_found_saved_when_the_database_answers(
        qtbot, make_window, desk_staff, shop, monkeypatch):
    day = _tomorrow()
    ten = _slot_at(shop, day, 10)
    window = make_window(desk_staff, shop)
    calls = _answer_lost(monkeypatch, saved=True)
    said = []
    window.front_desk.message.connect(said.append)
    form = _form_on(window, day, ten)
    qtbot.keyClicks(form.name, "Lost Lena")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    reference = calls[0]
    assert form.message.label.text() == (
        f"The connection was lost while booking {reference} for Lost Lena. Whether it was "
        "saved is checked as soon as the database answers.")
    assert not window.session.online and window.offline_bar.isVisible()
    qtbot.waitUntil(lambda: window.session.online, timeout=6000)  # the next poll answers
    booked = _booked("Lost Lena")
    assert [b.reference for b in booked] == [reference]  # saved once, never twice
    assert said[-1] == (f"Booked {reference} for Lost Lena, {short_date(day)} 10:00. "
                        "(It had been saved when the connection was lost.)")
    assert window.undo_stack.undoText() == "booking of Lost Lena"
    assert form.name.text() == ""


def test_a_booking_whose_answer_was_lost_before_saving_is_said_not_saved(
        qtbot, make_window, desk_staff, shop, monkeypatch):
    day = _tomorrow()
    ten = _slot_at(shop, day, 10)
    window = make_window(desk_staff, shop)
    calls = _answer_lost(monkeypatch, saved=False)
    form = _form_on(window, day, ten)
    qtbot.keyClicks(form.name, "Lost Leo")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    reference = calls[0]
    qtbot.waitUntil(lambda: window.session.online, timeout=6000)
    assert form.message.label.text() == (
        f"{reference} for Lost Leo was not saved. Press Enter to book it now.")
    assert _booked("Lost Leo") == [] and form.name.text() == "Lost Leo"
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert [b.reference for b in _booked("Lost Leo")] == [reference]


def test_a_reference_drawn_twice_by_chance_is_swapped_for_a_fresh_one(
        qtbot, make_window, desk_staff, shop, monkeypatch):
    """The walk-in draws its reference; one another booking holds already
    must not hand back that booking: a fresh reference is drawn."""
    day = _tomorrow()
    ten = _slot_at(shop, day, 10)
    services.create_booking(_slot_at(shop, day, 11), "Someone Else", reference="AAA-AAA")
    drawn = iter(["AAA-AAA", "BBB-BBB"])
    monkeypatch.setattr(services, "new_reference", lambda: next(drawn))
    window = make_window(desk_staff, shop)
    form = _form_on(window, day, ten)
    qtbot.keyClicks(form.name, "Fresh Fay")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert [b.reference for b in _booked("Fresh Fay")] == ["BBB-BBB"]
    assert [b.customer_name for b in Booking.select().where(Booking.reference == "AAA-AAA")] \
        == ["Someone Else"]
