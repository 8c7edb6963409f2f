"""Writing a file so that readers only ever see a complete one."""
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..errors import QT_TRANSLATE_NOOP, InvalidInput


@contextmanager
def atomic_file(path, mode: str | None = "w", what: str = QT_TRANSLATE_NOOP("errors", "export"),
                **kwargs):
    """A temporary file next to `path` (created with O_EXCL and mode 0600, so
    no other user reads it and no planted link is followed), flushed to disk
    and renamed to `path` when the block ends without an exception, removed
    otherwise. `mode=None` yields the temporary path for a writer that opens
    it itself. Errors are InvalidInput naming the `what` and the path."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Cannot write the {what} to {path}: it is a "
                                                       "folder."),
                           params={"what": what, "path": str(path)})
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Cannot write the {what} to {path}: {why}."),
                           params={"what": what, "path": str(path),
                                   "why": exc.strerror or str(exc)}) from None
    os.close(fd)
    try:
        if mode is None:
            yield temp
        else:
            with open(temp, mode, **kwargs) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Cannot write the {what} to {path}: {why}."),
                           params={"what": what, "path": str(path),
                                   "why": exc.strerror or str(exc)}) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


__all__ = [
    "atomic_file",
]
