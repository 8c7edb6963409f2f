"""The command line: `python main.py [--db URL] [COMMAND ...]`.

Without a command it opens the window. Every command works on the database
given by --db (before or after the command), else BOOKING_DB, else the
SQLite file in the user's data folder.

A mistake (a refusal from the services, a missing file, a bad or unreachable
database) prints one line starting with "error:" on stderr and exits 1; a
malformed command line exits 2, as argparse does. Anything unexpected is
reported in one line too, with the traceback logged only under --verbose.
The command line acts as the system (`by=None`): whoever can run it can read
the database file anyway.
"""
import argparse
import getpass
import logging
import os
import sqlite3
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from peewee import InterfaceError, OperationalError, ProgrammingError

from . import __version__, config, db, services
from .errors import BookingError, InvalidInput
from .services.integrity import audit_redactions, check_audit_chain

log = logging.getLogger(__name__)
# How the person started the commands, as help and messages name it: the
# built application (make dist) is `booking-desktop`.
PROG = "booking-desktop" if getattr(sys, "frozen", False) else "main.py"
DEMO_SEED = 2024


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The database drivers' own errors (psycopg is optional for SQLite-only desks)."""
    errors: list[type[BaseException]] = [sqlite3.Error]
    try:
        import psycopg
    except ImportError:
        pass
    else:
        errors.append(psycopg.Error)
    return tuple(errors)


class CommandLineParser(argparse.ArgumentParser):
    """argparse, with usage mistakes reported in one line (exit status 2)."""

    def error(self, message: str):
        self.exit(2, f"error: {message} (see: {self.prog} --help)\n")


# --- small helpers ------------------------------------------------------------------

def safe_url(url: str) -> str:
    """`url` with any password replaced by ***, for messages."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return url


def _url(args) -> str:
    return config.database_url(getattr(args, "db", None))


def _connect(args, migrate: bool = True):
    """Open the database of this run (creating and migrating it as needed)."""
    url = _url(args)
    log.info("database: %s", safe_url(url))
    return db.connect(url, migrate=migrate)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _months(text: str):
    if text == "off":
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of months or 'off': {text!r}") from None


def _read_password(password_file: str | None, username: str) -> str:
    """The first line of `password_file`, or typed twice at a hidden prompt."""
    if password_file is not None:
        try:
            with open(password_file, encoding="utf-8") as handle:
                password = handle.readline().rstrip("\r\n")
        except FileNotFoundError:
            raise InvalidInput(f"There is no password file at {password_file}.") from None
        if not password:
            raise InvalidInput(f"The password file {password_file} is empty.")
        return password
    try:
        password = getpass.getpass(f"Password for {username}: ")
        again = getpass.getpass("The same password again: ")
    except EOFError:
        raise InvalidInput("No password was typed; nothing was changed.") from None
    if password != again:
        raise InvalidInput("The two passwords differ; nothing was changed.")
    return password


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


# --- the commands -------------------------------------------------------------------

def cmd_gui(args) -> int:
    """No command: open the window (Qt is imported only now)."""
    try:
        from .ui.app import run_gui
    except ImportError as exc:
        raise InvalidInput(f"The window cannot open on this computer ({exc}). The commands "
                           f"still work: see {PROG} --help.") from None
    url = _url(args)
    log.info("database: %s", safe_url(url))
    return run_gui(url, connect=db.connect)  # _run closes it


def cmd_init(args) -> int:
    _connect(args)
    if services.has_users():
        raise InvalidInput("This database already has user accounts. Add more with: "
                           f"{PROG} user add NAME --role staff")
    password = _read_password(args.password_file, args.username)
    user = services.create_user(args.username, password, role="owner")
    print(f"Created the database {safe_url(_url(args))} and the owner account "
          f"{user.username!r}.")
    return 0


def _print_migration_status() -> None:
    for migration in db.migration_runner().status():
        if migration.applied:
            state = f"applied {migration.applied:%Y-%m-%d %H:%M:%S}"
        else:
            state = "not applied"
        missing = "  (its file is missing)" if migration.path is None else ""
        print(f"{migration.name:<32} {state}{missing}")


def cmd_migrate(args) -> int:
    _connect(args, migrate=False)
    if args.status:
        _print_migration_status()
        return 0
    if args.to == "zero" and db.migration_runner().applied() and not args.yes \
            and not services.database_is_empty():
        raise InvalidInput("Going back to 'zero' deletes every table and all the data in "
                           f"them. Make a backup first ({PROG} backup FILE), then add --yes.")
    if args.grant is not None and not db.is_postgres():
        db.grant_desk_role(args.grant)  # refuses, saying why
    direction, names = db.migrate_to(args.to)
    if not names:
        print("Nothing to do: the schema is already there.")
    elif direction == "up":
        print(f"Applied: {', '.join(names)}.")
    else:
        print(f"Rolled back: {', '.join(names)}.")
    if args.grant is not None:
        schema = db.grant_desk_role(args.grant)
        print(f"Granted {args.grant} a desk's rights in schema {schema}: read and write the "
              "bookings, append to the audit log (never change or delete it), no schema changes.")
    return 0


def cmd_demo(args) -> int:
    _connect(args)
    started = time.perf_counter()
    summary = services.build_demo(seed=args.seed, scale=args.scale)
    seconds = time.perf_counter() - started
    print(f"Built the demo in {safe_url(_url(args))} in {seconds:.1f} s:")
    print("  " + ", ".join(f"{b['name']} ({b['timezone']})" for b in summary["businesses"]))
    print(f"  {_plural(summary['slots'], 'time slot')} ({summary['blocked_slots']} blocked), "
          f"{_plural(summary['bookings'], 'booking')} ({summary['checked_in']:,} checked in)")
    for title in ("by_status", "by_source"):
        counts = ", ".join(f"{key} {n:,}" for key, n in summary[title].items())
        print(f"  {title.replace('_', ' ')}: {counts}")
    accounts = " or ".join(f"{name} (password {password})"
                           for name, password in summary["accounts"].items())
    print(f"Sign in as {accounts}.")
    return 0


def cmd_generate_slots(args) -> int:
    _connect(args)
    business = services.find_business(args.business)
    result = services.generate_time_slots(
        business, args.date_from, args.date_to, slot_duration_minutes=args.duration,
        max_capacity=args.capacity, buffer_minutes=args.buffer)
    past = f"; {result['past']:,} already begun, not made" if result["past"] else ""
    print(f"{business.name}: created {_plural(result['created'], 'slot')}, skipped "
          f"{result['skipped']:,} that already existed{past}.")
    return 0


def cmd_check(args) -> int:
    _connect(args)
    if args.repair:
        changes = services.repair_counters()
        for change in changes:
            print(f"Repaired slot {change['slot_id']}: counter {change['was']} -> {change['now']}.")
        if not changes:
            print("No counter needed repair.")
    problems = [str(p) for p in services.check_integrity()]
    chain = check_audit_chain()
    if not chain.intact:
        problems.append(chain.message)
    for problem in problems:
        print(problem)
    for rewrite in audit_redactions():  # not a problem: said so that it is known
        print(rewrite)
    if problems:
        return 1
    print("No problems found.")
    return 0


def cmd_customer_export(args) -> int:
    _connect(args)
    export = services.export_customer(args.id)
    written = services.write_customer_export(export, args.output)
    print(f"Customer {args.id}: {_plural(len(export['bookings']), 'booking')}, "
          f"{_plural(len(export['audit_events']), 'audit event')} written to "
          f"{', '.join(str(p) for p in written)}.")
    return 0


def cmd_customer_erase(args) -> int:
    _connect(args)
    count = services.erase_customer(args.id)
    print(f"Customer {args.id} erased, with {_plural(count, 'booking')}.")
    return 0


def cmd_retention(args) -> int:
    _connect(args)
    business = services.find_business(args.business)
    months = None if args.months == "off" else args.months
    months = services.set_customer_retention(business.id, months)
    print(f"{business.name}: " + ("customers are kept." if months is None else
          f"customers with no booking for {_plural(months, 'month')} are erased by maintain."))
    return 0


def cmd_maintain(args) -> int:
    _connect(args)
    report = services.run_maintenance(dry_run=args.dry_run)
    would = "would " if report.dry_run else ""
    if not report.ok:
        for problem in report.problems:
            print(problem)
        return _fail(f"The integrity check found {_plural(len(report.problems), 'problem')}; "
                     "nothing else was done.")
    print("Integrity check: no problems found.")
    for name, first, last, made in report.slots_made:
        print(f"{name}: {would}create {_plural(made, 'slot')} for {first:%Y-%m-%d} to "
              f"{last:%Y-%m-%d}.")
    for name, removed in report.slots_removed:
        print(f"{name}: {would}remove {_plural(removed, 'past unbooked slot')}.")
    for gone in report.erased:
        print(f"Customer {gone['customer_id']} (business {gone['business_id']}): "
              + (f"would be erased ({gone['name']})." if report.dry_run else "erased."))
    print(f"{_plural(len(report.erased), 'customer')} {would or ''}"
          f"{'be ' if report.dry_run else ''}erased (retention).")
    return 0


def _rows_summary(counts: dict[str, int]) -> str:
    return (f"{_plural(sum(counts.values()), 'row')}: {_plural(counts['booking'], 'booking')}, "
            f"{_plural(counts['time_slot'], 'slot')}, {_plural(counts['user'], 'user')}")


def cmd_backup(args) -> int:
    _connect(args)
    try:
        counts = services.backup_database(args.file)
    except OSError as exc:
        raise InvalidInput(f"Cannot write the backup to {args.file}: "
                           f"{exc.strerror or exc}.") from None
    print(f"Saved {_rows_summary(counts)} to {args.file}.")
    return 0


def cmd_restore(args) -> int:
    if not Path(args.file).expanduser().is_file():
        raise InvalidInput(f"There is no backup file at {args.file}.")  # before creating a db
    _connect(args)
    counts = services.restore_database(args.file)
    print(f"Restored {_rows_summary(counts)} from {args.file} into {safe_url(_url(args))}.")
    return 0


def cmd_move_to(args) -> int:
    """Copy this desk's database into an empty one, verify it, switch to it."""
    from .services.move import move_database
    source = _url(args)
    _connect(args)
    report = move_database(args.url)
    kept = config.remember_database(args.url)
    print(f"Copied {_rows_summary(report.rows)} from {safe_url(source)} to {report.target}, "
          "checked them row for row and the booking rules on the copy.")
    if config.is_local(args.url):
        print("This computer uses its own database file again.")
    else:
        print(f"This computer now uses {report.target}.")
    if config.password_of(args.url):
        print("Its password is kept in the system keyring." if kept else
              "No system keyring here: the password was not kept, so give it again "
              f"(--db or {config.ENV_DB}) or connect from the window.")
    if os.environ.get(config.ENV_DB):
        print(f"Note: {config.ENV_DB} is set and still chooses the database; unset it to use "
              "the new one.")
    return 0


def cmd_user_add(args) -> int:
    _connect(args)
    password = _read_password(args.password_file, args.username)
    user = services.create_user(args.username, password, role=args.role)
    print(f"Added the {user.role} account {user.username!r}.")
    return 0


def cmd_user_list(args) -> int:
    _connect(args)
    users = services.list_users()
    if not users:
        print(f"No user accounts yet; create the first owner with: {PROG} init")
    for user in users:
        state = "active" if user.active else "disabled"
        exports = "  may export" if user.can_export and user.role != "owner" else ""
        print(f"{user.username:<24} {user.role:<6} {state:<9} created {user.created_at:%Y-%m-%d}"
              f"{exports}")
    return 0


def _set_active(args, active: bool) -> int:
    _connect(args)
    user = services.set_user_active(args.username, active)
    print(f"The account {user.username!r} is {'enabled' if active else 'disabled'}.")
    return 0


def _set_can_export(args, allowed: bool) -> int:
    _connect(args)
    user = services.set_user_can_export(args.username, allowed)
    print(f"The account {user.username!r} "
          f"{'may now' if allowed else 'may no longer'} export customers' details.")
    return 0


def cmd_user_allow_export(args) -> int:
    return _set_can_export(args, True)


def cmd_user_deny_export(args) -> int:
    return _set_can_export(args, False)


def cmd_user_enable(args) -> int:
    return _set_active(args, True)


def cmd_user_disable(args) -> int:
    return _set_active(args, False)


def cmd_bench(args) -> int:
    """Hand over to booking_desktop.tools.bench with the arguments after `bench`."""
    try:
        from .tools import bench
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.tools.bench":
            raise
        raise InvalidInput("The benchmark is not part of this installation.") from None
    parser = CommandLineParser(
        prog=f"{PROG} bench", description=BENCH_HELP[0].upper() + BENCH_HELP[1:] + ".",
        epilog="--db URL: the (empty) database to fill; default: a scratch file in the "
               "temporary folder, never your own database.")
    bench.add_arguments(parser)
    try:
        bench_args = parser.parse_args(args.rest)
    except SystemExit as exc:  # bench --help, or a mistake in its options
        return _exit_status(exc)
    # Only an explicit --db: without one the benchmark uses a scratch file,
    # never the user's database.
    bench_args.db = getattr(args, "db", None)
    return bench.run(bench_args)


BENCH_HELP = "time the services on a large synthetic database"


def _export_filter(args):
    from .services.desk import BookingFilter
    business = services.find_business(args.business) if args.business else None
    return business, BookingFilter(business_id=business.id if business else None,
                                   date_from=args.date_from, date_to=args.date_to,
                                   statuses=tuple(args.status or ()),
                                   sources=tuple(args.source or ()), basis=args.basis)


def cmd_export(args) -> int:
    """Write the bookings of a period as CSV, XLSX, PDF or iCalendar."""
    from .services import exports
    from .services.validation import date_range
    _connect(args)
    date_range(args.date_from, args.date_to)  # before any file is made
    business, flt = _export_filter(args)
    started = time.perf_counter()
    if args.format == "pdf":
        try:
            from .ui.export.pdf_report import MANY_PAGES, estimate_pages, write_pdf
        except ImportError as exc:
            raise InvalidInput(f"PDF reports need Qt, which cannot load here ({exc}).") from None
        pages = estimate_pages(flt)
        if pages > MANY_PAGES:
            print(f"Note: this PDF will have about {pages:,} pages of bookings; "
                  "--format csv or xlsx suits that many better.", file=sys.stderr)
        count = write_pdf(args.output, flt)
    else:
        options = {"csv": {"bom": args.bom}, "ics": {"utc": args.utc}}.get(args.format, {})
        count = exports.export_bookings(args.format, args.output, flt, **options)
    print(f"Wrote {_plural(count, 'booking')} to {args.output} "
          f"({args.format.upper()}, {time.perf_counter() - started:.1f} s).")
    return 0


def cmd_report(args) -> int:
    """Print the report's figures as a table."""
    from .services.reports import booking_report
    _connect(args)
    business = services.find_business(args.business) if args.business else None
    report = booking_report(business, args.date_from, args.date_to, basis=args.basis)
    lines = report.figures()
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        print(f"{label:<{width}}  {value}")
    return 0


def cmd_bench_exports(args) -> int:
    """The exports' and reports' benchmark (booking_desktop.tools.bench_exports)."""
    from .tools import bench_exports
    return bench_exports.run(args)


def cmd_screenshot(args) -> int:
    """Render the views to PNG files (offscreen); on the demo data without --db."""
    try:
        from .tools.screenshots import render
    except ImportError as exc:
        raise InvalidInput(f"The window cannot be drawn on this computer ({exc}).") from None
    from .tools.screenshots import parse_language, parse_size
    written = render(args.directory, getattr(args, "db", None), parse_size(args.size),
                     parse_language(args.lang))
    for path in written:
        print(path)
    return 0


def cmd_bench_ui(args) -> int:
    """The front desk's timings: start-up, walk-in, the bookings table."""
    from .tools import bench_ui as ui_bench
    return ui_bench.run(args)


# --- the parser ---------------------------------------------------------------------

def _common_options(suppress: bool) -> argparse.ArgumentParser:
    """--db and --verbose, accepted before and after the command."""
    default = argparse.SUPPRESS if suppress else None
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", metavar="URL", default=default,
                        help="the database: sqlite:///PATH or postgresql://user:password@host/"
                             "dbname (default: $BOOKING_DB, else the file in your data folder)")
    parent.add_argument("-v", "--verbose", action="store_true",
                        default=argparse.SUPPRESS if suppress else False,
                        help="log what happens, with details of unexpected errors")
    return parent


def _add_user_commands(commands, common) -> None:
    user = commands.add_parser("user", parents=[common], help="add, list, disable user accounts",
                               description="User accounts of the people at the desk.")
    actions = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add an account (asks the password)")
    add.add_argument("username")
    add.add_argument("--role", choices=("owner", "staff"), default="staff")
    add.add_argument("--password-file", metavar="FILE", help="read the password from FILE's "
                     "first line instead of asking")
    add.set_defaults(handler=cmd_user_add)
    actions.add_parser("list", parents=[common], help="list the accounts"
                       ).set_defaults(handler=cmd_user_list)
    for name, handler, words in (("disable", cmd_user_disable, "stop an account signing in"),
                                 ("enable", cmd_user_enable, "let a disabled account sign in"),
                                 ("allow-export", cmd_user_allow_export, "let a staff account "
                                  "export customers' details (exports, reports)"),
                                 ("deny-export", cmd_user_deny_export, "stop a staff account "
                                  "exporting customers' details")):
        action = actions.add_parser(name, parents=[common], help=words)
        action.add_argument("username")
        action.set_defaults(handler=handler)


def _add_export_commands(command) -> None:
    from .models import BOOKING_SOURCES, BOOKING_STATUSES

    def period(sub):
        sub.add_argument("--from", dest="date_from", required=True, type=_date, metavar="DATE",
                         help="first day (YYYY-MM-DD, the business's local date)")
        sub.add_argument("--to", dest="date_to", required=True, type=_date, metavar="DATE",
                         help="last day, included")
        sub.add_argument("--business", metavar="NAME", help="one business (default: all)")

    export = command("export", cmd_export, "write the bookings of a period as CSV, XLSX, PDF "
                     "or iCalendar")
    export.add_argument("--format", required=True, choices=("csv", "xlsx", "pdf", "ics"))
    period(export)
    export.add_argument("--status", nargs="+", choices=BOOKING_STATUSES, metavar="S",
                        help=f"only these statuses ({', '.join(BOOKING_STATUSES)})")
    export.add_argument("--source", nargs="+", choices=BOOKING_SOURCES, metavar="S",
                        help=f"only these sources ({', '.join(BOOKING_SOURCES)})")
    export.add_argument("--bom", action=argparse.BooleanOptionalAction, default=True,
                        help="CSV: start with a byte-order mark so Excel reads accents right "
                        "(the default, as in the window); --no-bom for plain UTF-8")
    export.add_argument("--utc", action="store_true", help="iCalendar: times in UTC instead "
                        "of the business's time zone")
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write")

    report = command("report", cmd_report, "print a period's figures: bookings by status, "
                     "utilisation, cancellation, no-show and confirmation rates, lead times, "
                     "new and returning customers, the most no-shows")
    period(report)
    for parser in (export, report):
        parser.add_argument("--basis", choices=("appointment", "booked"), default="appointment",
                            help="a booking's date: its appointment's (default) or the date it "
                            "was booked (made)")

    bench = command("bench-exports", cmd_bench_exports, "time the exports and reports on "
                    "500,000 synthetic bookings")
    bench.add_argument("--scale", type=float, default=1.0, help="size as for bench (default 1.0)")
    bench.add_argument("--keep", action="store_true", help="reuse the synthetic data")
    bench.add_argument("--runs", type=int, default=5, help="runs of the report (default 5)")
    bench.add_argument("--csv-runs", type=int, default=3,
                       help="runs of the CSV export and of the raw dump, taking turns; the "
                            "fastest of each counts (default 3)")


def build_parser() -> CommandLineParser:
    common = _common_options(suppress=True)
    parser = CommandLineParser(
        prog=PROG, parents=[_common_options(suppress=False)],
        description="Booking Desktop: front-desk booking of time slots. "
                    "Without a command, opens the window.")
    parser.add_argument("--version", action="version", version=f"Booking Desktop {__version__}")
    parser.set_defaults(handler=cmd_gui, command=None)
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    def command(name, handler, summary, **kwargs):
        sub = commands.add_parser(name, parents=[common], help=summary,
                                  description=summary[0].upper() + summary[1:] + ".", **kwargs)
        sub.set_defaults(handler=handler)
        return sub

    init = command("init", cmd_init, "create the database and the first owner account")
    init.add_argument("--username", default="owner", help="the owner's username (default: owner)")
    init.add_argument("--password-file", metavar="FILE",
                      help="read the password from FILE's first line instead of asking")

    migrate = command("migrate", cmd_migrate, "bring the database schema up to date")
    what = migrate.add_mutually_exclusive_group()
    what.add_argument("--status", action="store_true", help="list the migrations and when each "
                      "was applied")
    what.add_argument("--to", metavar="NAME", help="go to migration NAME, rolling back later "
                      "ones ('zero' removes every table)")
    what.add_argument("--grant", metavar="ROLE", help="PostgreSQL: bring the schema up to date, "
                      "then give ROLE only what a desk needs (run as the role that owns the "
                      "schema; again after each upgrade)")
    migrate.add_argument("--yes", action="store_true", help="confirm that --to zero may delete "
                         "data")

    demo = command("demo", cmd_demo, "fill an empty database with realistic demo data")
    demo.add_argument("--seed", type=int, default=DEMO_SEED, help="the same seed gives the same "
                      "people and bookings (default: %(default)s)")
    demo.add_argument("--scale", type=float, default=1.0, help="fewer bookings, for quick tests "
                      "(0 < scale <= 1; default: 1, about 2,000 bookings)")

    slots = command("generate-slots", cmd_generate_slots,
                    "create time slots from a business's opening hours")
    slots.add_argument("--business", required=True, metavar="NAME", help="the business's name")
    slots.add_argument("--from", dest="date_from", required=True, type=_date, metavar="DATE",
                       help="first day (YYYY-MM-DD, the business's local date)")
    slots.add_argument("--to", dest="date_to", required=True, type=_date, metavar="DATE",
                       help="last day, included")
    slots.add_argument("--duration", type=int, default=30, help="minutes a slot (default: 30)")
    slots.add_argument("--capacity", type=int, default=1, help="bookings a slot (default: 1)")
    slots.add_argument("--buffer", type=int, default=0, help="minutes between slots (default: 0)")

    check = command("check", cmd_check, "look for broken booking rules (exit status 1 if any)")
    check.add_argument("--repair", action="store_true", help="first fix slot counters that "
                       "drifted from their bookings")

    export = command("customer-export", cmd_customer_export, "save everything stored about a "
                     "customer (their data rights): JSON, and CSV files next to it")
    export.add_argument("id", type=int, metavar="ID", help="the customer's id")
    export.add_argument("-o", "--output", required=True, metavar="FILE.json",
                        help="the JSON file to write")
    command("customer-erase", cmd_customer_erase, "erase a customer's name, contact details and "
            "notes from their record and bookings").add_argument(
        "id", type=int, metavar="ID", help="the customer's id")
    retention = command("retention", cmd_retention, "erase a business's customers who have had "
                        "no booking for some months (run by maintain)")
    retention.add_argument("--business", required=True, metavar="NAME", help="the business's name")
    retention.add_argument("--months", required=True, type=_months, metavar="N|off",
                           help="months without a booking, or 'off' (keep them; the default)")
    maintain = command("maintain", cmd_maintain, "the weekly or monthly routine: integrity "
                       "check, next month's slots, past unbooked slots removed, customers "
                       "erased after the retention period")
    maintain.add_argument("--dry-run", action="store_true", help="say what it would do, change "
                          "nothing")

    command("backup", cmd_backup, "save every table to a portable JSON file").add_argument(
        "file", help="the file to write")
    command("restore", cmd_restore, "load a backup into a new, empty database").add_argument(
        "file", help="a file made by the backup command")

    move = command("move-to", cmd_move_to, "copy this desk's database into an empty one "
                   "(SQLite to PostgreSQL or back), verify it row for row and switch to it")
    move.add_argument("url", metavar="URL", help="the empty target: postgresql://user:password@"
                      "host:port/dbname or sqlite:///PATH (the password goes to the system "
                      "keyring, never to a file)")

    _add_user_commands(commands, common)

    # Its options belong to booking_desktop.tools.bench, read when the command runs.
    command("bench", cmd_bench, BENCH_HELP, add_help=False)

    _add_export_commands(command)

    shots = command("screenshot", cmd_screenshot, "render the main views and dialogs to PNG "
                    "files (on demo data unless --db is given)")
    shots.add_argument("directory", metavar="DIR", help="folder for the PNG files")
    shots.add_argument("--size", default="1280x800", metavar="WxH",
                       help="main window size (default 1280x800; 1024x700 for a small screen)")
    shots.add_argument("--lang", default="en", metavar="LANG",
                       help="the windows' language: en (default) or de")

    bench_ui = command("bench-ui", cmd_bench_ui, "time the front desk: start-up, walk-in, "
                       "the bookings table with 500,000 bookings")
    from .tools import bench_ui as ui_bench  # no Qt at import: the options only
    ui_bench.add_arguments(bench_ui)
    return parser


# --- running ------------------------------------------------------------------------

@contextmanager
def logging_to_stderr(verbose: bool):
    """While a command runs, log to stderr: warnings, or from INFO up under
    --verbose. Removed afterwards, so a caller's own logging set-up (a test
    runner, an embedding program) is left as it was."""
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(min(previous_level or logging.WARNING, handler.level))
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


def _fail(message: str, status: int = 1) -> int:
    text = " ".join(str(message).split()) or "the command failed"
    print(f"error: {text}", file=sys.stderr)
    return status


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _run(args) -> int:
    """Run the chosen command, turning every failure into one line on stderr."""
    try:
        return args.handler(args)
    except BookingError as exc:
        return _fail(str(exc))
    except db.MigrationError as exc:
        return _fail(f"The schema could not be changed: {exc}")
    except (OperationalError, InterfaceError, ProgrammingError, *_driver_errors()) as exc:
        log.debug("database error", exc_info=True)
        return _fail(f"Cannot use the database {safe_url(_url(args))}: {_first_line(exc)}")
    except BrokenPipeError:  # `... | head`: the reader has all it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (nothing more is written)
        return 0
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        return _fail(f"{exc.strerror or exc}{where}")
    except KeyboardInterrupt:
        return _fail("Interrupted.", 130)
    except Exception as exc:
        if args.verbose:
            log.exception("unexpected error")
        return _fail(f"Something unexpected went wrong ({type(exc).__name__}: {_first_line(exc)})"
                     f"; run again with --verbose for the details.")
    finally:
        db.close()


def _exit_status(exc: SystemExit) -> int:
    return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)


def main(argv: list[str] | None = None) -> int:
    """Parse `argv` (default: sys.argv[1:]), run the command, return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    try:
        args, rest = parser.parse_known_args(argv)
        if rest and args.command != "bench":
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
    except SystemExit as exc:  # --help, --version, or a usage mistake
        return _exit_status(exc)
    args.rest = rest
    with logging_to_stderr(args.verbose):
        return _run(args)


__all__ = ["main", "build_parser", "safe_url"]
