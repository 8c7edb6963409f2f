"""Failed sign-ins counted per username in the database, so that waiting
longer after each wrong password survives a restart of the app and holds for
every desk at once."""
from peewee import Check, CharField, DateTimeField, IntegerField, Model


def _model(db):
    class SignInThrottle(Model):
        username = CharField(max_length=64, primary_key=True)
        failures = IntegerField(default=0, constraints=[Check("failures >= 0")])
        locked_until = DateTimeField(null=True)
        last_failure_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "sign_in_throttle"

    return SignInThrottle


def up(migrator, db):
    db.create_tables([_model(db)], safe=False)


def down(migrator, db):
    db.drop_tables([_model(db)], safe=False)
