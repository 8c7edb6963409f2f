"""The real window on PostgreSQL through the benchmark's TCP proxy with a
100 ms round trip (booking_desktop.tools.latency_proxy), its database work
on its own thread: the window keeps ticking while a walk-in travels, the
walk-in costs at most three round trips from Enter to the row shown, and
the row comes from the operation's answer (no read of the day after it)."""
from datetime import datetime, time, timedelta, timezone

import pytest
from PySide6.QtCore import QElapsedTimer, Qt

from booking_desktop import db, services
from booking_desktop.models import Booking
from booking_desktop.services import users as user_service
from booking_desktop.tools.latency_proxy import LatencyProxy
from booking_desktop.ui.app import open_main_window

from .test_pipeline import Ticks

RTT_MS = 100


@pytest.fixture
def far_window(qtbot, threaded_desk, pg_schema_url, settings):
    handle = db.connect(pg_schema_url)  # the shop is set up next to the server
    shop = services.create_business("Corner Salon", "UTC")
    services.set_weekly_hours(shop, {d: [(time(0), time(23, 30))] for d in range(7)})
    today = datetime.now(timezone.utc).date()
    services.generate_time_slots(shop, today + timedelta(days=1), today + timedelta(days=2),
                                 max_capacity=2)
    owner = user_service.create_user("olga", "owner-password", role="owner")
    db.close(handle)
    with LatencyProxy.before(pg_schema_url, RTT_MS) as proxy:
        url = proxy.url_for(pg_schema_url)
        handle = db.connect(url)
        window = open_main_window(url, owner, shop, settings)
        qtbot.addWidget(window)
        window.session.stop_watching()  # only the walk-in's own traffic is counted
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(window.session.pipeline.idle, timeout=20_000)
        yield window, proxy
        window.close()
        db.close(handle)


def test_a_walk_in_a_hundred_ms_away_keeps_the_window_ticking_in_three_round_trips(
        qtbot, far_window):
    window, proxy = far_window
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(window.session.pipeline.idle, timeout=10_000)
    form = window.front_desk.walk_in
    qtbot.keyClicks(form.name, "Distant Dora")
    proxy.reset()
    with Ticks() as ticks:
        started = QElapsedTimer()
        started.start()
        qtbot.keyClick(form.name, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.front_desk.selected_booking() is not None
                        and window.front_desk.selected_booking().customer_name
                        == "Distant Dora", timeout=20_000)
        took = started.elapsed()
        qtbot.waitUntil(window.session.pipeline.idle, timeout=20_000)
    trips = proxy.round_trips  # before this test's own query below
    assert trips <= 3, trips
    assert Booking.select().where(Booking.customer_name == "Distant Dora").count() == 1
    assert took >= 2 * RTT_MS  # it did travel: BEGIN, the statement, COMMIT
    # The window kept ticking all along: no gap near one round trip.
    assert ticks.largest < RTT_MS / 2, f"the window stopped for {ticks.largest} ms"
