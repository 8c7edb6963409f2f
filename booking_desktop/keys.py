"""The normalised keys a booking and a customer carry next to what was typed,
worked out the same way wherever a row is written: by the services, by the
migrations that fill them in, by a restore and by the benchmark's bulk load.

- `folded`: what search compares (no accents, case-folded, one space).
- `name_keys`: the folded full name and the same from the last word, for
  finding "Anna Smith" by "anna" and by "smith" as an index range.
- `email_key`: the email lower-cased; `phone_digits`: the phone's digits.
  A customer is one person by either of these (one active booking per
  customer per slot; a new booking's customer is found by them).
- `with_terms`: a customer's search text, every name and email (folded)
  and every phone (digits) they are known by: their record's and their
  bookings'.

Plain Python (no database, no services): the data layer and the services
both use it.
"""
import re
import unicodedata

KEY_MAX = 200  # the name keys' column length

# Letters Unicode does not decompose into a base letter and an accent, as
# people type them without it (after case folding).
_PLAIN_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t",
                                "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"})


def folded(text: str) -> str:
    """Text as search compares it: without accents ("Ünal" -> "unal": the
    compatibility decomposition with its combining marks dropped), case-folded
    ("Straße" -> "strasse"), runs of white space as one space. The same for
    what is stored and what is typed, on both databases (no SQL function
    folds text the same way on SQLite and PostgreSQL)."""
    if text.isascii():
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(unicodedata.normalize("NFC", plain).translate(_PLAIN_LETTERS).split())


def name_keys(name: str) -> tuple[str, str]:
    """The full name `folded`, and the same starting at the last word (so
    "Smith" finds "Anna Smith" as a prefix). Each at most KEY_MAX characters
    (folding can lengthen a name: "ß" -> "ss")."""
    full = folded(name)
    words = full.split(" ")
    surname_first = " ".join([words[-1], *words[:-1]]) if len(words) > 1 else full
    return full[:KEY_MAX], surname_first[:KEY_MAX]


def email_key(email: str | None) -> str | None:
    return email.lower() if email else None


def email_term(email: str | None) -> str | None:
    """An email as a line of the search text: folded (lower case, no accents)."""
    return folded(email) if email else None


def with_terms(text: str, *terms: str | None) -> str:
    """A customer's search text (`search_text`, `search_phones`): one folded
    term a line (a name, an email; or phone digits), each once, in the order
    they were first seen; `terms` not yet there added at the end. A fragment
    typed at the desk has no line break, so it never matches across two."""
    lines = text.split("\n") if text else []
    for term in terms:
        if term and term not in lines:
            lines.append(term)
    return "\n".join(lines)


_NOT_DIGITS = re.compile("[^0-9]+")


def phone_digits(value: str | None) -> str | None:
    """The ASCII digits of a phone number, None when it has none."""
    if value is None:
        return None
    return _NOT_DIGITS.sub("", value) or None


__all__ = ["KEY_MAX", "folded", "name_keys", "email_key", "phone_digits", "email_term",
           "with_terms"]
