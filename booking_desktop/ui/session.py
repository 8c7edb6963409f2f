"""Who is signed in, which business is shown, and the one application-wide
change signal every view listens to."""
import logging
from datetime import date
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from .. import services
from ..clock import UTC, utcnow
from ..errors import BookingError
from ..services import desk
from ..services.users import Account

log = logging.getLogger(__name__)

POLL_MS = 1000
FIRST_RETRY_MS = 200      # a dropped listener is tried again at once ...
RELISTEN_MS = 5000        # ... then, while the server stays out of reach, less and less often
LONGEST_RETRY_MS = 60_000


class Session(QObject):
    """The signed-in user and the current business, and `changed`, emitted
    after any change made in this window or (through the watcher) by another
    process or desk."""

    changed = Signal()
    business_changed = Signal(object)
    online_changed = Signal(bool)  # False: the database is out of reach; True: back
    lost_answer_found = Signal(str)  # the truth about an action whose answer was lost

    def __init__(self, user: Account, business=None, parent=None):
        super().__init__(parent)
        self.user = user
        self.business = business
        self._token = None
        self._watcher = QTimer(self)
        self._watcher.setInterval(POLL_MS)
        self._watcher.timeout.connect(self.poll)
        self._listener = None  # PostgreSQL: other desks' changes as they commit
        self._notifier = None
        self._own_connection = None
        self._server = False  # PostgreSQL: reconnect by listening again
        self.online = True
        self._relisten = QTimer(self)
        self._relisten.setSingleShot(True)
        self._relisten.setInterval(RELISTEN_MS)
        self._relisten.timeout.connect(self._listen_again)

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
        """Call after a change made here; views refresh at once. While the
        server is out of reach it is also the person's "try now" (F5): listen
        again at once rather than at the next planned try, and only then say
        the desk is back (an answer to a query alone would leave it deaf to
        other desks until that try)."""
        if self._listener is not None:  # its NOTIFY comes back: know it as ours
            self._own_connection = services.own_connection_id()
        elif self._server and not self.online:
            if not self._listen():
                return  # still out of reach: the next planned try stays as it was
            self._relisten.stop()
            self._set_online(True)
        else:
            self._token = self._read_token()
        self.changed.emit()

    def start_watching(self) -> None:
        """Hear other desks' changes: on PostgreSQL as they commit (LISTEN,
        watched by a QSocketNotifier; no polling), on SQLite, or while the
        listening connection is lost, by polling the change token."""
        self.stop_watching()  # at most one listener a window
        self._token = self._read_token()
        if not self._listen():
            self._watcher.start()

    def stop_watching(self) -> None:
        self._watcher.stop()
        self._relisten.stop()
        self._drop_listener()

    @property
    def listening(self) -> bool:
        return self._listener is not None

    def _listen(self) -> bool:
        try:
            listener = services.listen_for_changes()
        except BookingError as exc:
            log.warning("cannot listen for changes: %s", exc)
            return False
        if listener is None:  # SQLite
            return False
        self._listener = listener
        self._server = True
        self._notifier = QSocketNotifier(listener.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._heard)
        self._watcher.stop()
        return True

    def _heard(self, *_args) -> None:
        try:
            senders = self._listener.take()
        except BookingError:
            log.warning("the connection listening for changes was lost; trying again")
            self._drop_listener()
            self._retry_in(FIRST_RETRY_MS)
            return
        if any(sender != self._own_connection for sender in senders):
            self.changed.emit()

    def _retry_in(self, ms: int) -> None:
        self._relisten.setInterval(ms)
        self._relisten.start()

    def _listen_again(self) -> None:
        if self._listen():
            self._set_online(True)
            self.changed.emit()  # what was said while we were away is lost: refresh all
        else:
            self._set_online(False)
            self._retry_in(min(LONGEST_RETRY_MS, max(RELISTEN_MS, 2 * self._relisten.interval())))

    def connection_lost(self) -> None:
        """A service call found the database out of reach: say so (views show
        a banner, writes are refused at once) until it answers again."""
        self._set_online(False)
        if self._server:  # PostgreSQL: listening again is the test that it is back
            self._drop_listener()
            if not self._relisten.isActive():
                self._retry_in(FIRST_RETRY_MS)

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.online_changed.emit(online)

    def _drop_listener(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def poll(self) -> None:
        token = self._read_token()
        if token is not None and token != self._token:
            self._token = token
            self.changed.emit()

    def _read_token(self):
        try:
            token = desk.change_token()
        except BookingError as exc:
            log.warning("change check failed: %s", exc)
        except Exception:  # a dropped server must not kill the timer
            log.exception("change check failed")
        else:
            self._set_online(True)  # it answered
            return token
        return self._token

    def businesses(self) -> list:
        return services.list_businesses()
