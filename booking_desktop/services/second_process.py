"""Part of a long export written by a second process into a file of its own,
which the export then appends to its own file.

Why a process and not a thread: the Python work of an export (the driver
turning values into Python objects, the csv module) holds the GIL, so a
second thread only takes turns with the first; and SQLite's own work does
not spread over threads either (measured: two threads each reading half of
the bench's year took as long as one; two processes took half as long).
A second interpreter has a GIL and a core of its own.

The second process only ever speeds an export up: if it cannot start, fails
or dies, `wait` says so (logged) and the caller writes that part itself. It
is started with "spawn" (a fresh interpreter, never a fork of a process that
runs Qt's threads), and stopped and its file removed by `close`, also when
the export is cancelled or fails. `main.py` calls
`multiprocessing.freeze_support()`, so it also starts from the packaged app.
"""
import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

_SPAWN = multiprocessing.get_context("spawn")
POLL_S = 0.05  # how often `wait` calls its `poll` (progress, cancel)
STOP_S = 5.0  # how long `close` waits for a stopped process to end


def cores() -> int:
    """The cores this process may run on (its affinity where the system
    tells it: a container's or `taskset`'s limit, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class SecondProcess:
    """`work(*args, path, progress)` run in a second process, writing into
    `path`, a new private file (mode 0600) in `folder`; `progress(done)`
    tells how many rows it has written so far (read here as `done`); it
    returns the number of rows written.

    Use as a context manager: leaving the block stops the process if it is
    still running and removes its file."""

    def __init__(self, work: Callable[..., int], args: tuple, folder: str | os.PathLike):
        fd, self.path = tempfile.mkstemp(prefix=".booking-export.", suffix=".part",
                                         dir=folder)
        os.close(fd)
        self._process = self._result = None
        self._done = None
        sender = None
        try:
            # Shared memory and a pipe may be refused too (no /dev/shm in a
            # sandbox, no file handles left): then there is no second process.
            self._done = _SPAWN.RawValue("q", 0)  # written by the child only
            self._result, sender = _SPAWN.Pipe(duplex=False)
            self._process = _SPAWN.Process(target=_run, args=(work, args, self.path,
                                                              self._done, sender),
                                           name="booking-export-part", daemon=True)
            self._process.start()
        except Exception:
            log.warning("could not start a second process for the export", exc_info=True)
            self._process = None
            Path(self.path).unlink(missing_ok=True)
        finally:
            if sender is not None:
                sender.close()  # the child holds its own end: EOF here once it is gone

    def __enter__(self) -> "SecondProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def done(self) -> int:
        """Rows the second process has written so far."""
        return self._done.value if self._done is not None else 0

    def wait(self, poll: Callable[[], None]) -> int | None:
        """The number of rows written, once the process has finished; None
        (and the reason logged) when it could not start, failed or died.
        Calls `poll()` every POLL_S seconds meanwhile; what `poll` raises
        stops the wait (and `close` the process)."""
        if self._process is None:
            return None
        poll()  # at least once: a cancel pressed meanwhile wins over a finished process
        while not self._result.poll(POLL_S):
            poll()
        try:
            outcome, value = self._result.recv()
        except (EOFError, OSError):
            self._process.join(STOP_S)
            log.warning("the export's second process ended without an answer (exit code %s)",
                        self._process.exitcode)
            return None
        if outcome != "done":
            log.warning("the export's second process failed: %s", value)
            return None
        return value

    def append_to(self, handle) -> None:
        """Append the process's file to `handle`, a text file opened for
        writing in the same encoding (its bytes are copied as they are)."""
        handle.flush()
        with open(self.path, "rb") as part:
            shutil.copyfileobj(part, handle.buffer, 1 << 20)

    def close(self) -> None:
        """Stop the process if it still runs and remove its file."""
        process, self._process = self._process, None
        try:
            if process is not None:
                if process.is_alive():
                    process.terminate()
                process.join(STOP_S)
                if process.is_alive():
                    process.kill()
                    process.join(STOP_S)
                if not process.is_alive():
                    process.close()
                else:
                    log.warning("the export's second process (pid %s) would not stop",
                                process.pid)
            if self._result is not None:
                self._result.close()
        finally:
            Path(self.path).unlink(missing_ok=True)


class _FirstProcessGone(Exception):
    """The process that started this one has ended: nobody will read its file."""


def _stopped(signum, frame) -> None:
    raise SystemExit(f"stopped (signal {signum})")


def _run(work, args, path, done, answer) -> None:
    """The second process: run `work` and send ("done", rows) or ("failed",
    what went wrong, as text: the exception itself may not pickle). It
    leaves no file behind when it fails, is stopped (terminate: SIGTERM) or
    finds the first process gone (checked at every progress report, so an
    app that was killed mid-export does not leave the rest written out)."""
    signal.signal(signal.SIGTERM, _stopped)
    first = multiprocessing.parent_process()

    def progress(rows: int) -> None:
        if first is not None and not first.is_alive():
            raise _FirstProcessGone()
        done.value = rows

    try:
        outcome = ("done", work(*args, path, progress))
    except BaseException as exc:  # sent to the first process, which logs it
        Path(path).unlink(missing_ok=True)
        outcome = ("failed", f"{type(exc).__name__}: {exc}")
    try:
        answer.send(outcome)
    except OSError:  # the first process is gone: nobody will append the file
        Path(path).unlink(missing_ok=True)
    finally:
        answer.close()


__all__ = ["SecondProcess", "cores"]
