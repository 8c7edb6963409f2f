"""`python main.py bench-ui`: the front desk's own numbers.

- start: from launching the process to a usable front desk (main window
  shown, today's slots loaded) on the demo database, or on `--db` (filled
  with the demo when empty); sign-in is skipped, as it waits for a person.
  The process is the app's own entry point (`python main.py bench-ui
  --start-probe ...`, or `booking-desktop bench-ui --start-probe ...` in the
  built bundle with `--bundle PATH`): its imports, the command line, Qt,
  the database and the window, up to the day shown.
- walk-in: Enter in the walk-in form to the new row selected in the day view.
- table first page / filter change: the bookings table over the 500,000
  booking synthetic database of `python main.py bench` (built on first use,
  reused after).
- calendar month change / calendar day view: the owner's calendar for a
  business with 60 slots a day (08:00–18:00 every day, 10-minute slots of 3
  places, five months, about a third of the places booked): switching the
  month, and opening a day's slots with their bookings.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import bench as data_bench
from .. import db, services
from ..models import User
from ..services import demo

BUDGETS_MS = {"start": 1500, "start (bundle)": 1500, "walk-in": 100, "table first page": 200,
              "filter change": 200, "calendar month change": 50, "calendar day view": 50}

def add_arguments(parser) -> None:
    parser.add_argument("--repeat", type=int, default=30, help="runs of each measurement")
    parser.add_argument("--bundle", metavar="PATH", help="also time the start-up of the built "
                        "application (make dist: dist/booking-desktop/booking-desktop)")
    parser.add_argument("--start-only", action="store_true", help="only the start-up figures")
    # The child process of a start-up measurement: time since LAUNCHED (time.time()).
    parser.add_argument("--start-probe", type=float, metavar="LAUNCHED", help=argparse.SUPPRESS)
    parser.add_argument("--no-table", action="store_true",
                        help="skip the 500,000-booking table measurements")
    parser.add_argument("--rtt", type=float, nargs="+", metavar="MS",
                        help="with a PostgreSQL --db: measure the desk through a proxy that "
                             "delays each direction by half of each round-trip time given")


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _wait(app, done, what: str, seconds: float = 30) -> None:
    """Let the window work (its database thread answers through the event
    loop) until `done()`."""
    started = time.perf_counter()
    while not done():
        app.processEvents()
        time.sleep(0.0005)
        if time.perf_counter() - started > seconds:
            raise RuntimeError(what)


def start_probe(url: str, launched: float) -> int:
    """In the process being timed: open the window on `url` as its first
    owner, wait for today's slots, print the seconds since `launched`."""
    from ..ui.app import choose_business, create_application, open_main_window
    from ..ui.settings import Settings
    app = create_application()
    db.connect(url)
    owner = next(u for u in services.list_users() if u.role == "owner")
    window = open_main_window(url, owner, choose_business(Settings()))
    window.show()
    _wait(app, lambda: window.front_desk.model.rowCount() > 0, "the day never loaded", 60)
    print(time.time() - launched, flush=True)
    window.session.stop_watching()
    _dispose(window)
    db.close()
    return 0


def this_program() -> list[str]:
    """How to start the app as it runs now: the bundle's executable, or this
    Python with main.py (the package's entry point when main.py is not there)."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    main = Path(__file__).resolve().parents[2] / "main.py"
    if main.is_file():
        return [sys.executable, str(main)]
    return [sys.executable, "-c", "import sys; from booking_desktop.cli import main; sys.exit(main())"]


def measure_start(url: str, runs: int, programs: dict[str, list[str]]) -> dict[str, list[float]]:
    """Start each of `programs` (name: command) `runs` times, each until its
    front desk shows the day: the seconds from launch of each run. The
    programs take turns, so a machine busy with something else weighs on
    them alike."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    samples = {name: [] for name in programs}
    with tempfile.TemporaryDirectory(prefix="booking-bench-start-") as folder:
        for _ in range(runs):
            for name, program in programs.items():
                launched = time.time()
                out = subprocess.run([*program, "bench-ui", "--start-probe", repr(launched),
                                      "--db", url], capture_output=True, text=True, cwd=folder,
                                     env=env)
                if out.returncode != 0:
                    raise RuntimeError(f"{' '.join(program)} did not start: "
                                       f"{(out.stderr or out.stdout).strip()[-500:]}")
                samples[name].append(float(out.stdout.strip().splitlines()[-1]))
    return samples


def measure_walk_in(url: str, runs: int) -> list[float]:
    from ..ui.app import choose_business, create_application, open_main_window
    from ..ui.settings import Settings
    app = create_application()
    db.connect(url)
    owner = next(u for u in services.list_users() if u.role == "owner")
    window = open_main_window(url, owner, choose_business(Settings()))
    window.session.stop_watching()
    window.show()
    app.processEvents()
    samples = []
    front = window.front_desk
    for i in range(runs):
        window.walk_in()
        _wait(app, window.session.pipeline.idle, "the walk-in form did not open")
        form = front.walk_in
        name = f"Bench Walk-in {i}"
        form.name.setText(name)
        started = time.perf_counter()
        form.book()
        _wait(app, lambda name=name: front.selected_booking() is not None
              and front.selected_booking().customer_name == name, "the booked row was not shown")
        samples.append(time.perf_counter() - started)
    _dispose(window)
    db.close()
    return samples


def measure_table(url: str, runs: int) -> tuple[list[float], list[float]]:
    from PySide6.QtGui import QUndoStack

    from ..ui.app import create_application
    from ..ui.views.bookings_view import BookingsView
    from ..ui.session import Session
    app = create_application()
    db.connect(url)
    owner = User(username="bench", role="owner", active=True)
    business = services.list_businesses()[0]
    first, changes = [], []
    prefixes = ["an", "mar", "li", "jo", "sa", "be", "ch", "da", "el", "ha"]
    for i in range(runs):
        session = Session(owner, business)
        started = time.perf_counter()
        view = BookingsView(session, QUndoStack())
        view.resize(1100, 700)
        view.show()
        _wait(app, lambda view=view: view.model.data(view.model.index(0, 2)) is not None,
              "the first page did not load")
        first.append(time.perf_counter() - started)
        started = time.perf_counter()
        view.set_search_text(prefixes[i % len(prefixes)])
        _wait(app, session.pipeline.idle, "the filter did not apply")
        view.model.data(view.model.index(0, 2))
        _wait(app, session.pipeline.idle, "the filtered page did not load")
        changes.append(time.perf_counter() - started)
        _dispose(view)
        session.close()
    db.close()
    return first, changes


def _calendar_url(folder: str) -> tuple[str, list]:
    """A business with 60 slots a day for three months, a third of its places booked."""
    from datetime import date, time, timedelta
    url = f"sqlite:///{Path(folder) / 'calendar.db'}"
    db.connect(url)
    business = services.create_business("Bench Clinic", "UTC")
    services.set_weekly_hours(business, {d: [(time(8), time(18))] for d in range(7)})
    first = date.today() + timedelta(days=1)
    services.generate_time_slots(business, first, first + timedelta(days=150),
                                 slot_duration_minutes=10, max_capacity=3)
    busy_days = [first + timedelta(days=i) for i in range(0, 60, 3)]
    for day in busy_days:
        for n, slot in enumerate(services.slots_between(business, day)):
            services.create_booking(slot, f"Bench Customer {n}")
    db.close()
    return url, busy_days


def measure_calendar(folder: str, runs: int) -> tuple[list[float], list[float]]:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from ..ui.app import create_application
    from ..ui.views.calendar_view import CalendarView
    from ..ui.session import Session
    app = create_application()
    url, busy_days = _calendar_url(folder)
    db.connect(url)
    owner = User(username="bench", role="owner", active=True)
    business = services.list_businesses()[0]
    session = Session(owner, business)
    view = CalendarView(session, QUndoStack())
    idle = session.pipeline.idle
    view.resize(1150, 720)
    view.show()
    # The month after next and the one after it: every day of both six-week
    # grids has slots, whatever today is (with "next month", on the last day
    # of a month the grid's first day was today, which has none: "the month
    # did not load").
    view.shift_month(2)
    _wait(app, idle, "the month did not load")
    months, days = [], []
    for i in range(runs):
        started = time.perf_counter()
        view.shift_month(1 if i % 2 == 0 else -1)
        _wait(app, idle, "the month did not load")
        view.grid.viewport().repaint()
        QApplication.processEvents()
        months.append(time.perf_counter() - started)
        if sum(d.slots for d in view.model.loads) < 60 * 42:
            raise RuntimeError("the month did not load")
    for i in range(runs):
        day = busy_days[i % len(busy_days)]
        if (day.year, day.month) != (view.year, view.month):
            view.set_month(day.year, day.month, day)
            _wait(app, idle, "the month did not load")
        started = time.perf_counter()
        view.select_day(day)
        view.show_day(day)  # as choosing the day in the grid does
        _wait(app, idle, "the day did not load")
        view.tree.viewport().repaint()
        QApplication.processEvents()
        days.append(time.perf_counter() - started)
        if view.day_model.rowCount() != 60:
            raise RuntimeError("the day did not load")
    _dispose(view)
    session.close()
    db.close()
    return months, days


class _Stalls:
    """The event loop's longest gap: a 2 ms timer notes when it runs."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer
        self.timer = QTimer()
        self.timer.setInterval(2)
        self.timer.timeout.connect(self._tick)
        self.last = self.longest = 0.0

    def _tick(self) -> None:
        moment = time.perf_counter()
        self.longest = max(self.longest, moment - self.last)
        self.last = moment

    def start(self) -> None:
        self.last, self.longest = time.perf_counter(), 0.0
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        self._tick()
        return self.longest


def measure_network(url: str, rtt_ms: float, runs: int) -> dict[str, list[float]]:
    """The desk through a LatencyProxy of `rtt_ms`: walk-in (Enter to the row
    shown), its round trips, the event loop's longest stall while booking, a
    month change, the bookings table's first page, and how long until a
    change made by another desk (its own direct connection) shows."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QUndoStack

    from ..ui.app import choose_business, create_application, open_main_window
    from ..ui.views.bookings_view import BookingsView
    from ..ui.settings import Settings
    from .latency_proxy import LatencyProxy

    app = create_application()
    result = {k: [] for k in ("walk-in", "round trips", "stall", "month change",
                              "table first page", "other desk")}
    with LatencyProxy.before(url, rtt_ms) as proxy:
        far = proxy.url_for(url)
        db.connect(far)
        owner = next(u for u in services.list_users() if u.role == "owner")
        window = open_main_window(far, owner, choose_business(Settings()))
        window.show()
        idle = window.session.pipeline.idle
        _wait(app, idle, "the window did not load")
        stalls = _Stalls()
        for i in range(runs):
            window.walk_in()
            _wait(app, idle, "the walk-in form did not open")
            form = window.front_desk.walk_in
            form.name.setText(f"Far Walk-in {rtt_ms:g} {i}")
            app.processEvents()
            proxy.reset()
            stalls.start()
            started = time.perf_counter()
            QTimer.singleShot(0, form.book)
            while (window.front_desk.selected_booking() is None
                   or window.front_desk.selected_booking().customer_name
                   != f"Far Walk-in {rtt_ms:g} {i}"):
                app.processEvents()
                if time.perf_counter() - started > 30:
                    raise RuntimeError("the booked row was not shown")
            result["walk-in"].append(time.perf_counter() - started)
            _wait(app, idle, "the walk-in did not finish")
            result["stall"].append(stalls.stop())
            result["round trips"].append(proxy.round_trips)
        calendar = window.calendar
        window.show_view(1)
        calendar.shift_month(1)
        _wait(app, idle, "the month did not load")
        for i in range(runs):
            started = time.perf_counter()
            calendar.shift_month(1 if i % 2 == 0 else -1)
            _wait(app, idle, "the month did not load")
            result["month change"].append(time.perf_counter() - started)
        window.show_view(0)
        for _ in range(max(3, runs // 3)):
            started = time.perf_counter()
            view = BookingsView(window.session, QUndoStack())
            view.show()
            _wait(app, lambda view=view: view.model.data(view.model.index(0, 2)) is not None,
                  "the first page did not load")
            result["table first page"].append(time.perf_counter() - started)
            _dispose(view)
        result["other desk"] = _other_desk_delays(app, window, url, min(runs, 5))
        _dispose(window)
        db.close()
    return result


def _other_desk_delays(app, window, direct_url: str, runs: int) -> list[float]:
    """Another desk (a process of its own, on a direct connection) books into
    the day shown; how long until this window lists the booking."""
    front = window.front_desk
    window.session.start_watching()
    samples = []
    for i in range(runs):
        slot = services.next_free_slot(window.session.business)
        front.set_day(slot.start.astimezone(window.session.zone).date())  # the day it lands on
        app.processEvents()
        name = f"Other Desk {time.time_ns()} {i}"
        script = (f"from booking_desktop import db, services; db.connect({direct_url!r}); "
                  f"services.create_booking({slot.id}, {name!r}); print('ok', flush=True)")
        other = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                                 cwd=Path(__file__).resolve().parents[2])
        if other.stdout.readline().strip() != "ok":
            raise RuntimeError("the other desk could not book")
        committed = time.perf_counter()
        other.wait()
        while name not in {b.customer_name for b in front.model.bookings()}:
            app.processEvents()
            time.sleep(0.001)
            if time.perf_counter() - committed > 30:
                raise RuntimeError("the other desk's booking never showed")
        samples.append(time.perf_counter() - committed)
    window.session.stop_watching()
    return samples


def _dispose(widget) -> None:
    """Delete a widget now, not at interpreter exit (where PySide6 may crash)."""
    from PySide6.QtCore import QCoreApplication, QEvent
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _demo_url(folder: str) -> str:
    url = f"sqlite:///{Path(folder) / 'demo.db'}"
    db.connect(url)
    demo.build_demo()
    db.close()
    return url


def _table_url(say) -> str:
    url = data_bench._default_url()
    handle, _seconds = data_bench._prepare(url, data_bench.Plan.for_scale(1.0), True, True, say)
    db.close(handle)
    return url


def _network_table(url: str, rtts: list[float], repeat: int, say) -> None:
    """The desk at each round-trip time, as the README's table shows it."""
    if not url.lower().startswith(("postgresql://", "postgres://")):
        raise SystemExit("bench-ui --rtt needs a PostgreSQL --db (the proxy sits before it)")
    db.connect(url)
    if not services.list_businesses():
        say("Filling the database with the demo ...")
        demo.build_demo()
    db.close()
    print(f"{'RTT ms':>6} {'walk-in med':>11} {'p95':>6} {'round trips':>11} "
          f"{'longest stall':>13} {'month change':>12} {'table page':>10} {'other desk':>10}")
    for rtt in rtts:
        say(f"Round trip {rtt:g} ms ...")
        got = measure_network(url, rtt, repeat)
        walk, p95 = _stats(got["walk-in"])
        print(f"{rtt:>6g} {walk:>11.0f} {p95:>6.0f} "
              f"{statistics.median(got['round trips']):>11.0f} "
              f"{max(got['stall']) * 1000:>13.0f} "
              f"{_stats(got['month change'])[0]:>12.0f} "
              f"{_stats(got['table first page'])[0]:>10.0f} "
              f"{_stats(got['other desk'])[0]:>10.0f}")


def run(args) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.start_probe is not None:
        return start_probe(args.db, args.start_probe)
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    repeat = max(3, int(args.repeat))
    if args.rtt:
        _network_table(args.db or "", args.rtt, repeat, say)
        return 0
    bundle = None
    if args.bundle:
        bundle = Path(args.bundle).resolve()
        if not (bundle.is_file() and os.access(bundle, os.X_OK)):
            raise SystemExit(f"bench-ui --bundle: {args.bundle} is not an executable "
                             "(build it with: make dist)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="booking-bench-ui-") as folder:
        if args.db:  # start-up and walk-in on the database given (the demo added if empty)
            url = args.db
            db.connect(url)
            if not services.list_businesses():
                say("Filling the database with the demo ...")
                demo.build_demo()
            db.close()
        else:
            say("Building the demo database ...")
            url = _demo_url(folder)
        programs = {"start": this_program()}
        if bundle is not None:
            programs["start (bundle)"] = [str(bundle)]
        say(f"Start-up ({'; '.join(' '.join(p) for p in programs.values())}) ...")
        rows += measure_start(url, min(repeat, 10), programs).items()
        if not args.start_only:
            say("Walk-in ...")
            rows.append(("walk-in", measure_walk_in(url, repeat)))
            say("Calendar (60 slots a day) ...")
            months, days = measure_calendar(folder, repeat)
            rows += [("calendar month change", months), ("calendar day view", days)]
    if not args.no_table and not args.start_only:
        say("The 500,000-booking database (built once, then reused) ...")
        first, changes = measure_table(_table_url(say), min(repeat, 20))
        rows += [("table first page", first), ("filter change", changes)]
    print(f"{'measurement':<22} {'median ms':>10} {'p95 ms':>8} {'budget ms':>10}")
    for name, samples in rows:
        median, p95 = _stats(samples)
        flag = "" if median <= BUDGETS_MS[name] else "  OVER BUDGET"
        print(f"{name:<22} {median:>10.1f} {p95:>8.1f} {BUDGETS_MS[name]:>10}{flag}")
    return 0
