"""Why a slot is blocked ("staff meeting"), shown in the calendar's day view.

Plain ALTER TABLE on both backends (SQLite ≥ 3.35 drops columns in place);
the column is in no index or constraint, so it can be dropped again.
"""


def up(migrator, db):
    db.execute_sql("ALTER TABLE time_slot ADD COLUMN block_reason VARCHAR(500) "
                   "NOT NULL DEFAULT ''")


def down(migrator, db):
    db.execute_sql("ALTER TABLE time_slot DROP COLUMN block_reason")
