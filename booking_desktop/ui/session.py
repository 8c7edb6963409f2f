"""Who is signed in, which business is shown, and the one application-wide
change signal every view listens to."""
import logging
from datetime import date
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal

from .. import services
from ..clock import UTC, utcnow
from ..errors import BookingError
from ..services import desk
from ..services.users import Account

log = logging.getLogger(__name__)

POLL_MS = 1000


class Session(QObject):
    """The signed-in user and the current business, and `changed`, emitted
    after any change made in this window or (through the watcher) by another
    process or desk."""

    changed = Signal()
    business_changed = Signal(object)

    def __init__(self, user: Account, business=None, parent=None):
        super().__init__(parent)
        self.user = user
        self.business = business
        self._token = None
        self._watcher = QTimer(self)
        self._watcher.setInterval(POLL_MS)
        self._watcher.timeout.connect(self.poll)

    @property
    def is_owner(self) -> bool:
        return self.user.role == "owner"

    @property
    def zone(self) -> ZoneInfo:
        """The business's time zone, in which every view shows and counts days
        and times (UTC before there is a business)."""
        return ZoneInfo(self.business.timezone) if self.business is not None else UTC

    def today(self) -> date:
        """Today in the business's time zone (the desk may be elsewhere), from
        the one clock every view uses."""
        return utcnow().astimezone(self.zone).date()

    def set_business(self, business) -> None:
        if self.business is None or business.id != self.business.id:
            self.business = business
            self.business_changed.emit(business)

    def notify_changed(self) -> None:
        """Call after a change made here; views refresh at once."""
        self._token = self._read_token()
        self.changed.emit()

    def start_watching(self) -> None:
        self._token = self._read_token()
        self._watcher.start()

    def stop_watching(self) -> None:
        self._watcher.stop()

    def poll(self) -> None:
        token = self._read_token()
        if token is not None and token != self._token:
            self._token = token
            self.changed.emit()

    def _read_token(self):
        try:
            return desk.change_token()
        except BookingError as exc:
            log.warning("change check failed: %s", exc)
        except Exception:  # a dropped server must not kill the timer
            log.exception("change check failed")
        return self._token

    def businesses(self) -> list:
        return services.list_businesses()
