"""File → Connect to a shared database…, the first run's "Join a business on
a server" and File → Use this computer's database, driven through the real
dialog against the real PostgreSQL server: what it says for each problem,
that an empty database is offered to be set up, and that the password goes
to the keyring, never to the settings file."""
import json
import uuid
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from booking_desktop import config, db, services
from booking_desktop.services import users as user_service
from booking_desktop.ui.app import open_main_window, switch_database, use_database
from booking_desktop.ui.dialogs.connect_dialog import ConnectDialog
from booking_desktop.ui.dialogs.first_run import FirstRunDialog
from booking_desktop.ui.dialogs.signin import SignInDialog
from tests.conftest import PG_SKIP_REASON, PG_URL

PASSWORD = "typed-pw-4711"  # the test server trusts 127.0.0.1: any password opens it


@pytest.fixture
def server():
    """A login role with a schema of its own name on the test server: the
    dialog's plain fields (no search_path option) land in that schema,
    since PostgreSQL looks in "$user" first. Dropped afterwards."""
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    import psycopg

    role = f"bd_desk_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(PG_URL)
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'CREATE SCHEMA "{role}" AUTHORIZATION "{role}"')
    try:
        yield {"host": parts.hostname, "port": parts.port or 5432,
               "database": parts.path.lstrip("/"), "user": role,
               "url": config.postgres_url(parts.hostname, parts.port, parts.path.lstrip("/"),
                                          role)}
    finally:
        db.close()
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{role}" CASCADE')
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')


def fill(qtbot, dialog, host, port, database, user, password=PASSWORD):
    for field, text in ((dialog.host, host), (dialog.database, database),
                        (dialog.user, user), (dialog.password, password)):
        field.clear()
        qtbot.keyClicks(field, text)
    dialog.port.setValue(port)


def run_the_test(qtbot, dialog):
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)


def open_dialog(qtbot, **kwargs):
    dialog = ConnectDialog(**kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def remembered_text() -> str:
    path = config.user_data_dir() / config.REMEMBERED_FILE
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_an_empty_database_is_offered_to_be_set_up(qtbot, server, memory_keyring):
    dialog = open_dialog(qtbot)
    assert not dialog.keyring_note.isVisible()
    assert dialog.port.value() == 5432
    fill(qtbot, dialog, server["host"], server["port"], server["database"], server["user"])
    run_the_test(qtbot, dialog)
    assert not dialog.error.isVisible()
    assert "this database is empty" in dialog.status.text()
    assert dialog.connect_button.text() == "Set &up and connect"

    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == ConnectDialog.DialogCode.Accepted
    assert dialog.url == config.with_password(server["url"], PASSWORD)

    # The app opens it (setting it up) and remembers it: the password in the
    # keyring, the address alone in the settings file.
    assert use_database(dialog.url, db.connect) is True
    assert db.migration_runner().applied()
    assert memory_keyring.passwords == {(config.KEYRING_SERVICE, server["url"]): PASSWORD}
    assert json.loads(remembered_text()) == {"url": server["url"]}
    assert PASSWORD not in remembered_text()
    assert config.database_url() == dialog.url


def test_connect_on_a_booking_database_tests_first_and_accepts(qtbot, server):
    db.connect(server["url"])
    shop = services.create_business("Salon Anna", "Europe/Vienna")
    assert shop.id
    db.close()
    dialog = open_dialog(qtbot)
    fill(qtbot, dialog, server["host"], server["port"], server["database"], server["user"])
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)  # tests, then accepts
    qtbot.waitUntil(lambda: dialog.result() == ConnectDialog.DialogCode.Accepted,
                    timeout=10_000)
    assert "a Booking Desktop database (Salon Anna)" in dialog.status.text()


def _not_ours(server):
    import psycopg
    with psycopg.connect(server["url"], autocommit=True) as other:
        other.execute("CREATE TABLE stock (item text)")


def _newer(server):
    db.connect(server["url"])
    db.models.database.execute_sql("INSERT INTO schema_migration (name, applied) VALUES "
                                   "('0999_from_the_future', CURRENT_TIMESTAMP)")
    db.close()


@pytest.mark.parametrize("case, expected", [
    ("unreachable", "is not answering on port 1"),
    ("no database", "There is no database 'no_such_db_here' on the server"),
    ("unknown user", "refused the user name nobody_here or its password"),
    ("unknown host", "The server no-such-host.invalid was not found"),
    ("not ours", "belongs to another program"),
    ("newer", "was made by a newer version of Booking Desktop"),
])
def test_each_problem_is_said_in_words_and_nothing_is_remembered(qtbot, server, case,
                                                                 expected, memory_keyring):
    host, port, database, user = server["host"], server["port"], server["database"], \
        server["user"]
    if case == "unreachable":
        port = 1
    elif case == "no database":
        database = "no_such_db_here"
    elif case == "unknown user":
        user = "nobody_here"
    elif case == "unknown host":
        host = "no-such-host.invalid"
    elif case == "not ours":
        _not_ours(server)
    elif case == "newer":
        _newer(server)
    dialog = open_dialog(qtbot)
    fill(qtbot, dialog, host, port, database, user)
    run_the_test(qtbot, dialog)
    assert dialog.error.isVisible()
    assert expected in dialog.error.text()
    assert PASSWORD not in dialog.error.text()
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)  # tests again, refuses
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.result() != ConnectDialog.DialogCode.Accepted and dialog.url is None
    assert expected in dialog.error.text()
    assert remembered_text() == "" and memory_keyring.passwords == {}


@pytest.mark.parametrize("case, expected", [
    ("unknown host", "Der Server no-such-host.invalid wurde nicht gefunden: Prüfen Sie seinen "
                     "Namen"),
    ("no database", "Auf dem Server {host} gibt es keine Datenbank 'no_such_db_here'"),
    ("unreachable", "antwortet nicht auf Port 1: Prüfen Sie, ob er eingeschaltet ist"),
])
def test_the_server_s_answers_are_said_in_german(qtbot, server, case, expected):
    """In a German window the server's answers are German too (they were
    the services' English before)."""
    from PySide6.QtCore import QLocale

    from booking_desktop.ui import i18n
    i18n.install("de", QLocale(QLocale.Language.German, QLocale.Country.Germany))
    host, port, database = server["host"], server["port"], server["database"]
    if case == "unknown host":
        host = "no-such-host.invalid"
    elif case == "no database":
        database = "no_such_db_here"
    else:
        port = 1
    dialog = open_dialog(qtbot)
    fill(qtbot, dialog, host, port, database, server["user"])
    run_the_test(qtbot, dialog)
    assert dialog.error.isVisible()
    assert expected.format(host=host) in dialog.error.text()


def test_missing_fields_are_asked_for_before_testing(qtbot):
    dialog = open_dialog(qtbot)
    qtbot.keyClicks(dialog.host, "office-server")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert not dialog.busy
    assert dialog.error.text() == "Fill in the database."


def test_without_a_keyring_the_dialog_says_so_and_no_password_is_kept(qtbot, server):
    dialog = open_dialog(qtbot)
    assert dialog.keyring_note.isVisible()
    assert "password cannot be remembered" in dialog.keyring_note.text()
    fill(qtbot, dialog, server["host"], server["port"], server["database"], server["user"])
    run_the_test(qtbot, dialog)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert use_database(dialog.url, db.connect) is False
    assert json.loads(remembered_text()) == {"url": server["url"]}
    assert config.database_url() == server["url"]  # no password: it is asked for next time


def test_a_remembered_address_fills_the_fields(qtbot):
    dialog = open_dialog(qtbot, initial="postgresql://desk%40shop@db.example:6543/my%20shop"
                                        "?sslmode=require", problem="The server asks for it.")
    assert (dialog.host.text(), dialog.port.value(), dialog.database.text(),
            dialog.user.text()) == ("db.example", 6543, "my shop", "desk@shop")
    assert dialog.error.text() == "The server asks for it."
    assert dialog.focusWidget() is dialog.password
    qtbot.keyClicks(dialog.password, "p@ss:word/1")
    assert dialog.address() == ("postgresql://desk%40shop:p%40ss%3Aword%2F1@db.example:6543/"
                                "my%20shop?sslmode=require")
    assert config.password_of(dialog.address()) == "p@ss:word/1"


def answer_modal(qtbot, act):
    """Run `act(dialog)` on the modal dialog once it is open (exec() blocks)."""
    def later():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, later)
            return
        act(dialog)
    QTimer.singleShot(0, later)


def test_first_run_joins_a_business_on_a_server(qtbot, gui_db, server):
    first = FirstRunDialog(with_owner=True)
    qtbot.addWidget(first)
    first.show()
    assert first.join_button.isVisible()

    def connect(dialog):
        fill(qtbot, dialog, server["host"], server["port"], server["database"], server["user"])
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)  # set it up

    answer_modal(qtbot, connect)
    qtbot.mouseClick(first.join_button, Qt.MouseButton.LeftButton)
    assert first.result() == FirstRunDialog.DialogCode.Accepted
    assert first.joined == config.with_password(server["url"], PASSWORD)


def test_file_menu_switches_to_the_server_and_back(qtbot, settings, server, memory_keyring,
                                                   monkeypatch):
    # The server's database already has the business and its owner, "anna".
    db.connect(server["url"])
    services.create_business("Salon on the Server", "UTC")
    anna = user_service.create_user("anna", "anna-password", role="owner")
    db.close()
    db.connect(config.default_database_url())  # this computer's own file, set up too
    services.create_business("Local Salon", "UTC")
    user_service.create_user("olga", "owner-password", role="owner")
    window = open_main_window(config.default_database_url(),
                              user_service.authenticate("olga", "owner-password"),
                              services.list_businesses()[0], settings)
    qtbot.addWidget(window)
    window.show()
    assert not window.local_action.isEnabled()
    signed_in = []

    def sign_in(username="", parent=None):
        signed_in.append(username)
        return services.authenticate("anna" if len(signed_in) == 1 else "olga",
                                     "anna-password" if len(signed_in) == 1 else "owner-password")

    monkeypatch.setattr(SignInDialog, "ask", classmethod(lambda cls, *a, **k: sign_in(*a)))
    windows = []
    window.database_chosen.connect(
        lambda url: windows.append(switch_database(windows[-1] if windows else window, url,
                                                   db.connect, settings)))

    def connect(dialog):
        fill(qtbot, dialog, server["host"], server["port"], server["database"], server["user"])
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)

    answer_modal(qtbot, connect)
    window.connect_action.trigger()
    qtbot.waitUntil(lambda: bool(windows), timeout=10_000)
    on_server = windows[-1]
    qtbot.addWidget(on_server)
    assert on_server.isVisible() and not window.isVisible()
    assert on_server.session.user.id == anna.id
    assert on_server.session.business.name == "Salon on the Server"
    assert on_server.db_label.text() == f"Database: {server['url']}"
    assert on_server.local_action.isEnabled()
    assert "The password is kept in the system keyring" in on_server.statusBar().currentMessage()
    assert memory_keyring.passwords == {(config.KEYRING_SERVICE, server["url"]): PASSWORD}
    assert PASSWORD not in remembered_text() and PASSWORD not in open(
        settings._s.fileName(), encoding="utf-8").read()

    # File → Use this computer's database: back to the local file, signed in again.
    on_server.database_chosen.connect(
        lambda url: windows.append(switch_database(on_server, url, db.connect, settings)))
    on_server.local_action.trigger()
    back = windows[-1]
    qtbot.addWidget(back)
    assert back.session.business.name == "Local Salon"
    assert back.db_url == config.default_database_url() and not back.local_action.isEnabled()
    assert remembered_text() == "" and memory_keyring.passwords == {}
    assert config.database_url() == config.default_database_url()
    assert len(signed_in) == 2  # signed in again on each database


def test_a_remembered_server_that_does_not_open_asks_again(server, memory_keyring,
                                                           monkeypatch):
    """At start-up the remembered server refuses (here: its database is gone;
    in life mostly a password no keyring kept): the dialog comes, filled in,
    saying why; what it gives is opened and remembered instead."""
    from booking_desktop.errors import BookingError
    from booking_desktop.ui import app

    gone = server["url"].rsplit("/", 1)[0] + "/gone_db"
    config.remember_database(gone)
    with pytest.raises(BookingError) as refused:
        db.connect(gone)
    asked = []

    def ask(cls, parent=None, initial=None, problem=None):
        asked.append((initial, problem))
        return config.with_password(server["url"], PASSWORD)

    monkeypatch.setattr(ConnectDialog, "ask", classmethod(ask))
    assert app._open_remembered(gone, refused.value, db.connect) == config.with_password(
        server["url"], PASSWORD)
    assert asked == [(gone, str(refused.value))]
    assert config.remembered_database() == server["url"]
    assert memory_keyring.passwords == {(config.KEYRING_SERVICE, server["url"]): PASSWORD}
    # Not for a database given by --db or BOOKING_DB: that one is only refused.
    assert app._open_remembered("postgresql://x@elsewhere/db", refused.value, db.connect) is None
