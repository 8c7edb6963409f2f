"""Customers' data rights (issue 12, phase 2).

1. `business.erase_customers_after_months`: customers with no booking for
   that many months are erased by `main.py maintain`; NULL (every business
   now) keeps them.
2. The audit events written before customers existed (booking.create, before
   0017_customers) carry the booked name in their details (`customer_name`). An
   erased customer's name must not stay in the append-only log, so these
   details are rewritten once, here: the name goes, the booking's customer
   id takes its place (`customer`), as booking.create has written since
   0017. The details are part of each event's hash, so the chain is worked
   out again from the first event rewritten on (audit_chain.rewrite_details),
   with the append-only triggers off for this one transaction. This is a
   rewrite of already-chained history: a hash of the log noted elsewhere
   before this migration no longer matches; the chain itself verifies.
   `down` keeps the column's removal only: the names do not come back.
"""
from peewee import PostgresqlDatabase

from booking_desktop.audit_chain import rewrite_details, without_personal_data


def _without_personal_data(db) -> dict[int, str]:
    """event id -> its details without the person's name, with the customer id."""
    changed = {}
    rows = db.execute_sql(
        "SELECT e.id, e.details, b.customer_id FROM audit_event e "
        "LEFT JOIN booking b ON e.entity = 'booking' AND b.id = e.entity_id "
        f"WHERE e.details LIKE {db.param} ORDER BY e.id", ("%customer%",)).fetchall()
    for event_id, text, customer in rows:
        details = without_personal_data(text, customer)
        if details is not None:
            changed[event_id] = details
    return changed


def up(migrator, db):
    db.execute_sql("ALTER TABLE business ADD COLUMN erase_customers_after_months INTEGER")
    changed = _without_personal_data(db)
    if not changed:
        return
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        rewrite_details(db, changed)
        db.execute_sql("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
    else:
        [trigger] = db.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                                   "name = 'audit_event_no_update'").fetchone()
        db.execute_sql("DROP TRIGGER audit_event_no_update")
        rewrite_details(db, changed)
        db.execute_sql(trigger)


def down(migrator, db):
    db.execute_sql("ALTER TABLE business DROP COLUMN erase_customers_after_months")
