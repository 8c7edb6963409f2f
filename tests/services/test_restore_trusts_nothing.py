"""Restore accepts only what the services themselves could have written: a
damaged, edited or hand-made backup is refused whole with one clear message
naming the file, and the target database stays empty, on both backends."""
import hashlib
import json
from datetime import date

import pytest

from booking_desktop import db, services
from booking_desktop.errors import InvalidInput
from booking_desktop.models import Booking
from booking_desktop.services import backup as backup_module
from booking_desktop.services.integrity import check_audit_chain
from tests.services.test_backup import signed, snapshot

MONDAY = date(2030, 3, 4)


@pytest.fixture
def backup_data(tmp_path, now) -> dict:
    """A small backup made by the services on SQLite: two businesses, weekday
    hours, a special day, capacity-2 slots, Ana and Bob in the first slot."""
    handle = db.connect(f"sqlite:///{tmp_path / 'source.db'}")
    owner = services.create_user("olga", "owner-password", role="owner")
    berlin = services.create_business("Salon Berlin", "Europe/Berlin", phone="+49 30 1234567")
    services.create_recurring_business_hours(berlin, by=owner)
    harbour = services.create_business("Harbour Bikes", "Europe/London")
    services.create_recurring_business_hours(harbour, by=owner)
    for shop in (berlin, harbour):
        services.generate_time_slots(shop, MONDAY, MONDAY + date.resolution, max_capacity=2,
                                     by=owner, now=now)
    services.set_hours_exception(berlin, MONDAY + date.resolution, closed=False,
                                 intervals=[("10:00", "12:00")], note="Short day", by=owner,
                                 now=now)
    slot = services.slots_between(berlin, MONDAY)[0]
    services.create_booking(slot, "Ana Lima", "ana@example.com", "+49 30 111 222", now=now)
    services.create_booking(slot, "Bob Stone", "bob@example.com", now=now)
    services.create_booking(services.slots_between(harbour, MONDAY)[0], "Cy Park", now=now,
                            by=owner)
    text = (tmp_path / "source.json")
    services.backup_database(text)
    db.close(handle)
    return json.loads(text.read_text(encoding="utf-8"))


def _index(data, table, column):
    return data["tables"][table]["columns"].index(column)


def _set(data, table, column, value, row=0):
    data["tables"][table]["rows"][row][_index(data, table, column)] = value
    return signed(data)


def _add_row(data, table, **values):
    """A copy of the table's first row with a fresh id and `values`."""
    rows = data["tables"][table]["rows"]
    row = list(rows[0])
    row[_index(data, table, "id")] = max(r[_index(data, table, "id")] for r in rows) + 1
    for column, value in values.items():
        row[_index(data, table, column)] = value
    rows.append(row)
    data["tables"][table]["count"] += 1
    return signed(data)


def _same_email_as_ana(data):
    """Bob's email becomes Ana's (other case) while his stored key stays
    bob@example.com: the file's key would let Ana book twice in the slot."""
    return _set(data, "booking", "customer_email", "ANA@example.com", row=1)


def _duplicate_column(data):
    table = data["tables"]["user"]
    table["columns"].append("username")
    for row in table["rows"]:
        row.append(row[table["columns"].index("username")])
    return signed(data)


def _unknown_table(data):
    data["tables"]["shoe"] = {"columns": ["id"], "rows": [[1]], "count": 1}
    return signed(data)


def _missing_table(data):
    del data["tables"]["hours_exception"]
    return signed(data)


def _count_mismatch(data):
    data["tables"]["booking"]["count"] += 1
    return signed(data)


def _deeply_nested(data):
    """A matching checksum, but a value nested far deeper than any backup."""
    text = signed(data)
    body = text[:text.rindex('"sha256": ')]
    deep = "[" * 100_000 + "]" * 100_000
    body = body.replace('"count": 1}', f'"count": 1, "extra": {deep}}}', 1)
    return f'{body}"sha256": "{hashlib.sha256(body.encode("utf-8")).hexdigest()}"}}\n'


def _truncated(data):
    text = signed(data)
    return text[:len(text) * 2 // 3]


def _edited_with_old_checksum(data):
    return signed(data).replace("Bob Stone", "Bob Stine")


def _checksum_removed(data):
    return json.dumps(data)


DAMAGED = {
    "NUL in a name": (lambda d: _set(d, "booking", "customer_name", "Ana\x00Lima"),
                      r"table booking, row 1: The customer's name contains invisible control"),
    "control character in a name": (lambda d: _set(d, "booking", "customer_name", "Ana\x1bLima"),
                                    "control characters"),
    "bidi override in a name": (lambda d: _set(d, "booking", "customer_name", "Ana\u202eamiL"),
                                "control characters"),
    "over-long name": (lambda d: _set(d, "booking", "customer_name", "A" * 201), "too long"),
    "bad email": (lambda d: _set(d, "booking", "customer_email", "ana@", row=1),
                  "does not look like"),
    "bad phone": (lambda d: _set(d, "booking", "customer_phone", "call me"),
                  "is not a phone number"),
    "control character in notes": (lambda d: _set(d, "booking", "notes", "a\x07b"),
                                   "The notes contains invisible control"),
    "bad time zone": (lambda d: _set(d, "business", "timezone", "Mars/Olympus"),
                      "table business, row 1: 'Mars/Olympus' is not a known time zone"),
    "overlapping hours": (lambda d: _add_row(d, "business_hours", open_time="16:00:00",
                                             close_time="18:00:00"),
                          "business_hours.*Monday.*overlap"),
    "hours closing before opening": (lambda d: _set(d, "business_hours", "open_time", "18:00:00"),
                                     "opening 18:00 must be before closing 17:00"),
    "overlapping special hours": (lambda d: _set(d, "hours_exception", "intervals",
                                                 "10:00-12:00;11:00-13:00"), "overlap"),
    "unknown status": (lambda d: _set(d, "booking", "status", "lost"), "The status must be one"),
    "unknown role": (lambda d: _set(d, "user", "role", "admin"), "The role must be one"),
    "capacity 0": (lambda d: _set(d, "time_slot", "max_capacity", 0),
                   "capacity must be between 1 and 1000"),
    "slot ending before it starts": (
        lambda d: _set(d, "time_slot", "end", d["tables"]["time_slot"]["rows"][0][
            _index(d, "time_slot", "start")]), "The slot ends .* before it starts"),
    "wrong email_key": (_same_email_as_ana, "two active bookings for the same customer"),
    "2^63 id": (lambda d: _set(d, "booking", "id", 2**63), "id has a bad value.*out of range"),
    "2^63 capacity": (lambda d: _set(d, "time_slot", "max_capacity", 2**63), "out of range"),
    "year-1 timestamp": (lambda d: _set(d, "booking", "created_at", "0001-01-01T00:00:00+05:00"),
                         "created_at 0001-01-01T00:00:00\\+05:00 is out of range"),
    "year-9999 timestamp": (lambda d: _set(d, "user", "created_at", "9999-12-31T23:59:59-05:00"),
                            "out of range"),
    "duplicated column": (_duplicate_column, "table user names the column username twice"),
    "unknown table": (_unknown_table, "newer version.*tables this version does not know: shoe"),
    "missing table": (_missing_table, "table hours_exception is missing"),
    "count mismatch": (_count_mismatch, "table booking says it has 4 rows but holds 3"),
    "deep nesting": (_deeply_nested, "nested too deeply"),
    "truncated file": (_truncated, "has been changed or cut short since it was made; nothing was "
                                   "restored"),
    "edited value with the old checksum": (_edited_with_old_checksum, "changed or cut short"),
    "checksum line removed": (_checksum_removed, "changed or cut short"),
    "booking in a missing slot": (lambda d: _set(d, "booking", "time_slot_id", 999_999),
                                  "does not fit together.*time_slot_id 999999"),
    "bad password hash": (lambda d: _set(d, "user", "password_hash", "x"),
                          "password hash is not one"),
    "audit details not JSON": (lambda d: _set(d, "audit_event", "details", "{{{"),
                               "details are not a JSON object"),
}


@pytest.mark.parametrize("case", list(DAMAGED))
def test_a_damaged_backup_is_refused_whole(backup_data, db_url, tmp_path, case):
    damage, message = DAMAGED[case]
    path = tmp_path / "damaged.json"
    path.write_text(damage(backup_data), encoding="utf-8")
    db.connect(db_url)
    with pytest.raises(InvalidInput, match=message) as refused:
        services.restore_database(path)
    text = str(refused.value)
    assert text.startswith(str(path)) and "\n" not in text and "nothing was restored" in text
    assert backup_module.database_is_empty()


def test_the_same_backup_unharmed_restores(backup_data, db_url, tmp_path):
    path = tmp_path / "good.json"
    path.write_text(signed(backup_data), encoding="utf-8")
    db.connect(db_url)
    counts = services.restore_database(path)
    assert counts["booking"] == 3 and services.check_integrity() == []


def test_derived_columns_are_worked_out_not_taken_from_the_file(backup_data, db_url, tmp_path,
                                                                now):
    """Keys, the booking's business and a future slot's closed reason that
    disagree with their values are restored as the services would store them."""
    data = backup_data
    businesses = {r[_index(data, "business", "name")]: r[_index(data, "business", "id")]
                  for r in data["tables"]["business"]["rows"]}
    for column, value in (("name_key", "zed"), ("surname_key", "zed"),
                          ("email_key", "someone@else.com"), ("phone_key", "999"),
                          ("business_id", businesses["Harbour Bikes"])):
        data["tables"]["booking"]["rows"][0][_index(data, "booking", column)] = value
    closed = _index(data, "time_slot", "closed_reason")
    for row in data["tables"]["time_slot"]["rows"]:
        row[closed] = ""  # the short day's slots after 12:00 claim to be open
    path = tmp_path / "keys.json"
    path.write_text(signed(data), encoding="utf-8")
    db.connect(db_url)
    services.restore_database(path)
    ana = Booking.get(Booking.customer_name == "Ana Lima")
    assert (ana.name_key, ana.surname_key, ana.email_key, ana.phone_key) == (
        "ana lima", "lima ana", "ana@example.com", "4930111222")
    assert ana.business_id == businesses["Salon Berlin"] == ana.time_slot.business_id
    short_day = services.slots_between(services.find_business("Salon Berlin"),
                                       MONDAY + date.resolution)
    assert {s.closed_reason for s in short_day} == {"", "Outside the special hours (Short day)"}
    assert services.check_integrity() == []


def test_a_version_1_backup_is_restored_through_the_same_checks(backup_data, db_url, tmp_path):
    """Backups made before the checksum are still restored (that is what
    people hold), but every value is checked as in version 2."""
    data = dict(backup_data, version=1)
    del data["sha256"]
    good, bad = tmp_path / "v1.json", tmp_path / "v1-bad.json"
    good.write_text(json.dumps(data), encoding="utf-8")
    data["tables"]["business"]["rows"][0][_index(data, "business", "timezone")] = "Mars/Olympus"
    bad.write_text(json.dumps(data), encoding="utf-8")
    db.connect(db_url)
    with pytest.raises(InvalidInput, match="Mars/Olympus"):
        services.restore_database(bad)
    assert backup_module.database_is_empty()
    assert services.restore_database(good)["booking"] == 3


def test_an_audit_event_edited_in_the_file_is_refused(backup_data, db_url, tmp_path):
    """Re-signing the file after editing history does not help: the audit
    log's own hash chain no longer holds."""
    path = tmp_path / "edited-history.json"
    path.write_text(_set(backup_data, "audit_event", "action", "nothing.happened"),
                    encoding="utf-8")
    db.connect(db_url)
    with pytest.raises(InvalidInput, match="was changed or removed after it was written") as no:
        services.restore_database(path)
    assert str(no.value).endswith("Nothing was restored.")
    assert backup_module.database_is_empty()


def test_a_newer_backup_with_an_event_written_around_the_chain_is_refused(backup_data, db_url,
                                                                         tmp_path):
    """Only a backup made before migration 0011 gets its events chained: in
    a newer one, its newest event rewritten with its hash and link left out
    is an event written around the chain, not one to chain now."""
    data = dict(backup_data)
    table = data["tables"]["audit_event"]
    newest = len(table["rows"]) - 1
    for column, value in (("details", '{"slipped": "in"}'), ("hash", None),
                          ("prev_hash", None)):
        _set(data, "audit_event", column, value, row=newest)
    event_id = table["rows"][newest][_index(data, "audit_event", "id")]
    path = tmp_path / "around-the-chain.json"
    path.write_text(signed(data), encoding="utf-8")
    db.connect(db_url)
    with pytest.raises(InvalidInput, match=f"Audit event {event_id} has no hash") as no:
        services.restore_database(path)
    assert str(no.value).endswith("Nothing was restored.")
    assert backup_module.database_is_empty()


def test_a_backup_from_before_the_chain_gets_its_events_chained(backup_data, db_url, tmp_path):
    """A backup made before migration 0011 has no hashes: restored, its events
    are chained in id order and `check` finds the chain intact."""
    data = dict(backup_data)
    table = data["tables"]["audit_event"]
    for column in ("hash", "prev_hash"):
        at = table["columns"].index(column)
        del table["columns"][at]
        for row in table["rows"]:
            del row[at]
    path = tmp_path / "before-the-chain.json"
    path.write_text(signed(data), encoding="utf-8")
    db.connect(db_url)
    services.restore_database(path)
    chain = check_audit_chain()
    assert chain.intact and chain.events == table["count"]


def test_a_restored_backup_round_trips_to_the_row(sqlite_url, pg_schema_url, tmp_path, now):
    """SQLite → PostgreSQL → SQLite, every row identical, and the second
    backup's content equal to the first."""
    db.connect(sqlite_url)
    services.build_demo(seed=3, now=now, scale=0.1)
    original = snapshot()
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    services.backup_database(first)
    db.connect(pg_schema_url)
    services.restore_database(first)
    assert snapshot() == original
    services.backup_database(second)
    db.connect(f"sqlite:///{tmp_path / 'again.db'}")
    services.restore_database(second)
    assert snapshot() == original
    tables = [json.loads(p.read_text(encoding="utf-8"))["tables"] for p in (first, second)]
    assert tables[0] == tables[1]


def test_restore_command_prints_one_line_and_fails(backup_data, run, tmp_path):
    path = tmp_path / "damaged.json"
    path.write_text(_truncated(backup_data), encoding="utf-8")
    target = tmp_path / "target.db"
    code, out, err = run("restore", path, "--db", f"sqlite:///{target}")
    assert code != 0 and out == ""
    assert err.strip().splitlines() == [
        f"error: {path} has been changed or cut short since it was made; nothing was restored."]
    db.connect(f"sqlite:///{target}")
    assert backup_module.database_is_empty()

