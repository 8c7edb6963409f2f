"""Whether what the desk typed after picking a customer in the typeahead
still describes them (`desk.still_describes`: the walk-in books for the
picked record only while it does). No database: the rule reads the row."""
import pytest

from booking_desktop.services import desk
from booking_desktop.services.customers import CustomerRow

ROBERTA = desk.Customer("Roberta Regular", "Roberta@Example.com", "030 999", id=7)


@pytest.mark.parametrize("name, email, phone", [
    ("Roberta Regular", "Roberta@Example.com", "030 999"),
    ("  roberta   REGULAR ", "roberta@example.com ", "(030) 999"),   # case, spaces, punctuation
    ("Roberta Regullar", None, None),                                 # a typo put right
    ("Röberta Regular", "", ""),                                     # accents; fields emptied
])
def test_the_same_person(name, email, phone):
    assert desk.still_describes(ROBERTA, name, email, phone) is True


@pytest.mark.parametrize("name, email, phone", [
    ("", None, None),                                   # the name gone
    ("Maria Regular", None, None),                      # another name
    ("Maria Gonzalez", "Roberta@Example.com", "030 999"),
    ("Roberta Regular", "maria@example.com", None),     # another email
    ("Roberta Regular", None, "030 998"),               # other digits
])
def test_someone_else(name, email, phone):
    assert desk.still_describes(ROBERTA, name, email, phone) is False


def test_details_added_where_the_customer_had_none_keep_them():
    nina = CustomerRow(3, "Nina Nophone", None, None)
    assert desk.still_describes(nina, "Nina Nophone", "nina@example.com", "0151 000")


def test_the_similarity_bound_is_where_it_says():
    assert desk.SAME_NAME_RATIO == 0.8
    assert desk.still_describes(ROBERTA, "Robert Regular")      # one letter: kept
    assert not desk.still_describes(ROBERTA, "Roberta")         # half the name: not
