"""PostgreSQL chains an audit event itself when it is inserted with the
marker hash '' (booking_desktop.audit_chain.CHAINED_BY_DATABASE): a BEFORE
INSERT trigger takes the chain's lock (audit_event_chain_head(), 0011), gives
the event the next id and the newest event's hash as `prev_hash`, and
computes `hash` exactly as audit_chain.event_hash does in Python. So a
mutation writes its audit event in the statement that makes the change (the
walk-in's one statement) or in one INSERT, with no round trip to fetch the
chain's head first.

`audit_json_string(text)` is Python's `json.dumps(text)` (ensure_ascii):
PostgreSQL's own JSON escaping (\\" \\\\ \\b \\f \\n \\r \\t, other control
characters as \\u00xx) and then every character beyond printable ASCII (DEL
and everything above) as \\uxxxx, lowercase, with a surrogate pair above
U+FFFF. `audit_event_hash(...)` is event_hash. An INSERT with any other hash
(NULL included: a raw insert that bypasses the chain stays visible as one,
and a restore keeps the hashes it brings) is left as it is.

SQLite has no SHA-256 in SQL; it keeps chaining in Python (nothing to do).
"""
from peewee import PostgresqlDatabase

# PL/pgSQL, not SQL functions: their plans are kept for the session, where
# an SQL function called from a trigger is planned again at every call.
_JSON_STRING = r"""
CREATE FUNCTION audit_json_string(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    j text := to_json(value)::text;
BEGIN
    IF j !~ '[^ -~]' THEN
        RETURN j;  -- printable ASCII: PostgreSQL's escaping is Python's
    END IF;
    RETURN (SELECT string_agg(
                CASE WHEN code < 127 THEN c
                     WHEN code < 65536 THEN '\u' || lpad(to_hex(code), 4, '0')
                     ELSE '\u' || to_hex(55296 + ((code - 65536) >> 10))
                          || '\u' || to_hex(56320 + ((code - 65536) & 1023)) END,
                '' ORDER BY n)
            FROM unnest(string_to_array(j, NULL)) WITH ORDINALITY AS t(c, n),
                 LATERAL (SELECT ascii(c) AS code) AS x);
END $$"""

_EVENT_HASH = """
CREATE FUNCTION audit_event_hash(event_id bigint, at timestamp, user_id bigint, action text,
                                 entity text, entity_id bigint, details text, prev_hash text)
RETURNS varchar LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN encode(sha256(convert_to(
        '[' || event_id::text
        || ',' || audit_json_string(to_char(at, 'YYYY-MM-DD HH24:MI:SS.US'))
        || ',' || COALESCE(user_id::text, 'null')
        || ',' || COALESCE(audit_json_string(action), 'null')
        || ',' || COALESCE(audit_json_string(entity), 'null')
        || ',' || COALESCE(entity_id::text, 'null')
        || ',' || COALESCE(audit_json_string(details), 'null')
        || ',' || COALESCE(audit_json_string(prev_hash), 'null') || ']', 'UTF8')), 'hex');
END $$"""

_CHAIN = """
CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head record;
BEGIN
    -- Takes the lock held until commit, then reads the newest event in a new
    -- statement (a new snapshot): events chain in commit order, and the id is
    -- drawn under the lock, so id order is chain order.
    SELECT * INTO head FROM audit_event_chain_head();
    NEW.id := head.next_id;
    NEW.prev_hash := head.prev_hash;
    NEW.hash := audit_event_hash(NEW.id, NEW.at, NEW.user_id, NEW.action, NEW.entity,
                                 NEW.entity_id, NEW.details, NEW.prev_hash);
    RETURN NEW;
END $$"""

_TRIGGER = ("CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event FOR EACH ROW "
            "WHEN (NEW.hash = '') EXECUTE FUNCTION audit_event_chain()")


def up(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    for statement in (_JSON_STRING, _EVENT_HASH, _CHAIN, _TRIGGER):
        db.execute_sql(statement)


def down(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql("DROP TRIGGER audit_event_chain ON audit_event")
    db.execute_sql("DROP FUNCTION audit_event_chain()")
    db.execute_sql("DROP FUNCTION audit_event_hash(bigint, timestamp, bigint, text, text, "
                   "bigint, text, text)")
    db.execute_sql("DROP FUNCTION audit_json_string(text)")
