"""Who is signed in, which business is shown, the window's operation
pipeline (`ui.operations`), and `did_execute`, the one signal every view
listens to: what changed, whoever changed it."""
import logging
from datetime import date
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from .. import services
from ..clock import UTC, utcnow
from ..errors import BookingError
from ..services import desk
from ..services.users import Account
from .operations import Change, Pipeline

log = logging.getLogger(__name__)

POLL_MS = 1000
FIRST_RETRY_MS = 200      # a dropped listener is tried again at once ...
RELISTEN_MS = 5000        # ... then, while the server stays out of reach, less and less often
LONGEST_RETRY_MS = 60_000


class Session(QObject):
    """The signed-in user and the current business, and `did_execute(Change)`,
    emitted once after any change made in this window or (through the
    watcher) by another process or desk."""

    did_execute = Signal(object)  # a Change
    business_changed = Signal(object)
    online_changed = Signal(bool)  # False: the database is out of reach; True: back
    lost_answer_found = Signal(str)  # the truth about an action whose answer was lost
    # The app runs the database work on a thread; the GUI tests run it inline
    # (tests/ui/conftest.py) unless a test asks for the thread.
    threaded = True

    def __init__(self, user: Account, business=None, parent=None, threaded: bool | None = None):
        super().__init__(parent)
        self.user = user
        self.business = business
        self.pipeline = Pipeline(self, self.threaded if threaded is None else threaded)
        self._token = None
        self._watcher = QTimer(self)
        self._watcher.setInterval(POLL_MS)
        self._watcher.timeout.connect(self.poll)
        self._listener = None  # PostgreSQL: other desks' changes as they commit
        self._notifier = None
        self._own_connection = None
        self._server = False  # PostgreSQL: reconnect by listening again
        self._watching = False
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
        """Refresh every view (F5, and after a change not made through the
        pipeline); what this window changed is not heard again as another
        desk's. While the server is out of reach it is also the person's "try
        now": listen again at once rather than at the next planned try, and
        only then say the desk is back (an answer to a query alone would
        leave it deaf to other desks until that try)."""
        if self._server and not self.online and self._listener is None:
            self._listen(self._back_on_request)
            return
        self.pipeline.read("own-mark", self.own_mark, self.remember_own)
        self.did_execute.emit(Change("refresh"))

    def _back_on_request(self, listening: bool) -> None:
        if not listening:
            return  # still out of reach: the next planned try stays as it was
        self._relisten.stop()
        self._set_online(True)
        self.notify_changed()

    def own_mark(self):
        """On the worker, right after a change: what tells this window's own
        changes from other desks' (the connection's server process on
        PostgreSQL, the change token on SQLite)."""
        pid = services.own_connection_id()  # None on SQLite; no query on PostgreSQL
        if pid is not None:
            return "pid", pid
        try:
            return "token", desk.change_token()
        except BookingError:
            return None

    def remember_own(self, mark) -> None:
        if mark is None:
            return
        kind, value = mark
        if kind == "pid":
            self._own_connection = value
        else:
            self._token = value

    def _external(self) -> None:
        self.did_execute.emit(Change("external"))

    def start_watching(self) -> None:
        """Hear other desks' changes: on PostgreSQL as they commit (LISTEN,
        watched by a QSocketNotifier; no polling), on SQLite, or while the
        listening connection is lost, by polling the change token."""
        self.stop_watching()  # at most one listener a window
        self._watching = True
        self._listen(self._first_listen)

    def _first_listen(self, listening: bool) -> None:
        # Not while the window has stopped watching meanwhile (the listener
        # opens on the worker): a window told to stop must not start polling.
        if not listening and self._watching:
            self.pipeline.read("change-token", desk.change_token, self._first_token)
            self._watcher.start()

    def stop_watching(self) -> None:
        self._watching = False
        self._watcher.stop()
        self._relisten.stop()
        self._drop_listener()

    @property
    def listening(self) -> bool:
        return self._listener is not None

    def _listen(self, then) -> None:
        """Open the listening connection on the window's database thread (it
        may take the whole connect timeout while the server is out of reach;
        the window must not wait for it), then `then(listening)` here."""
        def opened(listener) -> None:
            if listener is not None and not self._watching:
                listener.close()  # the window stopped watching meanwhile
                listener = None
            if listener is None:  # SQLite, or no longer wanted
                then(False)
                return
            self._drop_listener()
            self._listener = listener
            self._server = True
            self._notifier = QSocketNotifier(listener.fileno(), QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(self._heard)
            self._watcher.stop()
            then(True)

        def refused(exc: BaseException) -> None:
            log.warning("cannot listen for changes: %s", exc)
            then(False)

        # Straight to the worker, not through `read`: a refusal here is the
        # backoff's own answer, not a lost connection to report (that would
        # restart the backoff at its first step); and every answer is taken
        # (no newest-wins), since a connection opened must be kept or closed.
        self.pipeline.worker.submit(services.listen_for_changes, opened, refused, owner=self)

    def _heard(self, *_args) -> None:
        try:
            senders = self._listener.take()
        except BookingError:
            log.warning("the connection listening for changes was lost; trying again")
            self._drop_listener()
            self._retry_in(FIRST_RETRY_MS)
            return
        if any(sender != self._own_connection for sender in senders):
            self._external()

    def _retry_in(self, ms: int) -> None:
        self._relisten.setInterval(ms)
        self._relisten.start()

    def _listen_again(self) -> None:
        self._listen(self._listened_again)

    def _listened_again(self, listening: bool) -> None:
        if not self._watching:
            return  # stopped watching while it tried
        if listening:
            self._set_online(True)
            self._external()  # what was said while we were away is lost: refresh all
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
        """SQLite: read the change token on the worker (never on the GUI thread)."""
        self.pipeline.read("change-token", desk.change_token, self._token_read,
                           self._token_failed)

    def _first_token(self, token) -> None:
        self._token = token

    def _token_read(self, token) -> None:
        self._set_online(True)  # it answered
        if token != self._token:
            changed = self._token is not None
            self._token = token
            if changed:
                self._external()

    def _token_failed(self, exc: BaseException) -> None:
        # A dropped server must not kill the timer; the next tick asks again.
        log.warning("change check failed: %s", exc)

    def close(self) -> None:
        """The window closes: stop listening and end the worker thread."""
        self.stop_watching()
        self.pipeline.stop()
