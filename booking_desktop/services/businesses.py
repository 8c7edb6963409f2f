"""Businesses (branches) sharing one database."""
from peewee import IntegrityError

from ..errors import InvalidInput, NotFound
from ..models import Business, User
from . import validation as v
from ._tx import audit, current_time, require_owner, run_read, run_write


def create_business(name, timezone, phone=None, email=None, address=None,
                    by: User | None = None, now=None) -> Business:
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
            raise InvalidInput(f"A business called {name!r} already exists.", field="name")
        moment = current_time(now)
        business = Business.create(name=name, timezone=timezone, phone=phone, email=email,
                                   address=address, created_at=moment)
        audit(by, "business.create", "business", business.id, at=moment, name=name,
              timezone=timezone)
        return business

    try:
        return run_write(work)
    except IntegrityError:
        raise InvalidInput(f"A business called {name!r} already exists.", field="name") from None


def list_businesses() -> list[Business]:
    return run_read(lambda: list(Business.select().order_by(Business.name)))


def get_business(business_id: int) -> Business:
    business_id = v.record_id(business_id, "business")
    business = run_read(lambda: Business.get_or_none(Business.id == business_id))
    if business is None:
        raise NotFound("That business no longer exists.")
    return business


def find_business(name: str) -> Business:
    business = run_read(lambda: Business.get_or_none(Business.name == name))
    if business is None:
        raise NotFound(f"No business called {name!r}.")
    return business


__all__ = [
    "create_business", "list_businesses", "get_business", "find_business",
]
