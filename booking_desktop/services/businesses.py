"""Businesses (branches) sharing one database.

They are handed out as frozen `BusinessRow`s, never live models: the windows
keep one as the business they show and pass it back. Every service that
takes a business reads only its `id`, `timezone` and `name`, so a row and a
`models.Business` both do; services that also take an id say so.
"""
from dataclasses import dataclass
from datetime import datetime

from peewee import IntegrityError

from ..errors import QT_TRANSLATE_NOOP, InvalidInput, NotFound
from ..models import Business, User
from . import validation as v
from ._tx import audit, current_time, require_owner, run_read, run_write


@dataclass(frozen=True)
class BusinessRow:
    """A business as it stood when read: what the desk shows and passes back."""
    id: int
    name: str
    timezone: str  # an IANA name; the business's days and times are counted in it
    phone: str | None
    email: str | None
    address: str | None
    created_at: datetime


def business_row(business: Business) -> BusinessRow:
    """The frozen row of a model the services hold."""
    return BusinessRow(business.id, business.name, business.timezone, business.phone,
                       business.email, business.address, business.created_at)


def create_business(name, timezone, phone=None, email=None, address=None,
                    by: User | None = None, now=None) -> BusinessRow:
    """A new business. Owner only; the name must be unique, the time zone an
    IANA name. Raises InvalidInput, PermissionDenied."""
    require_owner(by, "add a business")
    name = v.text(name, "The business name", "name", 120)
    timezone = v.timezone_name(timezone)
    phone = v.phone(phone, "The business phone", "phone")
    email = v.email(email, "The business email", "email")
    address = v.text(address, "The address", "address", 500, required=False, multiline=True)

    def work():
        if Business.select().where(Business.name == name).exists():
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "A business called {name} already exists."),
                               params={"name": repr(name)}, field="name")
        moment = current_time(now)
        business = Business.create(name=name, timezone=timezone, phone=phone, email=email,
                                   address=address, created_at=moment)
        audit(by, "business.create", "business", business.id, at=moment, name=name,
              timezone=timezone)
        return business_row(business)

    try:
        return run_write(work)
    except IntegrityError:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "A business called {name} already exists."),
                           params={"name": repr(name)}, field="name") from None


def list_businesses() -> list[BusinessRow]:
    return run_read(lambda: [business_row(b) for b in Business.select().order_by(Business.name)])


def get_business(business_id: int) -> BusinessRow:
    business_id = v.record_id(business_id, "business")
    business = run_read(lambda: Business.get_or_none(Business.id == business_id))
    if business is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That business no longer exists."))
    return business_row(business)


def find_business(name: str) -> BusinessRow:
    business = run_read(lambda: Business.get_or_none(Business.name == name))
    if business is None:
        raise NotFound(f"No business called {name!r}.")
    return business_row(business)


__all__ = [
    "BusinessRow", "business_row", "create_business", "list_businesses", "get_business",
    "find_business",
]
