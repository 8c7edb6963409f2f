"""The index behind the reports' confirmation rate: a booking's audit events
(created pending, confirmed, checked in) are found by entity and id instead of
scanning the whole log."""


def up(migrator, db):
    db.execute_sql("CREATE INDEX audit_event_entity ON audit_event (entity, entity_id)")


def down(migrator, db):
    db.execute_sql("DROP INDEX audit_event_entity")
