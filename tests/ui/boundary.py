"""The boundary between the windows and the services, watched while the
windows run: every value a ui module gets back from a service (or finds in
an error a service raised) is searched for live peewee objects, a model
instance or a query. The windows must get frozen rows (docs/architecture.md:
"Widgets get frozen rows"); a live model would run SQL on the GUI thread
when a widget reads a foreign key, and show what the database said when it
was read as if it were now.

`install(monkeypatch)` wraps, in every module of booking_desktop.ui, each
service function it imported by name and each services module it imported
(`from ... import services`, `from ...services import desk, undo`), so only
calls made by the windows are checked, not the services' calls among
themselves. tests/test_layers.py checks that the windows import the
services at module level only, where this sees them.
"""
import dataclasses
import datetime
import decimal
import enum
import functools
import importlib
import inspect
import pkgutil
import threading
import types
from pathlib import Path

import peewee

import booking_desktop.ui

SERVICES = "booking_desktop.services"

# Not there yet (issue 9, docs/architecture.md): an undo outcome's `result`
# is still what the service returned, a live Booking or TimeSlot. The
# operation pipeline gives the desk rows in its place (Outcome.rows); then
# this goes. Every other field of an Outcome is checked.
NOT_YET = {("Outcome", "result")}
PLAIN = (str, bytes, int, float, bool, type(None), datetime.date, datetime.time,
         datetime.timedelta, decimal.Decimal, enum.Enum, Path)


def live_objects(value, path: str = "") -> list[str]:
    """Where `value` holds a live peewee object: "[3].result: Booking"."""
    found: list[str] = []
    seen: set[int] = set()

    def visit(value, path: str) -> None:
        if isinstance(value, PLAIN) or id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, peewee.Model | peewee.Node):
            found.append(f"{path or 'the value'}: {type(value).__name__}")
        elif isinstance(value, dict):
            for key, item in value.items():
                visit(key, f"{path}[key {key!r}]")
                visit(item, f"{path}[{key!r}]")
        elif isinstance(value, list | tuple | set | frozenset):
            for i, item in enumerate(value):
                visit(item, f"{path}[{i}]")
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                if (type(value).__name__, field.name) not in NOT_YET:
                    visit(getattr(value, field.name), f"{path}.{field.name}")
        elif isinstance(value, BaseException) or (
                type(value).__module__.startswith("booking_desktop.")
                and hasattr(value, "__dict__")):
            if isinstance(value, BaseException):
                visit(value.args, f"{path}.args")
            for name, item in vars(value).items():
                visit(item, f"{path}.{name}")

    visit(value, path)
    return found


def is_service_function(value) -> bool:
    return inspect.isfunction(value) and value.__module__.startswith(SERVICES + ".")


def is_services_module(value) -> bool:
    return isinstance(value, types.ModuleType) and (
        value.__name__ == SERVICES or value.__name__.startswith(SERVICES + "."))


class Guard:
    """Wraps service functions for the windows and keeps what crossed."""

    def __init__(self):
        self.crossings: list[str] = []
        self._lock = threading.Lock()
        self._wrapped: dict[object, object] = {}

    def _note(self, call: str, value) -> None:
        found = live_objects(value)
        if found:
            with self._lock:
                self.crossings.extend(f"{call} → {where}" for where in found)

    def wrap(self, function):
        """The guarded function (the same one for every module: `is` holds)."""
        if function in self._wrapped:
            return self._wrapped[function]
        call = f"{function.__module__.removeprefix(SERVICES + '.')}.{function.__name__}()"

        @functools.wraps(function)
        def guarded(*args, **kwargs):
            try:
                result = function(*args, **kwargs)
            except BaseException as exc:
                self._note(f"{call} raised", exc)
                raise
            if inspect.isgenerator(result):
                return self._checked(call, result)
            self._note(call, result)
            return result

        self._wrapped[function] = guarded
        return guarded

    def _checked(self, call: str, items):
        for item in items:
            self._note(call + " yielded", item)
            yield item

    def module(self, module: types.ModuleType) -> "GuardedModule":
        return GuardedModule(self, module)


class GuardedModule:
    """A services module as the windows see it: its functions guarded,
    everything else (classes, constants) itself. Setting or deleting a name
    changes the real module, so tests can still patch through it."""

    def __init__(self, guard: Guard, module: types.ModuleType):
        object.__setattr__(self, "_guard", guard)
        object.__setattr__(self, "_module", module)

    def __getattr__(self, name: str):
        value = getattr(self._module, name)
        if is_services_module(value):
            return self._guard.module(value)
        if is_service_function(value):
            return self._guard.wrap(value)
        return value

    def __setattr__(self, name: str, value) -> None:
        setattr(self._module, name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._module, name)

    def __repr__(self) -> str:
        return f"<guarded {self._module.__name__}>"


def ui_modules() -> list[types.ModuleType]:
    package = booking_desktop.ui
    names = [package.__name__] + [info.name for info in pkgutil.walk_packages(
        package.__path__, package.__name__ + ".")]
    return [importlib.import_module(name) for name in names]


def install(monkeypatch) -> Guard:
    """Guard every service function and services module the windows imported."""
    guard = Guard()
    for module in ui_modules():
        for name, value in list(vars(module).items()):
            if is_services_module(value):
                monkeypatch.setattr(module, name, guard.module(value))
            elif is_service_function(value):
                monkeypatch.setattr(module, name, guard.wrap(value))
    return guard
