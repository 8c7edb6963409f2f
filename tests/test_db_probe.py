"""db.probe(url): what a database is, said before anything changes in it."""
import sqlite3

import pytest

from booking_desktop import db
from booking_desktop.errors import DatabaseNotUsable, DatabaseUnavailable


def test_a_missing_or_empty_file_is_empty_and_stays_missing(tmp_path):
    path = tmp_path / "new.db"
    assert db.probe(f"sqlite:///{path}").empty
    assert not path.exists()  # probing creates nothing


def test_a_booking_database_is_ready_with_its_businesses(database, business, owner):
    found = db.probe(db_url_of(database))
    assert (found.state, found.businesses, found.has_users) == ("ready", ("Salon Berlin",), True)


def db_url_of(database) -> str:
    if db.is_postgres(database):
        return database.database
    return f"sqlite:///{database.database}"


def test_another_programs_file_is_refused(tmp_path):
    path = tmp_path / "stock.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE item (name TEXT)")
    with pytest.raises(DatabaseNotUsable, match="belongs to another program") as refused:
        db.probe(f"sqlite:///{path}")
    assert refused.value.details["reason"] == "foreign"


@pytest.mark.parametrize("text, kind, reason, words", [
    ('connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  '
     'password authentication failed for user "desk"', DatabaseNotUsable, "credentials",
     "The server db.example refused the user name desk or its password"),
    ("connection failed: fe_sendauth: no password supplied", DatabaseNotUsable,
     "password_needed", "The server db.example asks for the password of desk."),
    ("connection timeout expired", DatabaseUnavailable, "not_answering",
     "The server db.example is not answering on port 6543"),
    ("failed to resolve host 'db.example': [Errno -2] Name or service not known",
     DatabaseUnavailable, "host_unknown", "The server db.example was not found"),
])
def test_server_errors_in_words(text, kind, reason, words):
    """The driver's texts for cases the test server (which trusts 127.0.0.1)
    cannot produce; the others are met for real in test_connect_dialog."""
    error = db.describe_server_error(Exception(text), "postgresql://desk:pw@db.example:6543/shop")
    assert isinstance(error, kind) and error.details["reason"] == reason
    assert words in str(error) and "pw" not in str(error).replace("password", "")
