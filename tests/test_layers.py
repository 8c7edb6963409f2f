"""The layers as docs/architecture.md draws them, checked on the source: the
services never import Qt; the windows never import the models or the
database module (they get rows and errors from the services)."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "booking_desktop"


def imported(path: Path) -> set[str]:
    """Every module `path` imports, as absolute dotted names."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = list(package[:len(package) - node.level + 1]) if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names.add(module)
            names |= {f"{module}.{alias.name}" for alias in node.names}
    return names


def offenders(folder: str, forbidden) -> dict[str, set[str]]:
    found = {}
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        bad = {name for name in imported(path) if forbidden(name)}
        if bad:
            found[str(path.relative_to(PACKAGE))] = bad
    return found


def test_services_never_import_qt():
    assert offenders("services", lambda name: name.split(".")[0] == "PySide6") == {}


def test_windows_never_import_the_models_or_the_database():
    def forbidden(name: str) -> bool:
        return name in ("booking_desktop.models", "booking_desktop.db") or name.startswith(
            ("booking_desktop.models.", "booking_desktop.db."))
    assert offenders("ui", forbidden) == {}


def test_the_check_sees_a_relative_import():
    """The checker itself: `from ..models import X` in ui/ is found."""
    probe = PACKAGE / "ui" / "session.py"
    assert "booking_desktop.services" in imported(probe)
    assert "booking_desktop.clock.utcnow" in imported(probe)


def test_services_use_each_others_public_names_only():
    """A service module imports from another only what that module's __all__
    offers (peewee's rule for playhouse: a small explicit core); `_tx` is the
    services' shared plumbing and may be used by all of them."""
    import importlib

    problems = []
    for path in sorted((PACKAGE / "services").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.level == 1 and node.module):
                continue
            if node.module == "_tx":
                continue
            offered = getattr(importlib.import_module(f"booking_desktop.services.{node.module}"),
                              "__all__", None)
            for alias in node.names:
                if alias.name.startswith("_") or (offered is not None
                                                  and alias.name not in offered):
                    problems.append(f"{path.name} imports {alias.name} from {node.module}")
    assert problems == []


def test_windows_import_the_services_at_module_level_only():
    """What the windows get from the services is watched in every GUI test
    (tests/ui/boundary.py: no live peewee model may reach a widget) by
    wrapping the service names each ui module imported; an import inside a
    function would slip past that watch."""
    late = []
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom):
                    names = [node.module or ""] + [alias.name for alias in node.names]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                if any(name == "services" or "services." in name or name.endswith(".services")
                       for name in names):
                    late.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert late == []
