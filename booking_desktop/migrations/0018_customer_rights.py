"""Customers' data rights (issue 12, phase 2).

1. `business.erase_customers_after_months`: customers with no booking for
   that many months are erased by `main.py maintain`; NULL (every business
   now) keeps them.
2. The audit events written before customers existed (booking.create, before
   0017_customers) name the booked person in their details. An erased
   customer's name must not stay in the log, and the running program never
   changes an audit event, so they are rewritten once, here: the name goes,
   the booking's customer id takes its place, the log is chained again from
   the first event rewritten on, and one `audit.redact` event appended to
   it records the rewrite (the previous head's id and hash, how many events
   were redacted and chained again). See booking_desktop.audit_redaction.

`down` removes the column only. The rewrite cannot be undone: the names are
gone from the database (that is its purpose), and the `audit.redact` event
stays, like every audit event: the events keep their redacted details and
their new hashes, and the chain holds as it does after `up`.
"""
from booking_desktop.audit_redaction import redact_database

NAME = "0018_customer_rights"


def up(migrator, db):
    db.execute_sql("ALTER TABLE business ADD COLUMN erase_customers_after_months INTEGER")
    redact_database(db, by=NAME)


def down(migrator, db):
    db.execute_sql("ALTER TABLE business DROP COLUMN erase_customers_after_months")
