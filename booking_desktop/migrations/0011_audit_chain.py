"""Chain the audit log: each event stores the hash of the event before it
(`prev_hash`) and of its own content (`hash`, see booking_desktop.audit_chain),
so an event changed, removed or inserted afterwards shows, even by someone who
could switch the append-only triggers off. The events already there are
chained in id order.

The append-only triggers let one UPDATE through: giving an event that has no
hash yet (one restored from a backup made before this migration) its hash,
with nothing else changed. On PostgreSQL, `audit_event_chain_head()` takes a
transaction lock before reading the newest event's hash, so events chain in
commit order however many desks write.
"""
from peewee import PostgresqlDatabase

from booking_desktop.audit_chain import fill_missing_hashes

_MESSAGE = "audit events are append-only"
_CONTENT = ("id", "at", "user_id", "action", "entity", "entity_id", "details")

_PG_APPEND_ONLY = (
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN {allow}"
    f"RAISE EXCEPTION '{_MESSAGE}'; END $$")
_PG_ALLOW_HASHING = (
    "IF TG_OP = 'UPDATE' THEN "
    "IF OLD.hash IS NULL AND ({new}) IS NOT DISTINCT FROM ({old}) THEN RETURN NEW; END IF; "
    "END IF; ").format(new=", ".join(f"NEW.{c}" for c in _CONTENT),
                       old=", ".join(f"OLD.{c}" for c in _CONTENT))

_PG_CHAIN_HEAD = """
CREATE FUNCTION audit_event_chain_head(OUT next_id bigint, OUT prev_hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    -- Held until commit: the next writer waits here, then (in a new statement,
    -- so with a new snapshot) reads the event this transaction wrote.
    PERFORM pg_advisory_xact_lock('audit_event'::regclass::oid::bigint);
    SELECT e.hash INTO prev_hash FROM audit_event e ORDER BY e.id DESC LIMIT 1;
    next_id := nextval(pg_get_serial_sequence('audit_event', 'id'));
END $$"""

_SQLITE_NO_UPDATE = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event {when}"
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END")
_SQLITE_UNLESS_HASHING = "WHEN OLD.hash IS NOT NULL OR {} ".format(
    " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _CONTENT))


def up(migrator, db):
    for column in ("prev_hash", "hash"):
        db.execute_sql(f"ALTER TABLE audit_event ADD COLUMN {column} VARCHAR(64)")
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(_PG_APPEND_ONLY.format(allow=_PG_ALLOW_HASHING))
        db.execute_sql(_PG_CHAIN_HEAD)
    else:
        db.execute_sql("DROP TRIGGER audit_event_no_update")
        db.execute_sql(_SQLITE_NO_UPDATE.format(when=_SQLITE_UNLESS_HASHING))
    fill_missing_hashes(db)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP FUNCTION audit_event_chain_head()")
        db.execute_sql(_PG_APPEND_ONLY.format(allow=""))
    else:
        db.execute_sql("DROP TRIGGER audit_event_no_update")
        db.execute_sql(_SQLITE_NO_UPDATE.format(when=""))
    for column in ("hash", "prev_hash"):
        db.execute_sql(f"ALTER TABLE audit_event DROP COLUMN {column}")
