"""The first run: a business with its hours, four weeks of slots and the
owner account, all in one transaction so a refused detail leaves nothing
half made and the person can simply correct it and try again."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..models import User
from . import validation as v
from ._tx import run_write
from .businesses import BusinessRow, create_business
from .hours import create_recurring_business_hours
from .slots import generate_time_slots
from .users import Account, create_user

FIRST_RUN_DAYS = 28


def set_up_business(name, timezone, template: str, slot_minutes: int, capacity: int,
                    username=None, password=None, owner: User | None = None,
                    days: int = FIRST_RUN_DAYS, now=None) -> tuple[Account | User, BusinessRow]:
    """Create the business, its weekly hours from `template`, slots from its
    local today for `days` days, and (unless `owner` is given, when accounts
    already exist) the owner account `username`/`password`. Returns (owner,
    business). Raises InvalidInput or PermissionDenied; then nothing is kept."""
    timezone = v.timezone_name(timezone)

    def work():
        account = owner or create_user(username, password, role="owner", now=now)
        business = create_business(name, timezone, by=account, now=now)
        create_recurring_business_hours(business, template, by=account, now=now)
        first = (now or datetime.now(ZoneInfo(timezone))).astimezone(ZoneInfo(timezone)).date()
        generate_time_slots(business, first, first + timedelta(days=days - 1),
                            slot_duration_minutes=slot_minutes, max_capacity=capacity,
                            by=account, now=now)
        return account, business

    return run_write(work)


__all__ = [
    "FIRST_RUN_DAYS", "set_up_business",
]
