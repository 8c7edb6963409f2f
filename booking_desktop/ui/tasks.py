"""Slow work off the GUI thread, through one small helper (as Anki's
taskman): a `Task` wraps `work(progress, cancelled)` and reports back with
signals; a runner starts it. `ThreadRunner` runs it on a worker thread,
`InlineRunner` at once on the caller's thread, for tests.

peewee connections belong to a thread: the worker opens its own on its
first query and closes it when the work ends (an SQLite file is fine from
another thread; a `:memory:` database is not visible there).
"""
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from .. import services

log = logging.getLogger(__name__)


class Task(QObject):
    """One piece of work. `progress(done, total)` and `finished(result)` or
    `failed(exception)` arrive on the GUI thread (queued signals)."""

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable, parent=None):
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()
        self.running = False

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        self.running = True
        try:
            result = self._work(progress=self.progress.emit, cancelled=self.is_cancelled)
        except BaseException as exc:  # handed to the window, which shows it
            self.running = False
            self.failed.emit(exc)
        else:
            self.running = False
            self.finished.emit(result)


class InlineRunner:
    """Runs the task at once on this thread (tests)."""

    def start(self, task: Task) -> None:
        task.run()


class ThreadRunner:
    """Runs each task on a thread of its own, with its own database connection."""

    def start(self, task: Task) -> threading.Thread:
        thread = threading.Thread(target=self._run, args=(task,), name="booking-task",
                                  daemon=True)
        thread.start()
        return thread

    @staticmethod
    def _run(task: Task) -> None:
        try:
            task.run()
        finally:
            try:
                services.release_connection()
            except Exception:
                log.debug("closing the worker's connection failed", exc_info=True)


DEFAULT_RUNNER = ThreadRunner()
