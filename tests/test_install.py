"""What `make install-desktop` and the bundle rely on, checked fast (the
bundle itself is built and run by `make test-dist`, never here): the
.desktop file, the icon set, the installer script, where resources/ and the
user's data are found, and the README's word on the data folders."""
import configparser
import shutil
import stat
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from booking_desktop import config

ROOT = Path(__file__).resolve().parents[1]
ENTRY = ROOT / "resources" / "booking-desktop.desktop"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
SIZES = (16, 24, 32, 48, 64, 128, 256)
INSTALLER = ROOT / "packaging" / "desktop-entry.sh"


def png_header(path: Path) -> tuple[int, int, int]:
    """(width, height, colour type) from a PNG's IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height, _depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, colour


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


# --- the .desktop file and the icons --------------------------------------------------

def test_the_desktop_entry_is_valid():
    entry = read_entry(ENTRY)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Booking Desktop"
    assert entry["Icon"] == "booking-desktop" == ENTRY.stem  # found by name in the icon theme
    assert entry["Exec"] == entry["TryExec"] == "booking-desktop"  # the installer rewrites both
    assert entry["Terminal"] == "false"
    categories = entry["Categories"].split(";")
    assert categories[-1] == "" and "Office" in categories  # ends with ';', a main category
    validator = shutil.which("desktop-file-validate")
    if validator:
        checked = subprocess.run([validator, str(ENTRY)], capture_output=True, text=True)
        assert checked.returncode == 0 and checked.stdout + checked.stderr == "", checked.stdout


def test_the_icon_set_has_every_size_as_an_rgba_png():
    for size in SIZES:
        path = HICOLOR / f"{size}x{size}" / "apps" / "booking-desktop.png"
        assert png_header(path) == (size, size, 6), path  # 6: RGBA, a transparent background
    found = sorted(int(p.parts[-3].split("x")[0]) for p in HICOLOR.glob("*x*/apps/*.png"))
    assert found == list(SIZES)


def test_the_scalable_icon_is_a_square_svg():
    root = ET.parse(HICOLOR / "scalable" / "apps" / "booking-desktop.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 256 256"


def test_the_window_gets_the_icon_in_every_size(qapp):
    from booking_desktop.ui.app import app_icon
    sizes = sorted(size.width() for size in app_icon().availableSizes())
    assert sizes == list(SIZES)


# --- make install-desktop / uninstall-desktop ----------------------------------------

@pytest.fixture
def bundle(tmp_path):
    """A stand-in for dist/booking-desktop: an executable that says who it is."""
    folder = tmp_path / "dist" / "booking-desktop"
    (folder / "_internal").mkdir(parents=True)
    program = folder / "booking-desktop"
    program.write_text("#!/bin/sh\necho 'Booking Desktop stand-in'\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return folder


@pytest.mark.skipif(sys.platform == "win32", reason="the menu entry is for Linux desktops")
def test_install_desktop_copies_the_app_and_points_the_entry_at_the_copy(tmp_path, bundle):
    prefix = tmp_path / "home" / ".local"
    data = prefix / "share" / "BookingDesktop"
    data.mkdir(parents=True)
    (data / "booking.db").write_text("the user's data")
    subprocess.run(["bash", str(INSTALLER), "install", str(bundle), str(prefix)], check=True,
                   capture_output=True)

    app = prefix / "lib" / "booking-desktop" / "booking-desktop"
    entry = read_entry(prefix / "share" / "applications" / "booking-desktop.desktop")
    assert entry["Exec"] == entry["TryExec"] == str(app)
    assert {k: v for k, v in entry.items() if k not in ("Exec", "TryExec")} == {
        k: v for k, v in read_entry(ENTRY).items() if k not in ("Exec", "TryExec")}
    shutil.rmtree(bundle.parent)  # the clone's build may go: the installed copy stays
    ran = subprocess.run([str(prefix / "bin" / "booking-desktop")], capture_output=True, text=True)
    assert ran.stdout == "Booking Desktop stand-in\n"
    for size in SIZES:
        installed = prefix / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        assert (installed / "booking-desktop.png").read_bytes() == (
            HICOLOR / f"{size}x{size}" / "apps" / "booking-desktop.png").read_bytes()
    assert (prefix / "share" / "icons" / "hicolor" / "scalable" / "apps" /
            "booking-desktop.svg").is_file()

    subprocess.run(["bash", str(INSTALLER), "uninstall", str(prefix)], check=True,
                   capture_output=True)
    left = [p for p in prefix.rglob("*booking-desktop*")]
    assert left == []
    assert (data / "booking.db").read_text() == "the user's data"  # never touched


@pytest.mark.skipif(sys.platform == "win32", reason="the menu entry is for Linux desktops")
def test_install_desktop_without_a_built_app_says_make_dist(tmp_path):
    done = subprocess.run(["bash", str(INSTALLER), "install", str(tmp_path / "nothing"),
                           str(tmp_path / "prefix")], capture_output=True, text=True)
    assert done.returncode == 1
    assert "make dist" in done.stderr
    assert not (tmp_path / "prefix").exists()


# --- where things are ---------------------------------------------------------------

def test_resources_are_found_beside_the_package():
    assert config.resources_dir() == ROOT / "resources"
    assert (config.resources_dir() / "booking-desktop.desktop").is_file()


@pytest.mark.parametrize("platform, env, expected", [
    ("linux", {}, "{home}/.local/share/BookingDesktop"),
    ("linux", {"XDG_DATA_HOME": "/data/me"}, "/data/me/BookingDesktop"),
    ("win32", {"APPDATA": "C:/Users/me/AppData/Roaming"},
     "C:/Users/me/AppData/Roaming/BookingDesktop"),
    ("darwin", {}, "{home}/Library/Application Support/BookingDesktop"),
])
def test_the_data_folder_is_the_one_the_readme_lists(monkeypatch, tmp_path, platform, env,
                                                     expected):
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("XDG_DATA_HOME", "APPDATA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert config.user_data_dir() == Path(expected.format(home=tmp_path))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = {"linux": "~/.local/share/BookingDesktop", "win32": r"%APPDATA%\BookingDesktop",
             "darwin": "~/Library/Application Support/BookingDesktop"}[platform]
    assert shown in readme
