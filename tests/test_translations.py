"""Every text the windows show goes through Qt's translation, the committed
catalogues hold exactly what the code says, and the German one is complete.

Two nets: an AST scan of ui/ finds literal text handed to a widget without
tr() (and tr() calls lupdate cannot read), and pyside6-lupdate run afresh
into a temporary .ts must give the same messages as the committed one."""
import ast
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from booking_desktop.tools import translations

UI = translations.PACKAGE / "ui"

# Methods and constructors whose text arguments reach the screen.
SHOWN_BY = {
    "setText", "setWindowTitle", "setToolTip", "setPlaceholderText", "addItem", "addItems",
    "insertItem", "setItemText", "setStatusTip", "setWhatsThis", "setTitle", "setSuffix",
    "setPrefix", "setSpecialValueText", "setLabelText", "showMessage", "show_message",
    "addTab", "setTabText", "addRow", "addMenu", "addAction", "addButton", "setHeaderLabels",
    "setHorizontalHeaderLabels", "setVerticalHeaderLabels", "setAccessibleName",
    "setAccessibleDescription", "setPlainText", "setHtml", "setName", "setTitleText",
    "setItemData", "information", "warning", "critical", "question", "getSaveFileName",
    "getOpenFileName", "getInt", "getText", "emit",
    "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QAction", "QGroupBox",
    "QToolButton", "QMenu", "QMessageBox", "QListWidgetItem", "QTreeWidgetItem",
    "QTableWidgetItem", "QStandardItem", "QBarSet", "QGraphicsSimpleTextItem",
    "FigureCard", "ElidedLabel",
}
# Which positional arguments show text, where not all of them do.
SHOWN_ARGS = {"addItem": (0,), "insertItem": (1,), "setItemText": (1,), "setItemData": (1,),
              "addTab": (1,), "setTabText": (1,), "addRow": (0,), "addButton": (0,),
              "information": (1, 2), "warning": (1, 2), "critical": (1, 2), "question": (1, 2),
              "getSaveFileName": (1, 3), "getOpenFileName": (1, 3), "getInt": (1, 2),
              "getText": (1, 2), "emit": (0,)}
LOGGERS = {"log", "logger", "logging"}
# Calls whose text is translated (their literal arguments are fine).
TRANSLATING = {"tr", "translate", "QT_TRANSLATE_NOOP"}


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _words(text: str) -> bool:
    """Text a person reads: two letters in a row (not "◀", "–", "3/5", "{n}")."""
    return re.search(r"[A-Za-z]{2,}", re.sub(r"\{[^}]*\}", "", text)) is not None


def _untranslated(node: ast.AST) -> list[ast.AST]:
    """Literal words inside `node` that no tr()/translate() call wraps."""
    found = []

    def visit(n: ast.AST) -> None:
        if isinstance(n, ast.Call):
            if _name(n) in TRANSLATING:
                return
            if isinstance(n.func, ast.Attribute) and n.func.attr == "format":
                visit(n.func.value)  # "Booked {ref}".format(...): the template counts
            for arg in [*n.args, *(k.value for k in n.keywords)]:
                if _name(n) == "format":
                    visit(arg)
            return
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            if _words(n.value):
                found.append(n)
            return
        if isinstance(n, ast.JoinedStr):
            for part in n.values:
                if isinstance(part, ast.Constant) and _words(part.value):
                    found.append(part)
            return
        if isinstance(n, (ast.BinOp, ast.IfExp, ast.BoolOp, ast.List, ast.Tuple)):
            for child in ast.iter_child_nodes(n):
                visit(child)

    visit(node)
    return found


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(translations.ROOT)
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node)
        logged = isinstance(node.func, ast.Attribute) and \
            getattr(node.func.value, "id", "") in LOGGERS
        if name in SHOWN_BY and not logged:
            keywords = [k.value for k in node.keywords if k.arg in ("text", "title", "toolTip")]
            shown = SHOWN_ARGS.get(name)
            args = [a for i, a in enumerate(node.args) if shown is None or i in shown]
            for arg in [*args, *keywords]:
                for literal in _untranslated(arg):
                    problems.append(f"{where}:{literal.lineno}: {name}() shows untranslated "
                                    f"{literal.value!r}")
        if name == "tr" and isinstance(node.func, ast.Attribute):
            first = node.args[0] if node.args else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                problems.append(f"{where}:{node.lineno}: tr() of a non-literal: lupdate cannot "
                                "read it (mark the text with QT_TRANSLATE_NOOP)")
        if name == "translate" and isinstance(node.func, ast.Attribute) \
                and getattr(node.func.value, "id", "") == "QCoreApplication":
            context = node.args[0] if node.args else None
            if not (isinstance(context, ast.Constant) and isinstance(context.value, str)):
                problems.append(f"{where}:{node.lineno}: translate() needs a literal context")
            if len(node.args) > 3:
                problems.append(f"{where}:{node.lineno}: a plural through "
                                "QCoreApplication.translate is not read as one by lupdate; "
                                "use self.tr(text, '', n) in a class")
        if name in ("_tr", "tr") and isinstance(node.func, ast.Name) and node.args and \
                isinstance(node.args[0], ast.Constant):
            problems.append(f"{where}:{node.lineno}: {name}({node.args[0].value!r}): lupdate "
                            "does not read a helper's calls; call QCoreApplication.translate")
    return problems


def test_every_text_the_windows_show_is_marked_for_translation():
    problems = [p for path in sorted(UI.rglob("*.py")) for p in _problems(path)]
    assert problems == [], "\n".join(problems)


def test_every_marker_holds_literal_text():
    """QT_TRANSLATE_NOOP(context, text) with anything but two literals marks
    nothing: lupdate reads the source, not the values (services and ui)."""
    problems = []
    for path in translations.sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node) == "QT_TRANSLATE_NOOP" and not (
                    len(node.args) == 2 and all(isinstance(a, ast.Constant) for a in node.args)):
                problems.append(f"{path.relative_to(translations.ROOT)}:{node.lineno}")
    assert problems == [], problems


def test_the_words_the_exports_translate_are_in_the_catalogue():
    from booking_desktop.services.exports import WORDS
    german = {source for (context, source, _), _m in _messages(translations.ts_path("de")).items()
              if context == "exports"}
    assert set(WORDS) <= german, sorted(set(WORDS) - german)


def test_the_scan_finds_unmarked_text(tmp_path):
    """The scan itself: it flags what it is there to flag, and passes the rest."""
    sample = tmp_path / "booking_desktop" / "ui" / "sample.py"
    sample.parent.mkdir(parents=True)
    sample.write_text(
        "def build(self, n, label):\n"
        "    self.button.setText('Book now')\n"                          # flagged
        "    QLabel(f'{n} bookings')\n"                                  # flagged
        "    self.bar.show_message('Saved {ref}.'.format(ref=n))\n"      # flagged
        "    QPushButton(text='Cancel')\n"                               # flagged
        "    self.label.setText(self.tr(label))\n"                       # flagged: not a literal
        "    QCoreApplication.translate('Ctx', '%n slot(s)', '', n)\n"   # flagged: plural
        "    _tr('Closed')\n"                                            # flagged: a helper
        "    self.button.setText(self.tr('Book now'))\n"
        "    QLabel(self.tr('{n} bookings').format(n=n))\n"
        "    self.prev.setText('◀')\n"
        "    QLabel(f'{n}/{n}')\n"
        "    self.title.setText(QCoreApplication.translate('Ctx', label))\n",
        encoding="utf-8")
    original = translations.ROOT
    try:
        translations.ROOT = tmp_path
        problems = _problems(sample)
    finally:
        translations.ROOT = original
    assert sorted(int(p.split(":")[1]) for p in problems) == [2, 3, 4, 5, 6, 7, 8], \
        "\n".join(problems)


def _messages(ts: Path) -> dict[tuple[str, str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    found = {}
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            key = (name, message.findtext("source"), message.findtext("comment") or "")
            found[key] = message
    return found


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """lupdate run now over the code, into new .ts files."""
    folder = tmp_path_factory.mktemp("ts")
    made = {}
    for code in translations.LANGUAGES:
        path = translations.ts_path(code, folder)
        translations.extract(path, code, plural_only=code in translations.PLURAL_ONLY)
        made[code] = _messages(path)
    return made


@pytest.mark.parametrize("code", translations.LANGUAGES)
def test_the_committed_catalogue_holds_what_the_code_says(fresh, code):
    """A text added or changed in the code and not in resources/i18n (run
    `make lupdate`, translate, commit) fails here, and so does a stale one."""
    committed = _messages(translations.ts_path(code))
    missing = sorted(set(fresh[code]) - set(committed))
    stale = sorted(set(committed) - set(fresh[code]))
    assert (missing, stale) == ([], []), f"not in the .ts: {missing}\nno longer in the code: {stale}"
    for key, message in committed.items():
        assert (message.get("numerus") == "yes") == (fresh[code][key].get("numerus") == "yes"), key


@pytest.mark.parametrize("code", translations.LANGUAGES)
def test_every_message_is_translated(code):
    """German: every text; English: every plural's singular and plural form."""
    messages = _messages(translations.ts_path(code))
    assert messages
    for key, message in messages.items():
        translation = message.find("translation")
        assert translation.get("type") not in ("unfinished", "vanished", "obsolete"), key
        forms = [f.text or "" for f in translation.iter("numerusform")] \
            if message.get("numerus") == "yes" else [translation.text or ""]
        assert forms and all(form.strip() for form in forms), key
        assert len(forms) == (2 if message.get("numerus") == "yes" else 1), key


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{[^{}]*\}", text))


def test_translations_keep_every_placeholder():
    """"{name}", "{when}" and "%n" survive translation: else .format() fails
    (the window falls back to English) or a value goes missing."""
    for code in translations.LANGUAGES:
        for (context, source, _), message in _messages(translations.ts_path(code)).items():
            translation = message.find("translation")
            forms = [f.text or "" for f in translation.iter("numerusform")] or \
                [translation.text or ""]
            for form in forms:
                assert _placeholders(form) == _placeholders(source), (code, context, source, form)
            if "%n" in source:  # the singular may say "the next day"; the plural names n
                assert "%n" in forms[-1], (code, context, source, forms)

