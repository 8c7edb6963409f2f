"""`bench-ui`'s start-up measurement: the app's own entry point, in a process
of its own, timed from launch to the front desk showing today's slots."""
import os
import subprocess
import sys
import time
from datetime import datetime, time as clock_time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from booking_desktop import db, services
from booking_desktop.tools import bench_ui

ROOT = Path(__file__).resolve().parents[1]


def desk_with_slots_today(url: str) -> None:
    """An owner and a business with slots for the rest of today (in a zone
    where today has hours left: UTC, or UTC+14 late in the UTC day)."""
    zone = "UTC" if datetime.now(timezone.utc).hour < 21 else "Pacific/Kiritimati"
    handle = db.connect(url)
    try:
        services.create_user("owner", "owner-password-1", role="owner")
        business = services.create_business("Start-up Salon", zone)
        services.set_weekly_hours(business, {day: [(clock_time(0), clock_time(23, 45))]
                                             for day in range(7)})
        today = datetime.now(ZoneInfo(zone)).date()
        made = services.generate_time_slots(business, today, today + timedelta(days=1),
                                            slot_duration_minutes=15)
        assert made["created"] > 0
    finally:
        db.close(handle)


def test_the_start_probe_opens_the_front_desk_and_says_how_long_it_took(tmp_path):
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    desk_with_slots_today(url)
    launched = time.time()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    done = subprocess.run([*bench_ui.this_program(), "bench-ui", "--start-probe", repr(launched),
                           "--db", url], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    seconds = float(done.stdout.strip().splitlines()[-1])
    assert 0 < seconds < time.time() - launched


def test_this_program_is_main_py_in_a_source_tree():
    assert bench_ui.this_program() == [sys.executable, str(ROOT / "main.py")]


def test_measure_start_takes_turns_and_reports_each_program(monkeypatch):
    started = []

    class Done:
        returncode = 0
        stderr = ""

        def __init__(self, argv):
            started.append(argv[0])
            self.stdout = f"{0.25 if argv[0] == 'a' else 0.5}\n"

    monkeypatch.setattr(bench_ui.subprocess, "run", lambda argv, **kw: Done(argv))
    got = bench_ui.measure_start("sqlite:///x.db", 3, {"start": ["a"], "start (bundle)": ["b"]})
    assert started == ["a", "b"] * 3
    assert got == {"start": [0.25] * 3, "start (bundle)": [0.5] * 3}
