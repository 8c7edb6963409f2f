"""Every rule and operation of Booking Desktop, in plain Python (no Qt).

The GUI and the command line call only what is exported here.
"""
from ..models import BOOKING_SOURCES, BOOKING_STATUSES
from ._tx import release_connection
from .backup import backup_database, database_is_empty, restore_database
from .bookings import (
    bookings_in_slots,
    cancel_booking,
    check_in_booking,
    clear_check_in,
    create_booking,
    find_booking,
    get_booking,
    new_reference,
    reschedule_booking,
    search_bookings,
    set_booking_status,
    upcoming_bookings,
)
from .connection import Probe as DatabaseProbe, probe_database
from .businesses import (
    BusinessRow,
    create_business,
    find_business,
    get_business,
    list_businesses,
)
from .customers import (
    CustomerRow,
    DuplicateGroup,
    find_customers,
    get_customer,
    likely_duplicates,
    merge_customers,
    update_customer,
)
from .desk import customer_history
from .customer_rights import (
    customers_to_erase,
    erase_customer,
    erase_expired_customers,
    export_customer,
    retention_preview,
    set_customer_retention,
    write_customer_export,
)
from .calendar import (
    BookingsOutsideHours,
    DayLoad,
    GenerationPreview,
    SpecialDay,
    StrandedBooking,
    block_reasons,
    bookings_outside_hours,
    delete_past_unbooked_slots,
    month_overview,
    preview_generation,
    remove_special_day,
    save_hours_exception,
    save_weekly_hours,
    set_slot_capacity,
    set_slots_blocked,
    special_days,
)
from .demo import build_demo
from .maintenance import MaintenanceReport, run_maintenance
from .hours import (
    TEMPLATES,
    DayStatus,
    create_recurring_business_hours,
    day_status,
    hours_exceptions,
    remove_hours_exception,
    set_hours_exception,
    set_weekly_hours,
    weekly_hours,
)
from .integrity import Problem, check_integrity, repair_counters
from .setup import set_up_business
from .sync import ChangeListener, listen_for_changes, own_connection_id
from .slots import (
    available_slots,
    day_bounds,
    GenerationCancelled,
    generate_time_slots,
    get_slot,
    nearest_free_slot,
    next_free_slot,
    set_slot_blocked,
    slot_defaults,
    slots_between,
)
from .users import (
    Account,
    authenticate,
    create_user,
    get_user,
    has_users,
    list_users,
    may_export,
    set_user_active,
    set_user_can_export,
    SignInThrottled,
    SignInTrouble,
    sign_in_troubles,
)

__all__ = [
    "ChangeListener", "listen_for_changes", "own_connection_id",
    "BOOKING_SOURCES", "BOOKING_STATUSES", "release_connection",
    "TEMPLATES", "Problem", "authenticate", "available_slots", "backup_database",
    "bookings_in_slots", "build_demo", "database_is_empty", "restore_database",
    "cancel_booking", "check_in_booking", "check_integrity", "create_booking",
    "BusinessRow", "create_business", "create_recurring_business_hours", "create_user", "day_bounds",
    "find_booking", "find_business", "generate_time_slots", "get_booking", "get_business",
    "get_slot", "get_user", "has_users", "hours_exceptions", "list_businesses", "list_users",
    "new_reference", "next_free_slot", "remove_hours_exception", "repair_counters",
    "reschedule_booking", "search_bookings", "set_up_business", "set_booking_status",
    "set_hours_exception",
    "set_slot_blocked", "set_user_active", "set_weekly_hours", "slots_between",
    "upcoming_bookings", "weekly_hours", "SignInThrottled", "SignInTrouble", "sign_in_troubles",
    # owner tools (calendar, hours editor, slot generation)
    "BookingsOutsideHours", "DayLoad", "GenerationCancelled", "GenerationPreview", "SpecialDay",
    "StrandedBooking", "block_reasons", "bookings_outside_hours", "delete_past_unbooked_slots",
    "month_overview", "preview_generation", "remove_special_day", "save_hours_exception", "save_weekly_hours",
    "set_slot_capacity", "set_slots_blocked", "special_days",
    # what the opening hours decide (issue 8)
    "DayStatus", "day_status", "nearest_free_slot", "slot_defaults",
    # reversible operations (undo/redo) live in services.undo
    "clear_check_in",
    # accounts without password hashes; who may export customers' details (issue 10)
    "Account", "may_export", "set_user_can_export",
    # connecting a desk to a shared database (issue 9)
    "DatabaseProbe", "probe_database",
    # customers: records, history, search by any fragment (issue 12)
    "CustomerRow", "DuplicateGroup", "find_customers", "get_customer", "customer_history",
    "update_customer", "merge_customers", "likely_duplicates",
    # their data rights: export, erasure, retention (issue 12, phase 2)
    "export_customer", "write_customer_export", "erase_customer", "set_customer_retention",
    "customers_to_erase", "erase_expired_customers", "retention_preview", "MaintenanceReport",
    "run_maintenance",
]
