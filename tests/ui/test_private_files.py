"""The log and the settings are private to the user, like the database."""
import logging
import stat

from PySide6.QtCore import QSettings

from booking_desktop.ui import app
from booking_desktop.ui.settings import Settings


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_log_file_and_folders_are_private(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    root = logging.getLogger()
    before = list(root.handlers)
    for handler in before:  # another test may have installed the log already
        root.removeHandler(handler)
    try:
        path = app.setup_logging()
        logging.getLogger("test").warning("Anna Schmidt booked K7M-4QX")
        log_file = tmp_path / "data" / "BookingDesktop" / "logs" / "booking-desktop.log"
        assert str(log_file) == path
        assert "Anna Schmidt booked K7M-4QX" in log_file.read_text()
        assert mode(log_file) == 0o600
        assert mode(log_file.parent) == 0o700
        assert mode(log_file.parent.parent) == 0o700
    finally:
        for handler in list(root.handlers):
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
        for handler in before:
            root.addHandler(handler)


def test_settings_file_is_private(tmp_path, qapp):
    path = tmp_path / "config" / "settings.ini"
    settings = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    settings.last_username = "olga"
    settings._s.sync()
    assert "olga" in path.read_text()
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
