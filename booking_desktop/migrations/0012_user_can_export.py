"""Customers' contact details leave the database in bulk (exports, reports)
only for owners and for the staff accounts an owner has allowed to export:
`user.can_export`, false for every existing and new account.
"""
from peewee import PostgresqlDatabase


def up(migrator, db):
    false = "FALSE" if isinstance(db, PostgresqlDatabase) else "0"
    db.execute_sql(f'ALTER TABLE "user" ADD COLUMN can_export BOOLEAN NOT NULL DEFAULT {false}')


def down(migrator, db):
    db.execute_sql('ALTER TABLE "user" DROP COLUMN can_export')
