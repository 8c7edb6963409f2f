"""Typed access to the few things the app remembers between runs (QSettings)."""
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings


def _private(path: Path) -> None:
    """Create the settings file 0600 in a 0700 folder before Qt writes it
    (Qt keeps an existing file's permissions when it saves)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass


class Settings:
    def __init__(self, settings: QSettings | None = None):
        self._s = settings or QSettings()
        if os.name == "posix" and self._s.fileName().startswith("/"):  # a file, not a registry
            _private(Path(self._s.fileName()))

    def _get(self, key, default, kind):
        value = self._s.value(key, default)
        try:
            return kind(value) if value is not None else default
        except (TypeError, ValueError):
            return default

    @property
    def last_business_id(self) -> int | None:
        return self._get("session/business_id", None, int)

    @last_business_id.setter
    def last_business_id(self, value: int) -> None:
        self._s.setValue("session/business_id", int(value))

    @property
    def last_view(self) -> int:
        return self._get("window/view", 0, int)

    @last_view.setter
    def last_view(self, value: int) -> None:
        self._s.setValue("window/view", int(value))

    @property
    def last_username(self) -> str:
        return self._get("session/username", "", str)

    @last_username.setter
    def last_username(self, value: str) -> None:
        self._s.setValue("session/username", value)

    @property
    def show_cancelled(self) -> bool:
        """Whether the front desk lists cancelled bookings (struck through)."""
        return str(self._s.value("front_desk/show_cancelled", True)).lower() not in ("false", "0")

    @show_cancelled.setter
    def show_cancelled(self, value: bool) -> None:
        self._s.setValue("front_desk/show_cancelled", bool(value))

    @property
    def language(self) -> str:
        """"en", "de", or "" to follow the system's language (ui.i18n)."""
        return self._get("ui/language", "", str)

    @language.setter
    def language(self, value: str) -> None:
        self._s.setValue("ui/language", value or "")

    def column_choice(self, table: str) -> dict[str, bool]:
        """The columns of `table` the person chose to show (True) or hide
        (False), by key; the others follow the window's width."""
        choice = {}
        for shown, key in ((True, "shown"), (False, "hidden")):
            value = self._s.value(f"{table}/{key}_columns", "")
            names = value if isinstance(value, list) else str(value or "").split()
            choice.update((name, shown) for name in names if name)
        return choice

    def set_column_choice(self, table: str, choice: dict[str, bool]) -> None:
        for shown, key in ((True, "shown"), (False, "hidden")):
            self._s.setValue(f"{table}/{key}_columns",
                             " ".join(name for name, s in choice.items() if s == shown))

    def geometry(self, name: str) -> QByteArray | None:
        value = self._s.value(f"window/{name}/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, name: str, value: QByteArray) -> None:
        self._s.setValue(f"window/{name}/geometry", value)

    def sync(self) -> None:
        self._s.sync()
