"""A private PostgreSQL cluster for the tests that stop and start the server
in the middle of a session (issue 9, "Losing the server"). The shared server
on 5432 is never touched: `initdb` makes a cluster in a temporary folder, it
listens on a free port of 127.0.0.1 only (and on a socket in that folder),
with trust authentication, and is stopped and removed at the end of the
test session.

PostgreSQL refuses to run as root, so under root (as in CI) `initdb`,
`pg_ctl` and the server run as the `postgres` account (`runuser -u postgres`)
in a folder that account owns. When the cluster cannot be made (no
PostgreSQL binaries, no `postgres` account, not allowed to switch to it, the
server does not start) the tests that need it skip and say why.

Fixtures (registered in tests/conftest.py):
- `pg_cluster` (session): the running `PrivateCluster`, made once.
- `cluster_db_url`: a fresh database on it for one test, as a URL; the server
  is running when the test starts whatever the test before did, and the
  database is dropped afterwards.

The cluster also names a synchronous standby that never comes
(`synchronous_standby_names`) while commits, by default, wait for none
(`synchronous_commit = local`). A transaction that sets `synchronous_commit
= on` therefore commits and then waits for ever before it answers: a
connection ended in that wait had its change saved but never heard so (see
`AnswerTrap`).
"""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest



def _server_binaries() -> Path:
    """BOOKING_TEST_PG_BIN, else PostgreSQL 15's folder on Debian/Ubuntu, else
    the newest installed version's."""
    if "BOOKING_TEST_PG_BIN" in os.environ:
        return Path(os.environ["BOOKING_TEST_PG_BIN"])
    preferred = Path("/usr/lib/postgresql/15/bin")
    if (preferred / "initdb").exists():
        return preferred
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else preferred


PG_BIN = _server_binaries()
SERVER_USER = "postgres"
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",                  # a throwaway cluster: nothing to keep after a crash
    "full_page_writes": "off",
    "synchronous_commit": "local",
    "synchronous_standby_names": "'standby_that_never_comes'",
    "max_connections": "50",
    "shared_buffers": "16MB",
    "logging_collector": "off",
}


class ClusterUnavailable(Exception):
    """Why no private cluster could be made here (the tests skip with it)."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateCluster:
    """A PostgreSQL cluster of our own; `stop()` and `start()` it at will."""

    def __init__(self, root: Path, run_as: list[str]):
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self.run_as = run_as
        self.port = 0

    # -- making and removing ------------------------------------------------

    @classmethod
    def make(cls) -> "PrivateCluster":
        """initdb and start; ClusterUnavailable says why when it cannot be."""
        initdb, pg_ctl = PG_BIN / "initdb", PG_BIN / "pg_ctl"
        if not (initdb.exists() and pg_ctl.exists()):
            raise ClusterUnavailable(f"no PostgreSQL server binaries in {PG_BIN} "
                                     "(set BOOKING_TEST_PG_BIN to their folder)")
        run_as: list[str] = []
        owner = None
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            try:
                owner = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise ClusterUnavailable(f"running as root and there is no {SERVER_USER!r} "
                                         "account to run the server as") from None
            runuser = shutil.which("runuser")
            if runuser is None:
                raise ClusterUnavailable("running as root and there is no runuser to run the "
                                         f"server as {SERVER_USER!r}")
            run_as = [runuser, "-u", SERVER_USER, "--"]
        root = Path(tempfile.mkdtemp(prefix="booking-pg-"))
        cluster = cls(root, run_as)
        try:
            if owner is not None:
                os.chown(root, owner.pw_uid, owner.pw_gid)
            cluster._run(str(initdb), "-D", str(cluster.data), "-A", "trust", "-U", "postgres",
                         "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions")
            cluster._start_on_a_free_port()
        except BaseException:
            cluster.remove()
            raise
        return cluster

    def _start_on_a_free_port(self) -> None:
        for _ in range(3):  # a port found free may be taken before the server binds it
            self.port = _free_port()
            settings = {**SETTINGS, "port": str(self.port),
                        "unix_socket_directories": f"'{self.root}'"}
            with open(self.data / "postgresql.auto.conf", "w") as conf:
                conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
            try:
                self.start()
                return
            except ClusterUnavailable:
                continue
        raise ClusterUnavailable(f"the private server did not start; its log:\n{self.log_tail()}")

    def remove(self) -> None:
        """Stop the server (if running) and remove the folder."""
        if (self.data / "postmaster.pid").exists():
            try:
                self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                          "-w", "-t", "30", "stop")
            except ClusterUnavailable:
                pass
        shutil.rmtree(self.root, ignore_errors=True)

    # -- using ---------------------------------------------------------------

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        """The server goes away as an administrator's `pg_ctl stop -m fast`
        does it: every session is ended, open transactions rolled back."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "30",
                  "stop")

    def start(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
                  "-t", "30", "start")

    @property
    def running(self) -> bool:
        result = subprocess.run([*self.run_as, str(PG_BIN / "pg_ctl"), "-D", str(self.data),
                                 "status"], capture_output=True)
        return result.returncode == 0

    def admin(self, dbname: str = "postgres"):
        """A psycopg connection of the test's own (autocommit), not the app's."""
        import psycopg
        return psycopg.connect(self.url(dbname), autocommit=True, connect_timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _run(self, *argv: str) -> None:
        try:
            result = subprocess.run([*self.run_as, *argv], capture_output=True, text=True,
                                    timeout=60, cwd=self.root)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ClusterUnavailable(f"{Path(argv[0]).name} failed: {exc}") from exc
        if result.returncode != 0:
            raise ClusterUnavailable(f"{Path(argv[0]).name} failed ({result.returncode}): "
                                     f"{(result.stderr or result.stdout).strip()}")


class AnswerTrap:
    """Makes the next commit of a change to a booking or a time slot lose its
    answer, as a connection dropped at commit does; the trap is a trigger in
    the test's database, so the application runs unchanged.

    `arm("after")`: the commit is saved, then waits for the standby that
    never comes; `arm("before")`: the commit waits (in a deferred trigger)
    before anything is saved. Either way a thread of the test sees the
    application's server process waiting in its COMMIT and ends it with
    `pg_terminate_backend`: the application hears only that the connection
    was lost. `terminated` tells whether it happened."""

    def __init__(self, cluster: PrivateCluster, dbname: str):
        self.cluster, self.dbname = cluster, dbname
        self.terminated = threading.Event()
        self._thread = None
        with cluster.admin(dbname) as conn:
            conn.execute("""
                CREATE TABLE IF NOT EXISTS public.answer_trap (mode text);
                INSERT INTO public.answer_trap SELECT NULL
                    WHERE NOT EXISTS (SELECT 1 FROM public.answer_trap);
                CREATE OR REPLACE FUNCTION public.answer_trap() RETURNS trigger
                LANGUAGE plpgsql AS $$
                DECLARE armed text := (SELECT mode FROM public.answer_trap);
                BEGIN
                    IF armed = 'after' THEN
                        PERFORM set_config('synchronous_commit', 'on', true);
                    ELSIF armed = 'before' THEN
                        PERFORM pg_sleep(60);
                    END IF;
                    RETURN NULL;
                END $$;
                DROP TRIGGER IF EXISTS answer_trap ON public.booking;
                CREATE CONSTRAINT TRIGGER answer_trap AFTER INSERT OR UPDATE ON public.booking
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                    EXECUTE FUNCTION public.answer_trap();
                DROP TRIGGER IF EXISTS answer_trap ON public.time_slot;
                CREATE CONSTRAINT TRIGGER answer_trap AFTER UPDATE ON public.time_slot
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                    EXECUTE FUNCTION public.answer_trap();
            """)

    def arm(self, mode: str) -> None:
        assert mode in ("after", "before")
        self.terminated.clear()
        with self.cluster.admin(self.dbname) as conn:
            conn.execute("UPDATE public.answer_trap SET mode = %s", (mode,))
        self._thread = threading.Thread(target=self._end_the_waiting_commit, daemon=True)
        self._thread.start()

    def _end_the_waiting_commit(self, timeout: float = 20) -> None:
        waits = ("SyncRep", "PgSleep")
        deadline = time.monotonic() + timeout
        with self.cluster.admin(self.dbname) as conn:
            while time.monotonic() < deadline:
                row = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event = ANY(%s) AND pid <> pg_backend_pid()", (list(waits),)
                ).fetchone()
                if row is not None:
                    conn.execute("UPDATE public.answer_trap SET mode = NULL")  # once only
                    conn.execute("SELECT pg_terminate_backend(%s)", (row[0],))
                    self.terminated.set()
                    return
                time.sleep(0.02)
            conn.execute("UPDATE public.answer_trap SET mode = NULL")

    def join(self, timeout: float = 30) -> None:
        if self._thread is not None:
            self._thread.join(timeout)


@pytest.fixture(scope="session")
def pg_cluster():
    try:
        cluster = PrivateCluster.make()
    except ClusterUnavailable as exc:
        pytest.skip(f"cannot make a private PostgreSQL cluster: {exc}")
    try:
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def cluster_db_url(pg_cluster):
    """A fresh, empty database on the private cluster (not yet migrated)."""
    from booking_desktop import db

    if not pg_cluster.running:
        pg_cluster.start()  # a test that failed part-way may have left it stopped
    name = f"t_{uuid.uuid4().hex[:12]}"
    with pg_cluster.admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_cluster.url(name)
    finally:
        db.close()
        if not pg_cluster.running:
            pg_cluster.start()
        with pg_cluster.admin() as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
