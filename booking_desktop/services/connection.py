"""Looking at a database before a desk uses it: reachable, the right user
and password, a Booking Desktop database, a schema this version can use.
The checks live in the data layer (`db.probe`); the window calls them here."""
from ..db import PROBE_TIMEOUT_S, Probe, probe


def probe_database(url: str, timeout: float = PROBE_TIMEOUT_S) -> Probe:
    """What the database at `url` is, without changing anything in it (see
    `db.probe`): a Probe whose state is "ready", "upgrade" or "empty".
    Raises InvalidInput, DatabaseUnavailable (server not found or not
    answering within `timeout` seconds) or DatabaseNotUsable (wrong user or
    password, no such database, another program's, a newer schema), each
    saying so in words."""
    return probe(url, timeout)


__all__ = ["probe_database", "Probe", "PROBE_TIMEOUT_S"]
