"""Hearing about other desks' changes as they commit.

PostgreSQL: migration 0013 makes every change send a NOTIFY on
`booking_desktop:<schema>` at commit; a `ChangeListener` is one dedicated
connection that LISTENs there. Its `fileno()` can be watched (the window
uses a QSocketNotifier), and `take()` reads what arrived without waiting.
Notifications sent while the listener was disconnected are lost: after a
reconnect the window refreshes everything. SQLite has no such thing; a desk
there polls `desk.change_token()`.
"""
import psycopg
from psycopg import sql

from .. import models
from ..db import is_postgres
from ..errors import DatabaseUnavailable

CHANNEL_PREFIX = "booking_desktop:"


class ChangeListener:
    def __init__(self) -> None:
        db = models.database.obj
        params = {k: v for k, v in db.connect_params.items()
                  if k in ("connect_timeout", "application_name")}
        try:
            self.conn = psycopg.connect(db.database, autocommit=True, **params)
            schema = self.conn.execute("SELECT current_schema()").fetchone()[0]
            self.conn.execute(sql.SQL("LISTEN {}").format(
                sql.Identifier(CHANNEL_PREFIX + schema)))
        except psycopg.Error as exc:
            raise DatabaseUnavailable(
                "Cannot listen for other desks' changes (the database is out of reach).") from exc

    def fileno(self) -> int:
        return self.conn.fileno()

    def take(self) -> list[int]:
        """The server process ids of the changes that arrived (one entry a
        committed change), without waiting. DatabaseUnavailable when the
        connection is gone."""
        try:
            return [note.pid for note in self.conn.notifies(timeout=0)]
        except psycopg.Error as exc:
            raise DatabaseUnavailable() from exc

    def close(self) -> None:
        try:
            self.conn.close()
        except psycopg.Error:
            pass


def listen_for_changes() -> ChangeListener | None:
    """A listener on PostgreSQL; None on SQLite (poll the change token there)."""
    return ChangeListener() if is_postgres() else None


def own_connection_id() -> int | None:
    """The server process id of this thread's connection (PostgreSQL), so a
    desk can tell its own changes from other desks' among the notifications."""
    if not is_postgres() or models.database.is_closed():
        return None
    return models.database.connection().info.backend_pid


__all__ = ["ChangeListener", "listen_for_changes", "own_connection_id", "CHANNEL_PREFIX"]
