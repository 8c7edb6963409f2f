"""A realistic demo database: three businesses in three time zones, ten weeks
of slots (two behind today, eight ahead) and about 2,000 bookings in every
status and from every source.

Everything goes through the services with `now=` set to the moment each thing
"happened" (a booking made by phone four days before its slot, checked in on
arrival, completed after), so every rule, counter and audit event holds as if
the desks had done it. Actions are replayed in time order, so the audit log
reads chronologically. Services without `now=` (accounts, businesses, hours,
blocking) are stamped with the real clock.
"""
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from math import exp

from peewee import fn

from ..clock import ensure_aware, utcnow
from ..errors import InvalidInput
from ..models import Booking, Business, TimeSlot, User
from .bookings import (
    REFERENCE_ALPHABET,
    cancel_booking,
    check_in_booking,
    create_booking,
    set_booking_status,
)
from .businesses import BusinessRow, create_business
from .hours import TEMPLATES, set_hours_exception, set_weekly_hours
from .slots import generate_time_slots, set_slot_blocked, slots_between, zone
from .users import create_user
from ._tx import run_write

DEMO_ACCOUNTS = (("owner", "owner-demo", "owner"), ("staff", "staff-demo", "staff"))
WEEKS_AHEAD, DAYS_BEHIND = 8, 14
SOURCES = (("online", 0.40), ("phone", 0.35), ("walk_in", 0.15), ("other", 0.10))
CANCEL_REASONS = ("Customer called to cancel", "Ill", "Double-booked elsewhere",
                  "Cancelled online", "Travel plans changed", "Weather", "")


@dataclass(frozen=True)
class Profile:
    """One demo business and the kind of customers it has."""
    name: str
    timezone: str
    phone: str
    email: str
    address: str
    week: dict
    duration: int
    capacity: int
    buffer: int
    first_names: tuple[str, ...]
    surnames: tuple[str, ...]
    phone_prefixes: tuple[str, ...]  # "#" is a random digit
    notes: tuple[str, ...]
    # (days from today, closed, intervals, note); moved to the next weekday.
    special_days: tuple = ()
    # The same, decided after the bookings were made: those outside the new
    # hours are kept, in slots closed to new bookings.
    late_special_days: tuple = ()


_NY_WEEK = {d: [("08:00", "12:00"), ("13:00", "18:00")] for d in range(5)}

PROFILES = (
    Profile(
        "Salon Lindenhof", "Europe/Berlin", "+49 30 2345 6789", "hallo@salon-lindenhof.example",
        "Lindenstraße 12, 10969 Berlin", TEMPLATES["weekday_9to5_lunch"], 30, 1, 0,
        ("Anna", "Lena", "Jonas", "Lukas", "Mia", "Emma", "Paul", "Felix", "Sophie", "Marie",
         "Jürgen", "Sabine", "Katrin", "Thomas", "Stefan", "Ayşe", "Mehmet", "Zofia", "Piotr",
         "Greta", "Henrik", "Ute", "Dieter", "Leonie", "Noah"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
         "Hoffmann", "Schäfer", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Yılmaz",
         "Kowalski", "Braun", "Krüger", "Hartmann", "Lange", "Zimmermann"),
        ("+49 30 #### ####", "+49 151 ########", "+49 176 ########"),
        ("Colour refresh", "Prefers Katrin", "Sensitive scalp", "First visit", "Bring photos"),
        ((-6, True, None, "Team training"), (17, True, None, "Public holiday")),
    ),
    Profile(
        "Riverside Family Clinic", "America/New_York", "(212) 555-0142",
        "front.desk@riverside-clinic.example", "410 Riverside Dr, New York, NY 10025",
        _NY_WEEK, 20, 2, 0,
        ("James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda",
         "Daniel", "Maria", "Jose", "Aaliyah", "Wei", "Priya", "Carlos", "Grace", "Tyrone",
         "Olivia", "Ethan", "Chloe", "Samuel", "Fatima"),
        ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
         "Rodriguez", "Martinez", "Chen", "Nguyen", "Patel", "Kim", "Jackson", "O'Brien",
         "Cohen", "Rivera", "Washington", "Lee"),
        ("(212) 555-####", "(917) 555-####", "(718) 555-####", "+1 646 555 ####"),
        ("Flu shot", "Annual check-up", "Follow-up on blood test", "Bring insurance card",
         "Needs interpreter (Spanish)", "Wheelchair access"),
        ((10, False, [("08:00", "12:00")], "Half day: staff meeting"),
         (24, True, None, "Clinic closed")),
    ),
    Profile(
        "Harbour Bike Repair", "Australia/Sydney", "+61 2 9555 0199",
        "service@harbourbikes.example", "7 Wharf Rd, Balmain NSW 2041",
        TEMPLATES["weekday_9to5_sat_9to1"], 60, 3, 15,
        ("Jack", "Charlotte", "Oliver", "Amelia", "William", "Isla", "Lachlan", "Matilda",
         "Cooper", "Ruby", "Hiroshi", "Mei", "Aroha", "Liam", "Zara", "Arjun", "Sienna"),
        ("Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Anderson",
         "Thompson", "White", "Walker", "Tanaka", "Singh", "Kelly", "Murphy", "Campbell"),
        ("04## ### ###", "+61 4## ### ###", "(02) 9### ####"),
        ("Brake bleed", "Puncture, rear", "Full service", "E-bike battery check",
         "Gears slipping", "Wheel truing"),
        ((31, True, None, "Public holiday"), (5, False, [("10:00", "14:00")], "Stocktake")),
        ((2, False, [("12:00", "17:00")], "Opening at noon: delivery"),),
    ),
)


@dataclass
class _Customer:
    name: str
    email: str | None
    phone: str | None


@dataclass
class _Timeline:
    """The actions to replay, and the bookings they made."""
    rng: random.Random
    now: datetime
    opened: datetime  # when the businesses "started taking bookings"
    users: dict
    actions: list = field(default_factory=list)
    made: dict = field(default_factory=dict)  # booking key -> Booking id
    references: set = field(default_factory=set)
    keys: int = 0

    def next_key(self) -> int:
        self.keys += 1
        return self.keys

    def add(self, moment: datetime, kind: str, key: int, **data) -> None:
        self.actions.append((moment, len(self.actions), kind, key, data))

    def reference(self) -> str:
        while True:
            chars = "".join(self.rng.choice(REFERENCE_ALPHABET) for _ in range(6))
            ref = f"{chars[:3]}-{chars[3:]}"
            if ref not in self.references:
                self.references.add(ref)
                return ref


# --- people ---------------------------------------------------------------------

_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ş": "s", "ı": "i",
                        "'": "", " ": ""})


def _digits(rng: random.Random, pattern: str) -> str:
    return "".join(str(rng.randint(0, 9)) if ch == "#" else ch for ch in pattern)


def _customers(rng: random.Random, profile: Profile, count: int) -> list[_Customer]:
    """Distinct people: most give email and phone, some only one, some only a name."""
    people, emails, phones = [], set(), set()
    domains = ("example.com", "example.net", "example.org", "mail.example.com")
    while len(people) < count:
        first, last = rng.choice(profile.first_names), rng.choice(profile.surnames)
        kind = rng.random()
        email = phone = None
        if kind < 0.75:
            handle = f"{first}.{last}".lower().translate(_ASCII)
            email = f"{handle}@{rng.choice(domains)}"
            while email in emails:
                email = f"{handle}{rng.randint(100, 999)}@{rng.choice(domains)}"
            emails.add(email)
        if kind < 0.55 or 0.75 <= kind < 0.87:
            phone = _digits(rng, rng.choice(profile.phone_prefixes))
            while "".join(filter(str.isdigit, phone)) in phones:
                phone = _digits(rng, rng.choice(profile.phone_prefixes))
            phones.add("".join(filter(str.isdigit, phone)))
        people.append(_Customer(f"{first} {last}", email, phone))
    return people


# --- planning one slot ----------------------------------------------------------

def _fill_probability(days_ahead: float) -> float:
    """Busy in the past and the next days, thinning out weeks ahead."""
    if days_ahead <= 0:
        return 0.85
    return 0.05 + 0.8 * exp(-days_ahead / 20)


def _pick_source(rng: random.Random, slot_start: datetime, now: datetime) -> str:
    r, total = rng.random(), 0.0
    source = SOURCES[-1][0]
    for candidate, weight in SOURCES:
        total += weight
        if r < total:
            source = candidate
            break
    if source == "walk_in" and slot_start - now > timedelta(hours=2):
        return "phone"  # walking in only books the next hours
    return source


def _jitter(rng: random.Random) -> timedelta:
    return timedelta(seconds=rng.randint(0, 59), microseconds=rng.randint(0, 999_999))


def _created_at(t: _Timeline, start: datetime, source: str) -> datetime:
    """When a booking for `start` was made: minutes before for a walk-in,
    hours to weeks before otherwise; never before opening nor after now."""
    rng = t.rng
    if source == "walk_in":
        moment = start - timedelta(minutes=rng.randint(5, 45))
    else:
        moment = start - timedelta(hours=min(24 * 30, 1 + rng.expovariate(1 / 96)))
    moment = max(moment + _jitter(rng), t.opened + timedelta(minutes=rng.randint(10, 4320)))
    return min(moment, t.now - timedelta(minutes=rng.randint(1, 600)) - _jitter(rng))


def _staff_or_owner(t: _Timeline) -> User:
    return t.users["staff"] if t.rng.random() < 0.7 else t.users["owner"]


def _by(t: _Timeline, source: str) -> User | None:
    return None if source == "online" else _staff_or_owner(t)


def _plan_outcome(t: _Timeline, key: int, slot: TimeSlot, created: datetime) -> None:
    """What happened to a booking that was not cancelled: past ones were
    mostly completed (most checked in first), some no-shows, a few never
    closed by the desk; a slot starting now has its customer checked in."""
    rng, start, end = t.rng, slot.start, slot.end
    arrival = max(created + timedelta(minutes=1), start - timedelta(minutes=rng.randint(1, 15)))
    r = rng.random()
    if start - t.now > timedelta(minutes=10):
        return  # still ahead
    if r < 0.80:
        if rng.random() < 0.85 and arrival < t.now:
            t.add(arrival + _jitter(rng), "check_in", key, by=_staff_or_owner(t))
        done = end + timedelta(minutes=rng.randint(0, 25)) + _jitter(rng)
        if done < t.now:
            t.add(done, "status", key, status="completed", by=_staff_or_owner(t))
    elif r < 0.92:
        missed = start + timedelta(minutes=rng.randint(15, 50)) + _jitter(rng)
        if missed < t.now:
            t.add(missed, "status", key, status="no_show", by=_staff_or_owner(t))


def _plan_cancelled(t: _Timeline, key: int, slot: TimeSlot, person: _Customer,
                    before: datetime | None) -> None:
    """A booking made and cancelled again, wholly before `before` (when the
    slot's last place was taken) so it never holds a place someone needs."""
    rng = t.rng
    source = _pick_source(rng, slot.start, t.now)
    created = _created_at(t, slot.start, source)
    until = min(slot.start, t.now, before or slot.start)
    if until - created < timedelta(minutes=10):
        return
    cancelled = created + (until - created) * rng.uniform(0.1, 0.9)
    t.add(created, "create", key, slot=slot.id, person=person, source=source,
          status="pending" if source == "online" and rng.random() < 0.3 else "confirmed",
          by=_by(t, source))
    t.add(cancelled, "cancel", key, reason=rng.choice(CANCEL_REASONS),
          by=None if source == "online" and rng.random() < 0.5 else _staff_or_owner(t))


def _plan_slot(t: _Timeline, slot: TimeSlot, people: list[_Customer], scale: float,
               notes: tuple[str, ...]) -> None:
    rng = t.rng
    days_ahead = (slot.start - t.now).total_seconds() / 86400
    p = _fill_probability(days_ahead) * scale
    kept = sum(rng.random() < p for _ in range(slot.max_capacity))
    with_cancel = rng.random() < 0.3 * p
    chosen = rng.sample(people, kept + with_cancel)  # distinct people per slot
    first_taken = None
    for person in chosen[:kept]:
        key = t.next_key()
        source = _pick_source(rng, slot.start, t.now)
        created = _created_at(t, slot.start, source)
        first_taken = created if first_taken is None else min(first_taken, created)
        pending = rng.random() < (0.3 if source == "online" else 0.1)
        t.add(created, "create", key, slot=slot.id, person=person, source=source,
              status="pending" if pending else "confirmed", by=_by(t, source),
              notes=rng.choice(notes) if rng.random() < 0.12 else "")
        _plan_outcome(t, key, slot, created)
    if with_cancel:
        full = kept == slot.max_capacity
        _plan_cancelled(t, t.next_key(), slot, chosen[-1],
                        first_taken if full else None)


# --- replaying ------------------------------------------------------------------

def _replay(t: _Timeline) -> None:
    for moment, _, kind, key, data in sorted(t.actions, key=lambda a: (a[0], a[1])):
        if kind == "create":
            person = data["person"]
            booking = create_booking(
                data["slot"], person.name, person.email, person.phone, source=data["source"],
                status=data["status"], notes=data.get("notes", ""), reference=t.reference(),
                by=data["by"], now=moment)
            t.made[key] = booking.id
        elif kind == "cancel":
            cancel_booking(t.made[key], reason=data["reason"], by=data["by"], now=moment)
        elif kind == "check_in":
            check_in_booking(t.made[key], by=data["by"], now=moment)
        else:
            set_booking_status(t.made[key], data["status"], by=data["by"], now=moment)


# --- businesses -----------------------------------------------------------------

def _weekday_from(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _set_up_business(t: _Timeline, profile: Profile) -> tuple[BusinessRow, list[TimeSlot]]:
    """The business, its hours and special days, and ten weeks of slots made
    before the first of them began."""
    owner = t.users["owner"]
    business = create_business(profile.name, profile.timezone, phone=profile.phone,
                               email=profile.email, address=profile.address, by=owner)
    set_weekly_hours(business, profile.week, by=owner)
    today = t.now.astimezone(zone(business)).date()
    for offset, closed, intervals, note in profile.special_days:
        set_hours_exception(business, _weekday_from(today + timedelta(days=offset)),
                            closed=closed, intervals=intervals, note=note, by=owner)
    first, last = today - timedelta(days=DAYS_BEHIND), today + timedelta(weeks=WEEKS_AHEAD)
    generate_time_slots(business, first, last, profile.duration, profile.capacity,
                        profile.buffer, by=owner, now=t.opened)
    return business, slots_between(business, first, last)


def _blocked_choice(t: _Timeline, slots: list[TimeSlot], count: int) -> list[TimeSlot]:
    """`count` consecutive slots about ten days ahead (a training, a repair)."""
    ahead = [s for s in slots if s.start > t.now + timedelta(days=10)]
    return ahead[:count]


def _refuse_unless_empty() -> None:
    if Business.select().exists() or User.select().exists():
        raise InvalidInput("This database already holds data; the demo only fills a new, "
                           "empty database. Nothing was changed.", field="db")


def _counts_by(column) -> dict[str, int]:
    query = (Booking.select(column, fn.COUNT(Booking.id)).group_by(column).order_by(column))
    return dict(query.tuples())


def _summary(businesses: list[BusinessRow]) -> dict:
    return {
        "businesses": [{"name": b.name, "timezone": b.timezone} for b in businesses],
        "slots": TimeSlot.select().count(),
        "blocked_slots": TimeSlot.select().where(TimeSlot.is_blocked == True).count(),  # noqa: E712
        "bookings": Booking.select().count(),
        "checked_in": Booking.select().where(Booking.checked_in_at.is_null(False)).count(),
        "by_status": _counts_by(Booking.status),
        "by_source": _counts_by(Booking.source),
        "accounts": {name: password for name, password, _ in DEMO_ACCOUNTS},
    }


def build_demo(seed: int = 2024, now: datetime | None = None, scale: float = 1.0) -> dict:
    """Fill an empty database with the demo (see the module docstring); the
    same seed and `now` give the same data. `scale` (0 < scale <= 1) thins
    the bookings out, for quick tests. Accounts: owner/owner-demo and
    staff/staff-demo. All in one transaction: on failure nothing is left.

    Returns a summary (businesses, counts by status and source, accounts).
    Raises InvalidInput when the database already holds businesses or users.
    """
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= 1:
        raise InvalidInput("The demo scale must be above 0 and at most 1.", field="scale")
    now = ensure_aware(now, "now") if now is not None else utcnow()

    def work() -> dict:
        _refuse_unless_empty()
        rng = random.Random(seed)
        users = {}
        for username, password, role in DEMO_ACCOUNTS:
            users[username] = create_user(username, password, role=role, by=users.get("owner"))
        t = _Timeline(rng, now, now - timedelta(days=DAYS_BEHIND + 7), users)
        businesses, blocked = [], []
        for profile in PROFILES:
            business, slots = _set_up_business(t, profile)
            businesses.append(business)
            skip = _blocked_choice(t, slots, 2 if profile.capacity == 1 else 1)
            blocked.extend(skip)
            people = _customers(rng, profile, max(20, len(slots) // 3))
            for slot in slots:
                if slot not in skip:
                    _plan_slot(t, slot, people, scale, profile.notes)
        _replay(t)
        for slot in blocked:
            set_slot_blocked(slot, True, by=users["owner"])
        for business, profile in zip(businesses, PROFILES):
            today = t.now.astimezone(zone(business)).date()
            for offset, closed, intervals, note in profile.late_special_days:
                set_hours_exception(business, _weekday_from(today + timedelta(days=offset)),
                                    closed=closed, intervals=intervals, note=note,
                                    by=users["owner"], now=t.now)
        return _summary(businesses)

    return run_write(work)


__all__ = ["build_demo", "DEMO_ACCOUNTS", "PROFILES"]
