"""The slot tools: preview before writing (its counts equal what is then
created), generation on a worker thread with progress, blocking a range and
cleaning up past slots."""
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from booking_desktop import services
from booking_desktop.ui.session import Session
from booking_desktop.ui.dialogs.slots_dialog import (
    GenerateSlotsDialog,
    next_month,
)


@pytest.fixture
def salon(gui_db):
    business = services.create_business("Lunch Salon", "Europe/Berlin")
    services.create_recurring_business_hours(business, "weekday_9to5_lunch")
    return business


def make_dialog(qtbot, user, business):
    dialog = GenerateSlotsDialog(Session(user, business), parent=None)
    qtbot.addWidget(dialog)
    return dialog


def per_day_created(business, first, last):
    counts = {}
    for slot in services.slots_between(business, first, last):
        day = slot.start.astimezone(__import__("zoneinfo").ZoneInfo(business.timezone)).date()
        counts[day] = counts.get(day, 0) + 1
    return counts


def test_defaults_today_to_four_weeks_and_next_month(qtbot, desk_owner, salon):
    dialog = make_dialog(qtbot, desk_owner, salon)
    today = dialog.session.today()
    assert dialog.first.date().toPython() == today
    assert dialog.last.date().toPython() == today + timedelta(weeks=4)
    qtbot.mouseClick(dialog.next_month_button, Qt.MouseButton.LeftButton)
    first, last = next_month(today)
    assert (dialog.first.date().toPython(), dialog.last.date().toPython()) == (first, last)
    assert first.day == 1 and (last + timedelta(days=1)).day == 1
    assert len(dialog.preview.per_day) == (last - first).days + 1
    assert next_month(date(2030, 12, 15)) == (date(2031, 1, 1), date(2031, 1, 31))


def test_preview_counts_equal_what_generation_creates(qtbot, desk_owner, salon):
    dialog = make_dialog(qtbot, desk_owner, salon)
    qtbot.mouseClick(dialog.next_month_button, Qt.MouseButton.LeftButton)
    dialog.duration.setValue(45)
    dialog.buffer.setValue(15)
    dialog.capacity.setValue(3)
    dialog.refresh_preview()
    preview = dialog.preview_counts()
    first, last = min(preview), max(preview)
    assert services.slots_between(salon, first, last) == []  # nothing written yet
    assert sum(preview.values()) == dialog.preview.created > 0
    assert str(dialog.preview.created) in dialog.preview_label.text()
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    assert dialog.result_counts["created"] == dialog.preview.created or \
        dialog.result_counts["created"] == sum(preview.values())
    created = per_day_created(salon, first, last)
    assert {d: n for d, n in preview.items() if n} == created
    assert all(s.max_capacity == 3 for s in services.slots_between(salon, first, last))
    assert "created" in dialog.summary.text()
    # afterwards the preview shows nothing left to create
    assert dialog.preview.created == 0 and not dialog.generate_button.isEnabled()


def test_generation_runs_on_a_worker_thread_with_progress(qtbot, threaded_desk, desk_owner,
                                                          salon, monkeypatch):
    """On the window's database thread now (the pipeline), no longer a
    thread of its own (ui.tasks); progress arrives on the GUI thread."""
    import threading
    dialog = make_dialog(qtbot, desk_owner, salon)
    today = dialog.session.today()
    dialog.first.setDate(dialog.first.date())
    dialog.last.setDate(dialog.first.date().addDays(120))
    dialog.refresh_preview()
    qtbot.waitUntil(dialog.session.pipeline.idle, timeout=10_000)
    expected = dialog.preview.created
    seen, threads = [], []
    original = dialog._progressed

    def progressed(done, total):
        threads.append(threading.current_thread())
        seen.append((done, total))
        original(done, total)

    dialog._progressed = progressed
    real = services.generate_time_slots
    monkeypatch.setattr(services, "generate_time_slots", lambda *a, **k: threads.append(
        threading.current_thread().name) or real(*a, **k))
    dialog.generate()
    qtbot.waitUntil(lambda: dialog.result_counts is not None or not dialog.error.isHidden(),
                    timeout=20_000)
    dialog.wait()
    assert dialog.error.isHidden(), dialog.error.text()
    assert seen and seen[-1][0] == seen[-1][1] == expected
    assert threads[0] == "booking-db"  # generated on the database thread
    assert all(t is threading.main_thread() for t in threads[1:])  # progress shown on the GUI's
    assert dialog.result_counts["created"] == expected
    assert len(services.slots_between(salon, today, today + timedelta(days=120))) == expected
    assert dialog.progress.isHidden()
    dialog.session.close()


def test_closing_while_generating_stops_and_rolls_back(qtbot, threaded_desk, desk_owner,
                                                       salon):
    """Close while the worker generates: the dialog stops it, waits for the
    answer (the window painting meanwhile) and nothing is written."""
    dialog = make_dialog(qtbot, desk_owner, salon)
    today = dialog.session.today()
    dialog.last.setDate(dialog.first.date().addDays(120))
    dialog.refresh_preview()
    qtbot.waitUntil(dialog.session.pipeline.idle, timeout=10_000)
    dialog.generate()
    assert dialog.running and dialog.stop_button.isVisibleTo(dialog)
    dialog.reject()
    assert not dialog.running and dialog.result_counts is None
    qtbot.waitUntil(dialog.session.pipeline.idle, timeout=5000)  # the preview read after it
    assert services.slots_between(salon, today, today + timedelta(days=120)) == []
    dialog.session.close()


def test_block_a_range_and_clean_up_from_the_same_place(qtbot, desk_owner, salon):
    dialog = make_dialog(qtbot, desk_owner, salon)
    day = dialog.session.today() + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    services.generate_time_slots(salon, day, day)
    dialog.tabs.setCurrentIndex(1)
    dialog.block_day.setDate(dialog.block_day.date().addDays((day - dialog.session.today()).days))
    dialog.block_from.setTime(dialog.block_from.time().fromString("10:00", "HH:mm"))
    dialog.block_to.setTime(dialog.block_to.time().fromString("11:00", "HH:mm"))
    dialog.block_reason.setText("Staff meeting")
    qtbot.mouseClick(dialog.block_button, Qt.MouseButton.LeftButton)
    assert dialog.block_result.text() == "2 slots blocked."
    assert sorted(services.block_reasons(salon, day).values()) == ["Staff meeting"] * 2
    dialog.tabs.setCurrentIndex(2)
    qtbot.mouseClick(dialog.cleanup_button, Qt.MouseButton.LeftButton)
    assert dialog.cleanup_result.text() == "0 past slots removed."


def test_staff_cannot_generate(qtbot, desk_staff, salon):
    dialog = make_dialog(qtbot, desk_staff, salon)
    assert not dialog.generate_button.isEnabled()
    dialog.generate()  # even when forced, the service refuses and the dialog says so
    assert not dialog.error.isHidden() and "Only an owner" in dialog.error.text()
    today = dialog.session.today()
    assert services.slots_between(salon, today, today + timedelta(weeks=4)) == []


def test_front_desk_generate_still_opens_the_dialog(qtbot, make_window, desk_owner, shop,
                                                    monkeypatch):
    from booking_desktop.ui.dialogs import slots_dialog
    calls = []
    monkeypatch.setattr(slots_dialog.GenerateSlotsDialog, "ask", classmethod(
        lambda cls, session, first=None, parent=None: calls.append(first) or {"created": 3}))
    window = make_window(desk_owner, shop)
    window.generate_action.trigger()
    assert calls == [window.front_desk.day]


def _a_weekday_next_week(today):
    day = today + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _show_range(dialog, first, last):
    from booking_desktop.ui.dialogs.reasons import to_qdate
    dialog.first.setDate(to_qdate(first))
    dialog.last.setDate(to_qdate(last))
    dialog.refresh_preview()


def test_preview_counts_read_right_in_singular_and_plural(qtbot, desk_owner, salon):
    from datetime import time
    dialog = make_dialog(qtbot, desk_owner, salon)
    day = _a_weekday_next_week(dialog.session.today())
    dialog.duration.setValue(30)
    dialog.capacity.setValue(1)
    _show_range(dialog, day, day)
    assert dialog.preview_label.text() == "14 new slots on 1 day."
    services.generate_time_slots(salon, day, day)
    dialog.refresh_preview()
    assert dialog.preview_label.text() == \
        "No new slots. 14 planned slots are already covered by existing slots, left as they are."
    next_day = day + timedelta(days=1 if day.weekday() < 4 else 3)
    services.set_hours_exception(salon, next_day, closed=False, intervals=[(time(9), time(9, 30))])
    _show_range(dialog, day, next_day)
    assert dialog.preview_label.text() == ("1 new slot on 1 day. 14 planned slots are already "
                                           "covered by existing slots, left as they are.")
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    assert dialog.summary.text().startswith("Done: 1 slot created, 14 skipped")


def test_generation_starts_from_the_business_slot_length_and_places(qtbot, desk_owner, salon):
    today = date.today()
    first = _a_weekday_next_week(today)
    services.generate_time_slots(salon, first, first + timedelta(days=13),
                                 slot_duration_minutes=20, max_capacity=3)
    dialog = make_dialog(qtbot, desk_owner, salon)
    assert (dialog.duration.value(), dialog.capacity.value()) == (20, 3)
    _show_range(dialog, first, first + timedelta(days=13))
    existing = len(services.slots_between(salon, first, first + timedelta(days=13)))
    assert dialog.preview_label.text() == (f"No new slots. {existing} planned slots are already "
                                           "covered by existing slots, left as they are.")
