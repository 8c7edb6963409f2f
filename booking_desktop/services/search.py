"""Finding customers and bookings by what the desk types: one reading of the
text and one set of conditions, used by the top search box and the bookings
table (through `search_bookings` and the table's filter), the walk-in's
typeahead and `find_customers`.

What is typed is read as (`read_query`):
- a booking reference (K7M-4QX, with or without the dash, any case);
- phone digits when it is mostly digits ("5583", "151 1256", "+49 30 123");
- otherwise words, folded as the stored keys are (booking_desktop.keys:
  no accents, case-folded), so "Unal" finds Ünal and "muller" Müller.

Matches come in tiers, best first:
1. the reference;
2. prefixes: the full name, the last name, the email or the phone digits
   start with it (index ranges on the keys, both databases);
3. fragments anywhere (3 characters or more): the engines' own text
   search over the customer's search text, every name, email and phone
   they are known by, their record's and their bookings' (SQLite FTS5
   trigram, PostgreSQL pg_trgm GIN, migration 0017), ranked in Python: a
   fragment that starts a word before one inside a word.
A booking is found by a fragment through its customer: one trigram index,
the customers' (fewer rows than the bookings, and every booking's name,
email and phone is in its customer's search text).
"""
import functools
import re
from dataclasses import dataclass

from peewee import SQL, Expression

from ..db import is_postgres
from ..keys import folded, phone_digits
from ..models import Customer
from . import validation as v

FRAGMENT_MIN = 3  # the shortest fragment the trigram indexes can find
_REFERENCE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@dataclass(frozen=True)
class Query:
    """Typed search text, read once."""
    text: str               # as typed, outer white space removed
    words: str              # folded
    digits: str | None      # the phone digits, when the text is mostly digits
    reference: str | None   # K7M-4QX, when the text can be one

    @property
    def by_phone(self) -> bool:
        return self.digits is not None

    @property
    def needle(self) -> str:
        """What a key must contain: the digits or the folded words."""
        return self.digits if self.digits is not None else self.words

    @property
    def fragment(self) -> bool:
        """Long enough for the fragment tier (shorter: prefixes only)."""
        return len(self.needle) >= FRAGMENT_MIN


def read_query(text) -> Query:
    """The typed text as a Query. InvalidInput when it is empty, too long or
    holds control characters."""
    text = v.text(text, "The search text", "text", 254)
    digits = phone_digits(text)
    mostly_digits = digits is not None and len(digits) >= 3 and len(digits) * 2 >= len(text)
    candidate = text.upper().replace("-", "")
    reference = (f"{candidate[:3]}-{candidate[3:]}" if len(candidate) == 6
                 and set(candidate) <= _REFERENCE_CHARS else None)
    if reference is not None and not candidate.isdigit():
        # "ab1234" is a reference (letters and digits, as the desk reads it
        # off a slip), not a phone number: its digits would also find every
        # phone that holds "1234".
        mostly_digits = False
    return Query(text, folded(text), digits if mostly_digits else None, reference)


def _prefix(field, text: str):
    """`field` starts with `text`, and the order to list matches in. A range,
    not LIKE: it uses the index on both databases with no wildcard escaping
    (PostgreSQL's indexes on these keys are in the "C" collation)."""
    key = field.collate('"C"') if is_postgres() else field
    return (key >= text) & (key < text + "\U0010ffff"), key


def prefix_columns(query: Query) -> list[str]:
    """The keys `query` looks for as a prefix, best first: the phone digits;
    else the full name, the last name and (one word) the email. None for
    text that folds to nothing (a lone accent)."""
    if not query.needle:
        return []
    if query.by_phone:
        return ["phone_key"]
    return ["name_key", "surname_key"] + ([] if " " in query.words else ["email_key"])


def prefix_matches(model, query: Query) -> list[tuple]:
    """How `query` finds rows of `model` (Booking or Customer: both have the
    keys) by prefix, as (condition, order) pairs (prefix_columns)."""
    return [_prefix(getattr(model, column), query.needle) for column in prefix_columns(query)]


def like_pattern(text: str) -> str:
    """PostgreSQL: `LIKE` "contains `text`", its wildcards and escape taken
    literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fragment_match(query: Query) -> str:
    """SQLite: the FTS5 MATCH expression for the needle, a phrase (the
    trigram tokenizer makes it "contains") in the customer's names and
    emails, or in their phones for digits."""
    column = "search_phones" if query.by_phone else "search_text"
    return f'{column} : "' + query.needle.replace('"', '""') + '"'


def customer_fragment(query: Query):
    """Customers whose names or emails (or phone digits, for digits) contain
    the needle, as a condition on Customer: the trigram index of migration
    0017. Only for `query.fragment`."""
    if is_postgres():
        column = Customer.search_phones if query.by_phone else Customer.search_text
        return Expression(column, "LIKE", like_pattern(query.needle))
    return Customer.id.in_(SQL("(SELECT rowid FROM customer_search WHERE customer_search "
                               "MATCH ?)", [fragment_match(query)]))


def purge_search_index() -> None:
    """After an erasure, inside its transaction. SQLite's FTS5 index keeps
    the trigrams of a replaced text in its storage (customer_search_data),
    only marked deleted, until its segments are merged: 'optimize' merges
    them all, so nothing of an erased name or phone stays in the file's
    index (SQLite 3.42's 'secure-delete' option would spare the merge; this
    Python's SQLite may be older). PostgreSQL's trigram index answers from
    the rows as they are now; the dead row versions and their index entries
    go at the next (auto)vacuum."""
    if not is_postgres():
        Customer._meta.database.execute_sql(
            "INSERT INTO customer_search (customer_search) VALUES ('optimize')")


@functools.lru_cache(maxsize=64)
def _word_start(needle: str) -> re.Pattern:
    """The needle at the start of a word (a line start included: the
    search text has one name, email or phone a line)."""
    return re.compile(r"(?<!\w)" + re.escape(needle))


def rank(query: Query, name_key: str, search_text: str, search_phones: str) -> int:
    """How well a customer whose search text contains the needle matches: 0
    their name starts with it, 1 one of their names or emails (or a word of
    one), or one of their phones, starts with it, 2 it is inside a word."""
    needle = query.needle
    if not query.by_phone and name_key.startswith(needle):
        return 0
    found = _word_start(needle).search(search_phones if query.by_phone else search_text)
    return 1 if found else 2


__all__ = ["FRAGMENT_MIN", "Query", "read_query", "prefix_columns", "prefix_matches",
           "like_pattern", "fragment_match", "customer_fragment", "rank", "purge_search_index"]
