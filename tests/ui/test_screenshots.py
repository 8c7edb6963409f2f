"""`python main.py screenshot DIR` renders real PNGs of the views."""
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


def test_screenshot_command_renders_views_on_the_demo_data(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path)}
    out = tmp_path / "shots"
    result = subprocess.run([sys.executable, "main.py", "screenshot", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=180, env=env)
    assert result.returncode == 0, result.stderr
    names = {p.name for p in out.glob("*.png")}
    assert {"front-desk.png", "bookings.png", "sign-in.png", "first-run.png"} <= names
    assert {"calendar.png", "calendar-day.png", "hours-editor.png", "generate-slots.png"} <= names
    assert {"user-guide.png", "health.png"} <= names
    assert {"walk-in-customer.png", "customer-card.png", "customer-data.png"} <= names
    card = QImage(str(out / "customer-card.png"))  # the card over the window it belongs to
    assert (card.width(), card.height()) == (1280, 800)
    image = QImage(str(out / "front-desk.png"))
    assert (image.width(), image.height()) == (1280, 800)
    # Not a blank picture: many distinct colours.
    colours = {image.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 800, 16)}
    assert len(colours) > 20


def test_screenshot_command_renders_a_small_front_desk_screen(tmp_path):
    """`--size 1024x700`: the same views on a small front-desk screen; the
    window really is that small (it once could not shrink below 1225 px)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path)}
    out = tmp_path / "small"
    result = subprocess.run([sys.executable, "main.py", "screenshot", str(out), "--size",
                             "1024x700"], cwd=ROOT, capture_output=True, text=True, timeout=180,
                            env=env)
    assert result.returncode == 0, result.stderr
    for name in ("front-desk", "calendar", "bookings", "hours-editor", "reports", "user-guide",
                 "health", "customer-card"):
        image = QImage(str(out / f"{name}.png"))
        assert (image.width(), image.height()) == (1024, 700), name


def test_screenshot_command_renders_in_german_and_refuses_other_languages(tmp_path):
    """`--lang de`: the views in German (resources/screenshots/de/); a
    language the windows do not speak is refused, nothing written."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path)}
    refused = subprocess.run([sys.executable, "main.py", "screenshot", str(tmp_path / "fr"),
                              "--lang", "fr"], cwd=ROOT, capture_output=True, text=True,
                             timeout=180, env=env)
    assert refused.returncode != 0 and "en, de" in refused.stderr
    assert not list(tmp_path.glob("fr/*.png"))
    out = tmp_path / "de"
    result = subprocess.run([sys.executable, "main.py", "screenshot", str(out), "--lang", "de"],
                            cwd=ROOT, capture_output=True, text=True, timeout=180, env=env)
    assert result.returncode == 0, result.stderr
    names = {p.name for p in out.glob("*.png")}
    assert {"front-desk.png", "calendar.png", "reports.png", "bookings.png"} <= names
