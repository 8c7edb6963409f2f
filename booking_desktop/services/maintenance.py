"""The routine an owner (or a scheduled job) runs weekly or monthly:
`main.py maintain`. In order: the integrity check (booking rules and the
audit log's chain; a problem stops the rest, nothing is changed), next
month's slots from each business's weekly hours, removing past slots that
were never booked, and erasing the customers whose business's retention
period has passed (services.customer_rights). A dry run reads only and says
what each step would do.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..models import User
from .businesses import list_businesses
from .calendar import count_past_unbooked_slots, delete_past_unbooked_slots, preview_generation
from .customer_rights import customers_to_erase, erase_expired_customers
from .integrity import check_audit_chain, check_integrity
from .slots import generate_time_slots, slot_defaults, zone
from ._tx import current_time, require_owner


@dataclass
class MaintenanceReport:
    dry_run: bool
    problems: list[str] = field(default_factory=list)   # the integrity check's findings
    # (business name, first day, last day, slots created or to create)
    slots_made: list[tuple[str, date, date, int]] = field(default_factory=list)
    slots_removed: list[tuple[str, int]] = field(default_factory=list)
    erased: list[dict] = field(default_factory=list)     # as customers_to_erase lists them

    @property
    def ok(self) -> bool:
        return not self.problems


def next_month(today: date) -> tuple[date, date]:
    """The first and last day of the month after `today`'s."""
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def run_maintenance(dry_run: bool = False, by: User | None = None,
                    now: datetime | None = None) -> MaintenanceReport:
    """Run the routine (see the module); each step is its own transaction,
    with its own audit events. Owner only. A failed integrity check is in
    `report.problems`, and the later steps are not run."""
    require_owner(by, "run the maintenance routine")
    report = MaintenanceReport(dry_run)
    report.problems = [str(p) for p in check_integrity()]
    chain = check_audit_chain()
    if not chain.intact:
        report.problems.append(chain.message)
    if report.problems:
        return report
    moment = current_time(now)
    for business in list_businesses():
        first, last = next_month(moment.astimezone(zone(business)).date())
        duration, capacity = slot_defaults(business)
        if dry_run:
            made = preview_generation(business, first, last, duration, capacity,
                                      now=moment).created
        else:
            made = generate_time_slots(business, first, last, duration, capacity, by=by,
                                       now=moment)["created"]
        report.slots_made.append((business.name, first, last, made))
        removed = (count_past_unbooked_slots(business, now=moment) if dry_run
                   else delete_past_unbooked_slots(business, by=by, now=moment))
        report.slots_removed.append((business.name, removed))
    report.erased = (customers_to_erase(by=by, now=moment) if dry_run
                     else erase_expired_customers(by=by, now=moment))
    return report


__all__ = ["MaintenanceReport", "run_maintenance", "next_month"]
