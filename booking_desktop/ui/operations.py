"""The operation pipeline (after Anki's `aqt.operations`): every change and
every read a window makes runs on the window's one database thread, in
order, and its answer is applied on the GUI thread. The window never waits
for the database, so distance to the server costs time, never a frozen
window.

- `Op(session, parent, work).success(cb).failure(cb).run()` — a change.
  Changes run one after another, each dispatched when the one before has
  been answered (so an undo picks its step when its turn comes). While the
  database is out of reach nothing is tried. A refusal goes to `failure`,
  else to the parent's `show_refusal` (the inline message), else to a
  dialog; a bug is logged and said. After a success the session announces
  the `Change` once (`Session.did_execute`), and every view decides whether
  it concerns it (Anki: `operation_did_execute`).
- `session.pipeline.read(key, work, done)` — a read. Only the newest request
  of a key is answered: an older one still waiting is skipped, and an answer
  overtaken by a newer request is dropped.

`Worker` is the thread. `threaded=False` runs each job at once on the
calling thread (the GUI tests' default: they check the database straight
after a key press); the pipeline's own tests and the app use the thread.
"""
import itertools
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QWidget

from .. import services
from ..errors import QT_TRANSLATE_NOOP, BookingError, DatabaseUnavailable
from ..services import desk, health

log = logging.getLogger(__name__)


class Offline(DatabaseUnavailable):
    """Refused before anything was tried: the desk knows the database is out of reach."""
    default_message = QT_TRANSLATE_NOOP(
        "errors", "The database is out of reach, so nothing was saved. The desk "
        "reconnects by itself: try again when the banner at the top has gone.")


@dataclass(frozen=True)
class Change:
    """What one operation changed, told to every view once."""
    # "booking", "slot", "hours", "slots", "business", "customer" (a merge), "external"
    kind: str
    business_id: int | None = None    # None: any business (or not known)
    booking_ids: tuple[int, ...] = ()
    slot_ids: tuple[int, ...] = ()
    rows: tuple = ()                  # services.desk.BookingRow after the change
    initiator: object = None          # the widget that acted; it has applied `rows` itself

    @classmethod
    def of(cls, outcome, initiator=None, business_id: int | None = None) -> "Change":
        """The change an `undo.Outcome` reports."""
        return cls(getattr(outcome, "kind", "") or "booking",
                   getattr(outcome, "business_id", None) or business_id,
                   tuple(outcome.booking_ids), tuple(outcome.slot_ids),
                   tuple(getattr(outcome, "rows", ())), initiator)

    def concerns(self, business_id: int | None) -> bool:
        return self.business_id is None or business_id is None or self.business_id == business_id


def job_name(work: Callable, key=None) -> str:
    """What the Health window calls a job: a service function by its module
    and name ("desk.change_token"), else a read by its key ("day"), else the
    function that was given ("HoursView.save.work")."""
    module = getattr(work, "__module__", "") or ""
    name = getattr(work, "__qualname__", "") or ""
    if module.startswith("booking_desktop.services.") and "<" not in name:
        return f"{module.rsplit('.', 1)[-1]}.{name}"
    if key is not None:
        return str(key[0] if isinstance(key, tuple) else key)
    return name.replace("<locals>.", "") or repr(work)


class Job:
    __slots__ = ("work", "done", "failed", "key", "owner", "number", "result", "error", "name")

    def __init__(self, work, done, failed, key=None, owner=None, name=None):
        self.work, self.done, self.failed, self.key = work, done, failed, key
        self.owner = owner  # the widget the answer is for: dropped when it is gone
        self.name = name    # for the slow-operations log; job_name() when None
        self.number = 0
        self.result = self.error = None


class Worker(QObject):
    """The window's database thread: jobs run in the order given, each on
    the same connection (peewee connections belong to their thread)."""

    _answered = Signal(object)

    def __init__(self, threaded: bool = True, parent=None):
        super().__init__(parent)
        self.threaded = threaded
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pending: set[Job] = set()   # held until answered (nothing collects them early)
        self._newest: dict[object, int] = {}
        self._numbers = itertools.count(1)
        self._answered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def submit(self, work: Callable, done: Callable, failed: Callable, key=None,
               owner: QObject | None = None, name: str | None = None) -> Job:
        job = Job(work, done, failed, key, owner, name)
        job.number = next(self._numbers)
        if key is not None:
            self._newest[key] = job.number
        self._pending.add(job)
        if not self.threaded:
            self._run(job)
            self._deliver(job)
            return job
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="booking-db", daemon=True)
            self._thread.start()
        self._queue.put(job)
        return job

    def idle(self) -> bool:
        """Nothing waiting or running (tests wait for it)."""
        return not self._pending

    def _superseded(self, job: Job) -> bool:
        return job.key is not None and self._newest.get(job.key) != job.number

    def _run(self, job: Job) -> None:
        if self._superseded(job):  # a newer request of the same key is coming
            return
        # Every service call a window makes passes here: timed, and logged
        # when slow (services.health, the Health window's list).
        started = time.perf_counter()
        try:
            job.result = job.work()
        except BaseException as exc:  # handed to the GUI thread, which says it
            job.error = exc
        took = time.perf_counter() - started
        if took * 1000 >= health.SLOW_MS:
            health.note_duration(job.name or job_name(job.work, job.key), took)

    def _loop(self) -> None:
        try:
            while True:
                job = self._queue.get()
                if job is None:
                    return
                self._run(job)
                self._answered.emit(job)
        finally:
            try:
                services.release_connection()
            except Exception:
                log.debug("closing the worker's connection failed", exc_info=True)

    def _deliver(self, job: Job) -> None:
        self._pending.discard(job)
        if self._superseded(job) or (job.owner is not None and not shiboken6.isValid(job.owner)):
            return  # overtaken by a newer request, or its widget was closed meanwhile
        try:
            if job.error is not None:
                job.failed(job.error)
            else:
                job.done(job.result)
        except Exception:  # a view's callback failed: log it, keep the window
            log.exception("applying a database answer failed")

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=10)
            self._thread = None


class Pipeline:
    """A window's reads and changes, through its worker."""

    def __init__(self, session, threaded: bool = True):
        self.session = session
        self.worker = Worker(threaded, session)
        self._changes: deque["Op"] = deque()
        self._running: "Op | None" = None

    def read(self, key, work: Callable, done: Callable,
             failed: Callable[[BaseException], None] | None = None,
             owner: QObject | None = None) -> None:
        """Run `work()` on the worker; `done(result)` on the GUI thread unless
        a newer read of `key` was asked for meanwhile, or `owner` (by default
        the object `done` is a method of) was deleted."""
        if owner is None and isinstance(getattr(done, "__self__", None), QObject):
            owner = done.__self__
        def on_failure(exc: BaseException) -> None:
            if isinstance(exc, DatabaseUnavailable):
                self.session.connection_lost()
            if failed is not None:
                failed(exc)
            elif isinstance(exc, BookingError):
                log.info("a read was refused: %s", exc)
            else:
                log.error("a read failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.worker.submit(work, done, on_failure, key=key, owner=owner)

    def change(self, op: "Op") -> None:
        self._changes.append(op)
        self._next()

    def busy(self) -> bool:
        return self._running is not None or bool(self._changes)

    def idle(self) -> bool:
        return not self.busy() and self.worker.idle()

    def _next(self) -> None:
        while self._running is None and self._changes:
            op = self._running = self._changes.popleft()
            if not op.start():  # dropped, or refused before anything was tried
                self._running = None

    def finished(self, op: "Op") -> None:
        if self._running is op:
            self._running = None
        self._next()

    def stop(self) -> None:
        self.worker.stop()


class Op:
    """One change: `Op(session, parent, work)` where `work(user)` runs on the
    worker thread and returns the result (an `undo.Outcome` for the undoable
    ones). Chain `.prepare()`, `.success()`, `.failure()`, `.busy()`, then
    `.run()`."""

    def __init__(self, session, parent: QWidget | None, work: Callable):
        self.session = session
        self.parent = parent
        self._work = work
        self._prepare: Callable[[], bool] | None = None
        self._success: list[Callable] = []
        self._failure: Callable | None = None
        self._busy: Callable[[bool], None] | None = None
        self._announce: Callable | None = None
        self._translate: Callable | None = None
        self.name: str | None = None

    def named(self, name: str) -> "Op":
        """What the slow-operations log calls this op ("undo.book")."""
        self.name = name
        return self

    def prepare(self, check: Callable[[], bool]) -> "Op":
        """Called on the GUI thread when the op's turn comes; False drops it."""
        self._prepare = check
        return self

    def success(self, callback: Callable) -> "Op":
        self._success.append(callback)
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> "Op":
        self._failure = callback
        return self

    def busy(self, show: Callable[[bool], None]) -> "Op":
        """`show(True)` while the op waits for its answer, `show(False)` after."""
        self._busy = show
        return self

    def announce(self, change_of: Callable) -> "Op":
        """`change_of(result)` -> the `Change` told to every view after success."""
        self._announce = change_of
        return self

    def translate(self, what_to_say: Callable[[BaseException], BaseException]) -> "Op":
        """`what_to_say(exc)` -> the failure to report instead (before `failure`)."""
        self._translate = what_to_say
        return self

    def run(self) -> "Op":
        self.session.pipeline.change(self)
        return self

    # --- the pipeline's side ---
    def start(self) -> bool:
        if self._prepare is not None and not self._prepare():
            return False
        if not self.session.online:
            self._failed(Offline(), finish=False)
            return False
        if self._busy is not None:
            self._busy(True)
        user, session = self.session.user, self.session

        def work():
            result = self._work(user)
            return result, session.own_mark()  # read on the connection that committed

        self.session.pipeline.worker.submit(work, self._done, self._failed,  # always answered
                                            name=self.name or job_name(self._work))
        return True

    def _settle(self) -> None:
        if self._busy is not None:
            try:
                self._busy(False)
            except RuntimeError:  # the widget went away meanwhile
                pass

    def _done(self, answer) -> None:
        result, mark = answer
        self._settle()
        try:
            self.session.remember_own(mark)
            for callback in self._success:
                # Each on its own: a view's callback that fails (its widget
                # closed meanwhile, a bug) must not keep the undo step from
                # being pushed or the other views from hearing of the change.
                _call(callback, result)
            if self._announce is not None:
                self.session.did_execute.emit(self._announce(result))
        finally:
            self.session.pipeline.finished(self)

    def _failed(self, exc: BaseException, finish: bool = True) -> None:
        self._settle()
        try:
            if isinstance(exc, DatabaseUnavailable) and not isinstance(exc, Offline):
                self.session.connection_lost()
            if self._translate is not None:
                exc = self._translate(exc)
            if self._failure is not None:
                self._failure(exc)
            else:
                show_failure(self.parent, exc)
        finally:
            if finish:
                self.session.pipeline.finished(self)


def _call(callback: Callable, value) -> None:
    try:
        callback(value)
    except RuntimeError as exc:
        if "already deleted" not in str(exc):
            raise
        log.debug("an answer came for a widget closed meanwhile: %s", exc)


def show_failure(parent: QWidget | None, exc: BaseException) -> None:
    """The one handler: a refusal in the nearest inline message
    (`show_refusal`), else in a dialog; anything else logged and said."""
    from .errors import show_error
    widget = parent
    if isinstance(exc, BookingError):
        while widget is not None:
            sink = getattr(widget, "show_refusal", None)
            if sink is not None:
                sink(exc)
                return
            widget = widget.parentWidget()
    if QApplication.instance() is not None:
        show_error(parent, exc)  # describe() logs what is not a refusal


class RefreshesWhenShown:
    """A view mixin (before QWidget in the bases): `refresh_or_mark()`
    reloads now when the view is shown, else marks it stale and reloads when
    it is next shown (Anki: deckbrowser's `op_executed` and `refresh_if_needed`)."""

    _stale = False

    def refresh_or_mark(self) -> None:
        if self.isVisible():
            self._stale = False
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()


def with_row(session, outcome, booking_id: int, then: Callable) -> None:
    """`then(row)` with the booking as `outcome` left it: from the rows the
    operation returned, else read (one query, on the worker)."""
    row = next((r for r in getattr(outcome, "rows", ()) if r.id == booking_id), None)
    if row is not None:
        then(row)
        return
    session.pipeline.read(("row", booking_id), lambda: desk.booking_row(booking_id), then)
