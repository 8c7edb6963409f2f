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
    image = QImage(str(out / "front-desk.png"))
    assert (image.width(), image.height()) == (1280, 800)
    # Not a blank picture: many distinct colours.
    colours = {image.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 800, 16)}
    assert len(colours) > 20
