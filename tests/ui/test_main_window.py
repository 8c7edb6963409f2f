"""The GUI opens on a database, shows what is in it, and quits cleanly."""
import subprocess
import sys
from pathlib import Path

import os

from booking_desktop import db, services
from booking_desktop.ui.main_window import MainWindow, _display_url

ROOT = Path(__file__).resolve().parents[2]


def test_main_window_lists_businesses_and_database(qtbot, sqlite_url):
    db.connect(sqlite_url)
    services.create_business("Salon Berlin", "Europe/Berlin")
    window = MainWindow(sqlite_url)
    qtbot.addWidget(window)
    window.show()
    assert "Salon Berlin" in window.placeholder.text()
    assert window.statusBar().currentMessage() == f"Database: {sqlite_url}"
    db.close()


def test_status_bar_hides_the_password():
    assert _display_url("postgresql://desk:secret@db.local:5432/shop") == \
        "postgresql://desk@db.local:5432/shop"


def test_python_main_opens_and_quits_cleanly(tmp_path):
    """`python main.py` starts the GUI on a fresh SQLite file, creates and
    migrates it, and exits 0 when the window closes."""
    db_file = tmp_path / "fresh.db"
    code = (
        "import sys; from booking_desktop.ui.app import run_gui; "
        f"sys.exit(run_gui({f'sqlite:///{db_file}'!r}, quit_after_ms=300))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert db_file.exists()

