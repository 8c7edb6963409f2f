"""Customers (issue 12): a `customer` table, `booking.customer_id`, customers
made from the bookings already there, and search by any fragment of a
customer's name, email or phone.

- A customer belongs to one business (bookings do too): a business's
  customers, notes and history are its own. The database keeps a booking's
  customer in the booking's business: a composite foreign key on
  PostgreSQL, triggers on SQLite (which cannot add a foreign key to an
  existing table, nor drop a column that has one: `down` must work).
- Existing bookings get customers as booking_desktop.customer_links says:
  the same email key or the same phone digits, transitively, are one
  customer; a name alone never is.
- A booking's name keys become accent-free (booking_desktop.keys.folded:
  "Ünal" is found by "unal"); only names beyond ASCII change.
- Search by fragment: a customer's `search_text` (every name and email of
  the record and of its bookings, folded, one a line) and `search_phones`
  (every phone's digits), indexed by SQLite FTS5 with the trigram
  tokenizer (an external-content table kept by triggers) or, on
  PostgreSQL, one GIN index over the business (btree_gin) and the text
  (pg_trgm). The extensions are created in `public` (a schema's own copy
  would go with the schema) and their operator classes named with their
  schema.

On PostgreSQL, filling `booking.customer_id` rewrites every booking. Kept
up to date one row at a time, its fifteen indexes would make that minutes
at 500,000 bookings; they are dropped for the UPDATE and built again (as
they were, from pg_get_indexdef), which takes seconds.
"""
from peewee import (
    BooleanField,
    CharField,
    Check,
    DateTimeField,
    ForeignKeyField,
    Model,
    PostgresqlDatabase,
    SQL,
    TextField,
)

from booking_desktop.customer_links import BOOKING_COLUMNS, insert_customers, load_links, plan
from booking_desktop.errors import DatabaseNotUsable
from booking_desktop.keys import name_keys

# Rewriting fewer bookings than this keeps the indexes (small databases, tests).
_REBUILD_INDEXES_FROM = 20_000
_KEYS = ("name_key", "surname_key", "email_key", "phone_key")
_SEARCHED = ("search_text", "search_phones")
_MESSAGE_BUSINESS = "a booking and its customer belong to the same business"
_MESSAGE_IN_USE = "a customer who has bookings cannot be removed"


def _model(db):
    class Business(Model):
        class Meta:
            database = db
            table_name = "business"

    class Customer(Model):
        business = ForeignKeyField(Business, column_name="business_id", index=False)
        name = CharField(max_length=200, constraints=[Check("length(name) > 0")])
        email = CharField(max_length=254, null=True)
        phone = CharField(max_length=40, null=True)
        name_key = CharField(max_length=200)
        surname_key = CharField(max_length=200)
        email_key = CharField(max_length=254, null=True)
        phone_key = CharField(max_length=40, null=True)
        notes = TextField(default="", constraints=[SQL("DEFAULT ''")])
        contact_ok = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
        created_at = DateTimeField()
        updated_at = DateTimeField()
        search_text = TextField(default="", constraints=[SQL("DEFAULT ''")])
        search_phones = TextField(default="", constraints=[SQL("DEFAULT ''")])

        class Meta:
            database = db
            table_name = "customer"

    return Customer


def _postgres(db) -> bool:
    return isinstance(db, PostgresqlDatabase)


# --- the search index --------------------------------------------------------

def _extension_schema(db, name: str) -> str:
    """The schema holding the extension `name` (pg_trgm, btree_gin),
    creating it in `public` if it is not there yet. DatabaseNotUsable when
    that cannot be done."""
    def installed():
        row = db.execute_sql("SELECT extnamespace::regnamespace::text FROM pg_extension "
                             "WHERE extname = %s", (name,)).fetchone()
        return row[0] if row else None

    schema = installed()
    if schema is not None:
        return schema
    try:
        with db.atomic():  # a savepoint: another desk may create it at the same moment
            db.execute_sql(f"CREATE EXTENSION IF NOT EXISTS {name} SCHEMA public")
    except Exception as exc:
        schema = installed()
        if schema is not None:
            return schema
        raise DatabaseNotUsable(
            f"Searching customers by any part of their name needs PostgreSQL's {name} "
            "extension, which this server could not give "
            f"({str(exc).splitlines()[0]}). Install it (Debian/Ubuntu: the postgresql-contrib "
            "package) or ask the server's administrator to run "
            f"CREATE EXTENSION {name} SCHEMA public; in the database {db.database!r}, then "
            "open this database again.", reason="extension_missing") from exc
    return installed()


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _create_search(db) -> None:
    if _postgres(db):
        # One GIN index over the business (btree_gin) and the text (pg_trgm):
        # one business's customers containing a fragment are the intersection
        # of their lists inside the index, not a scan of every business's
        # matches (or of every customer of the business).
        trigram, btree = (_quoted(_extension_schema(db, name)) for name in ("pg_trgm",
                                                                            "btree_gin"))
        columns = ", ".join(f"{c} {trigram}.gin_trgm_ops" for c in _SEARCHED)
        db.execute_sql("CREATE INDEX customer_search ON customer USING gin "
                       f"(business_id {btree}.int4_ops, {columns})")
        return
    columns = ", ".join(_SEARCHED)
    try:
        db.execute_sql(f"CREATE VIRTUAL TABLE customer_search USING fts5({columns}, "
                       "content='customer', content_rowid='id', tokenize='trigram', columnsize=0)")
    except Exception as exc:
        if "trigram" in str(exc):
            raise DatabaseNotUsable(
                "Searching customers by any part of their name needs SQLite 3.34 or newer "
                "(its FTS5 trigram tokenizer); this Python has SQLite "
                f"{db.execute_sql('SELECT sqlite_version()').fetchone()[0]}.",
                reason="extension_missing") from exc
        raise
    db.execute_sql("INSERT INTO customer_search (customer_search) VALUES ('rebuild')")
    new = ", ".join(f"new.{c}" for c in _SEARCHED)
    old = ", ".join(f"old.{c}" for c in _SEARCHED)
    forget = (f"INSERT INTO customer_search (customer_search, rowid, {columns}) "
              f"VALUES ('delete', old.id, {old});")
    learn = f"INSERT INTO customer_search (rowid, {columns}) VALUES (new.id, {new});"
    for name, event, body in (("insert", "AFTER INSERT", learn),
                              ("delete", "AFTER DELETE", forget),
                              ("update", f"AFTER UPDATE OF {columns}", forget + " " + learn)):
        db.execute_sql(f"CREATE TRIGGER customer_search_{name} {event} ON customer "
                       f"BEGIN {body} END")


# --- a booking's customer belongs to its business -----------------------------

def _create_rules(db) -> None:
    if _postgres(db):
        db.execute_sql("ALTER TABLE booking ADD CONSTRAINT booking_customer_same_business "
                       "FOREIGN KEY (customer_id, business_id) "
                       "REFERENCES customer (id, business_id)")
        return
    customer_business = "(SELECT business_id FROM customer WHERE id = NEW.customer_id)"
    for when, event in (("insert", "INSERT"), ("update", "UPDATE OF customer_id, business_id")):
        db.execute_sql(
            f"CREATE TRIGGER booking_customer_{when} BEFORE {event} ON booking "
            f"WHEN NEW.customer_id IS NOT NULL AND NEW.business_id IS NOT {customer_business} "
            f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE_BUSINESS}'); END")
    in_use = "EXISTS (SELECT 1 FROM booking WHERE customer_id = OLD.id)"
    db.execute_sql(f"CREATE TRIGGER customer_in_use_delete BEFORE DELETE ON customer "
                   f"WHEN {in_use} BEGIN SELECT RAISE(ABORT, '{_MESSAGE_IN_USE}'); END")
    db.execute_sql(f"CREATE TRIGGER customer_in_use_business BEFORE UPDATE OF id, business_id "
                   f"ON customer WHEN {in_use} BEGIN SELECT RAISE(ABORT, '{_MESSAGE_BUSINESS}'); "
                   "END")


# --- filling booking.customer_id (and the accent-free name keys) ---------------

def _booking_indexes(db) -> list[tuple[str, str]]:
    """PostgreSQL: the booking table's indexes that back no constraint, as
    (name, definition)."""
    return db.execute_sql(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = 'booking'::regclass AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname"
    ).fetchall()


def _rewrite_bookings(db, rows: list[tuple], columns: tuple[str, ...]) -> None:
    """Set `columns` of the bookings named by `rows` ((id, *values), a None
    value keeping the column as it is), in one UPDATE from a temporary table."""
    if not rows:
        return
    load_links(db, "booking_rewrite", rows, columns)
    postgres = _postgres(db)
    source = "booking_rewrite" if postgres else "temp.booking_rewrite"
    indexes = _booking_indexes(db) if postgres and len(rows) >= _REBUILD_INDEXES_FROM else []
    for name, _ in indexes:
        db.execute_sql(f'DROP INDEX "{name}"')
    assignments = ", ".join(f"{c} = COALESCE(r.{c}, booking.{c})" for c in columns)
    db.execute_sql(f"UPDATE booking SET {assignments} FROM {source} r "
                   "WHERE r.booking_id = booking.id")
    for _, definition in indexes:
        db.execute_sql(definition)
    db.execute_sql(f"DROP TABLE {source}")


def _old_name_keys(name: str) -> tuple[str, str]:
    """The name keys before this migration (case-folded, accents kept)."""
    full = " ".join(name.casefold().split())
    words = full.split(" ")
    return full, " ".join([words[-1], *words[:-1]]) if len(words) > 1 else full


def _changed_name_keys(db, keys) -> list[tuple]:
    """(id, name_key, surname_key) of the bookings whose name keys `keys`
    works out differently from what is stored (only names beyond ASCII)."""
    found = []
    for booking_id, name, name_key, surname_key in db.execute_sql(
            "SELECT id, customer_name, name_key, surname_key FROM booking ORDER BY id"):
        if name.isascii():
            continue
        right = keys(name)
        if right != (name_key, surname_key):
            found.append((booking_id, *right))
    return found


def up(migrator, db):
    postgres = _postgres(db)
    if postgres:
        # Sorting for the index builds (the trigram one above all) in memory.
        db.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")
    db.create_tables([_model(db)], safe=False)
    db.execute_sql("ALTER TABLE booking ADD COLUMN customer_id INTEGER")

    # Every booking with its name keys as they are now (accent-free, see above).
    bookings, renamed = [], {}
    for row in db.execute_sql(f"SELECT {', '.join(BOOKING_COLUMNS)} FROM booking ORDER BY id"):
        if not row[2].isascii():
            keys = name_keys(row[2])
            if keys != row[5:7]:
                renamed[row[0]] = keys
                row = (*row[:5], *keys, *row[7:])
        bookings.append(row)
    made = plan(bookings, 1)
    del bookings
    insert_customers(db, made.customers)
    if postgres:  # one pass: every row is written anyway
        _rewrite_bookings(db, [(b, c, *renamed.get(b, (None, None))) for b, c in made.links],
                          ("customer_id", "name_key", "surname_key"))
    else:  # SQLite rewrites only the indexes of the columns an UPDATE sets
        _rewrite_bookings(db, made.links, ("customer_id",))
        _rewrite_bookings(db, [(b, *keys) for b, keys in renamed.items()],
                          ("name_key", "surname_key"))
    del made

    # A key's range (prefix search, the walk-in's exact email or phone) with
    # the business in the index: one index serves one business and all.
    collate = ' COLLATE "C"' if postgres else ""
    for key in _KEYS:
        db.execute_sql(f"CREATE INDEX customer_{key} ON customer ({key}{collate}, business_id)")
    if postgres:
        db.execute_sql("CREATE UNIQUE INDEX customer_id_business ON customer (id, business_id)")
    else:
        # The fragment search of one business looks the text index's matches
        # up here (PostgreSQL has the business in its text index).
        db.execute_sql("CREATE INDEX customer_business ON customer (business_id, id)")
    db.execute_sql("CREATE INDEX booking_customer ON booking (customer_id)")
    _create_rules(db)
    _create_search(db)
    # Fresh statistics for the new table and column, where the planner keeps
    # them (an SQLite file has none until someone runs ANALYZE).
    if postgres:
        db.execute_sql("ANALYZE customer")
        db.execute_sql("ANALYZE booking")
    elif "sqlite_stat1" in db.get_tables():
        db.execute_sql("ANALYZE customer")


def down(migrator, db):
    postgres = _postgres(db)
    if postgres:
        db.execute_sql("ALTER TABLE booking DROP CONSTRAINT booking_customer_same_business")
    else:
        for trigger in ("booking_customer_insert", "booking_customer_update",
                        "customer_in_use_delete", "customer_in_use_business",
                        "customer_search_insert", "customer_search_delete",
                        "customer_search_update"):
            db.execute_sql(f"DROP TRIGGER {trigger}")
        db.execute_sql("DROP TABLE customer_search")
    db.execute_sql("DROP INDEX booking_customer")
    db.execute_sql("ALTER TABLE booking DROP COLUMN customer_id")
    db.drop_tables([_model(db)], safe=False)
    _rewrite_bookings(db, _changed_name_keys(db, _old_name_keys), ("name_key", "surname_key"))
