"""The translation catalogues: extract with pyside6-lupdate, build with
pyside6-lrelease (both ship with PySide6).

    python -m booking_desktop.tools.translations update   # code → resources/i18n/*.ts (commit them)
    python -m booking_desktop.tools.translations build    # *.ts → *.qm (make does it; not committed)

Sources: every module of ui/ (self.tr, QCoreApplication.translate), and
errors.py, db.py and services/ for the error messages the window shows, marked
with QT_TRANSLATE_NOOP (booking_desktop/errors.py). The German catalogue
holds every text; the English one only the plural forms (lupdate
-pluralonly), since English is the language of the code. Locations are left
out of the .ts files, so that moving code does not change them.
"""
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent
I18N = ROOT / "resources" / "i18n"
CATALOGUE = "booking_desktop"
LANGUAGES = ("de", "en")  # en: plural forms only
PLURAL_ONLY = ("en",)


def sources() -> list[Path]:
    """The Python files whose texts the catalogues hold."""
    files = sorted((PACKAGE / "ui").rglob("*.py")) + [PACKAGE / "errors.py", PACKAGE / "db.py"]
    files += sorted((PACKAGE / "services").rglob("*.py"))
    return [f for f in files if "__pycache__" not in f.parts]


def ts_path(code: str, folder: Path = I18N) -> Path:
    return folder / f"{CATALOGUE}_{code}.ts"


def _tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / f"pyside6-{name}"
    found = str(beside) if beside.exists() else shutil.which(f"pyside6-{name}")
    if found is None:
        raise FileNotFoundError(f"pyside6-{name} not found (it comes with PySide6)")
    return found


def extract(ts_file: Path, code: str, plural_only: bool = False) -> None:
    """Run lupdate over the sources into `ts_file` (made or updated: existing
    translations are kept, texts no longer in the code dropped)."""
    ts_file.parent.mkdir(parents=True, exist_ok=True)
    args = [_tool("lupdate"), "-silent", "-no-obsolete", "-locations", "none",
            "-source-language", "en", "-target-language", code]
    if plural_only:
        args.append("-pluralonly")
    args += [str(f.relative_to(ROOT)) for f in sources()]
    args += ["-ts", str(ts_file)]
    subprocess.run(args, check=True, cwd=ROOT)


def update() -> None:
    for code in LANGUAGES:
        extract(ts_path(code), code, plural_only=code in PLURAL_ONLY)


def qm_path(code: str, folder: Path = I18N) -> Path:
    return folder / f"{CATALOGUE}_{code}.qm"


def build(force: bool = False) -> list[Path]:
    """Compile each .ts into its .qm when missing or older; the .qm files made."""
    made = []
    for code in LANGUAGES:
        ts, qm = ts_path(code), qm_path(code)
        if not ts.exists():
            continue
        if force or not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            subprocess.run([_tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
            made.append(qm)
    return made


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else "build"
    if command == "update":
        update()
    elif command == "build":
        for path in build(force="--force" in argv):
            print(path.relative_to(ROOT))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
