"""Help → User guide (F1): the guides in `resources/help/` (Markdown, with
the README's screenshots) in Qt's own text browser, with a contents list
and a find box.

Each view names its section (`help_topic = (guide, anchor)`), and F1 opens
the guide there. Anchors are the headings as GitHub writes them ("Booking a
walk-in" → `booking-a-walk-in`), so a link in one guide to a section of the
other (`owners.md#reports`) works here and on GitHub alike.

Languages: the guides in the window's language (`resources/help/de/` for
German), English where a translation is missing. Sections are named by
their English anchors everywhere in the code (`help_topic`, the contents
list, `anchors()`); a translation's n-th heading is the English guide's
n-th heading (`section_keys`, the one rule), so F1 lands on the same
section in either language. Links inside a translation use its own
headings' anchors (as on GitHub) and are mapped back the same way.

Find: Ctrl+F, type, Enter for the next match (Shift+Enter the one before).
When the open guide has no further match the search goes on in the other
guide, then from the top; "No match" when there is none anywhere.
"""
import logging
import re
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import config
from . import i18n
from .status_style import colour

log = logging.getLogger(__name__)

GUIDES = ("front-desk", "owners")  # resources/help/<name>.md, in this order
FIRST_TOPIC = ("front-desk", None)
_GUIDE_ROLE = Qt.ItemDataRole.UserRole
_ANCHOR_ROLE = Qt.ItemDataRole.UserRole + 1


def help_dir() -> Path:
    return config.resources_dir() / "help"


def guide_path(guide: str, language: str = i18n.SOURCE_LANGUAGE) -> Path:
    """The guide in `language` (`resources/help/<language>/<guide>.md`);
    the English one when there is no such translation."""
    if language != i18n.SOURCE_LANGUAGE:
        translated = help_dir() / language / f"{guide}.md"
        if translated.is_file():
            return translated
    return help_dir() / f"{guide}.md"


def heading_titles(markdown: str) -> list[str]:
    """The `#` and `##` headings of a guide's Markdown, in order."""
    return re.findall(r"^#{1,2}\s+(.+?)\s*$", markdown, flags=re.MULTILINE)


def section_keys(guide: str, language: str) -> dict[str, str]:
    """The anchors of `guide` in `language` -> the English guide's anchors:
    the n-th heading of a translation is the n-th of the English guide.
    Identity for English. A translation with another number of headings is
    mapped as far as both go, and said in the log."""
    path = guide_path(guide, language)
    english = heading_titles(_read(guide_path(guide)))
    shown = heading_titles(_read(path)) if path != guide_path(guide) else english
    if len(shown) != len(english):
        log.warning("%s has %d headings, the English guide %d: F1 may land wrong",
                    path, len(shown), len(english))
    return {anchor_of(local): anchor_of(key) for local, key in zip(shown, english)}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def anchor_of(heading: str) -> str:
    """A heading's anchor, as GitHub makes it: "Checking in, no-shows and
    cancelling" → "checking-in-no-shows-and-cancelling"."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def headings(document: QTextDocument) -> list[tuple[int, str, int]]:
    """(level, text, position) of every heading of `document`, in order."""
    found = []
    block = document.begin()
    while block.isValid():
        level = block.blockFormat().headingLevel()
        if level:
            found.append((level, block.text(), block.position()))
        block = block.next()
    return found


class GuideBrowser(QTextBrowser):
    """The text browser, with the screenshots scaled to fit its width."""

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_images()

    def fit_images(self) -> None:
        document = self.document()
        room = max(120, self.viewport().width() - 2 * int(document.documentMargin()) - 8)
        changed = False
        block = document.begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                image = fragment.charFormat().toImageFormat()
                if fragment.charFormat().isImageFormat() and image.name():
                    picture = document.resource(QTextDocument.ResourceType.ImageResource,
                                                QUrl(image.name()))
                    size = picture.size() if picture is not None else None
                    if size is not None and size.width() > 0:
                        width = min(size.width(), room)
                        if abs(image.width() - width) >= 1:
                            image.setWidth(width)
                            image.setHeight(size.height() * width / size.width())
                            cursor = QTextCursor(document)
                            cursor.setPosition(fragment.position())
                            cursor.setPosition(fragment.position() + fragment.length(),
                                               QTextCursor.MoveMode.KeepAnchor)
                            cursor.setCharFormat(image)
                            changed = True
                fragments += 1
            block = block.next()
        if changed:  # Qt does not lay out again what follows a picture that changed size
            document.markContentsDirty(0, document.characterCount())


class HelpWindow(QWidget):
    """The user guide. `show_topic(guide, anchor)` opens it at a section."""

    def __init__(self, parent=None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(self.tr("Booking Desktop — User guide"))
        self.guide: str | None = None
        self.language = i18n.current_language()  # the window is made again when it changes
        self._sources: dict[str, str] = {}   # guide -> its Markdown, for the find across guides
        self._keys: dict[str, dict[str, str]] = {}  # guide -> its anchors -> English anchors

        self.contents = QTreeWidget()
        self.contents.setHeaderHidden(True)
        self.contents.setAccessibleName(self.tr("Contents"))
        self.contents.itemActivated.connect(self._contents_chosen)
        self.contents.itemClicked.connect(self._contents_chosen)

        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText(self.tr("Find in the guide (Ctrl+F, Enter for the next)"))
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setAccessibleName(self.tr("Find in the guide"))
        self.find_edit.returnPressed.connect(self.find_next)
        self.find_edit.textEdited.connect(lambda _text: self.find_status.clear())
        self.previous_button = QPushButton(self.tr("Previous"))
        self.previous_button.setToolTip(self.tr("Previous match (Shift+Enter)"))
        self.previous_button.clicked.connect(lambda: self.find_next(backward=True))
        self.next_button = QPushButton(self.tr("Next"))
        self.next_button.setToolTip(self.tr("Next match (Enter)"))
        self.next_button.clicked.connect(lambda: self.find_next())
        self.find_status = QLabel()
        self.find_status.setMinimumWidth(160)

        self.browser = GuideBrowser()
        self.browser.setOpenLinks(False)  # links are followed here (anchors are headings)
        self.browser.anchorClicked.connect(self._follow)
        self.browser.setAccessibleName(self.tr("User guide"))

        find_row = QHBoxLayout()
        find_row.addWidget(self.find_edit, 1)
        find_row.addWidget(self.previous_button)
        find_row.addWidget(self.next_button)
        find_row.addWidget(self.find_status)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(find_row)
        right_layout.addWidget(self.browser, 1)
        splitter = QSplitter()
        splitter.addWidget(self.contents)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([290, 730])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        for keys, slot in (("Ctrl+F", self.focus_find), ("F3", self.find_next),
                           ("Shift+F3", lambda: self.find_next(backward=True)),
                           ("Escape", self._escape)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
        previous = QShortcut(QKeySequence("Shift+Return"), self.find_edit)
        previous.setContext(Qt.ShortcutContext.WidgetShortcut)
        previous.activated.connect(lambda: self.find_next(backward=True))

        self._fill_contents()
        self.resize(1040, 720)

    # --- the guides ----------------------------------------------------------
    def path(self, guide: str) -> Path:
        """The file shown for `guide`: in the window's language if there is one."""
        return guide_path(guide, self.language)

    def _source(self, guide: str) -> str:
        if guide not in self._sources:
            self._sources[guide] = _read(self.path(guide))
        return self._sources[guide]

    def key_of(self, guide: str, anchor: str) -> str:
        """The English anchor of the section `anchor` of `guide` as shown
        (an English anchor stays itself)."""
        if guide not in self._keys:
            self._keys[guide] = section_keys(guide, self.language)
        return self._keys[guide].get(anchor, anchor)

    def _fill_contents(self) -> None:
        """Each guide and its sections (level-2 headings), from the Markdown."""
        self.contents.clear()
        for guide in GUIDES:
            top = None
            for line in self._source(guide).splitlines():
                found = re.match(r"^(#{1,2})\s+(.+?)\s*$", line)
                if found is None:
                    continue
                title = found[2]
                if len(found[1]) == 1 and top is None:
                    top = QTreeWidgetItem([title])
                    top.setData(0, _GUIDE_ROLE, guide)
                    top.setData(0, _ANCHOR_ROLE, "")
                    self.contents.addTopLevelItem(top)
                elif len(found[1]) == 2 and top is not None:
                    item = QTreeWidgetItem(top, [title])
                    item.setToolTip(0, title)  # whole when the list is narrow
                    item.setData(0, _GUIDE_ROLE, guide)
                    item.setData(0, _ANCHOR_ROLE, self.key_of(guide, anchor_of(title)))
        self.contents.expandAll()

    def _load(self, guide: str) -> None:
        if guide == self.guide:
            return
        path = self.path(guide)
        self.guide = guide
        if path.exists():
            self.browser.setSource(QUrl.fromLocalFile(str(path)),
                                   QTextDocument.ResourceType.MarkdownResource)
        else:
            self.browser.setPlainText(self.tr("The guide {file} is missing from this "
                                              "installation.").format(file=str(path)))
        self.browser.fit_images()

    def anchors(self) -> dict[str, int]:
        """The open guide's sections: English anchor -> position in the document."""
        return {self.key_of(self.guide, anchor_of(text)): position
                for _level, text, position in headings(self.browser.document())}

    def show_topic(self, guide: str, anchor: str | None = None) -> None:
        """Open `guide` at the section `anchor` (its English anchor; its top
        without one), and bring the window forward."""
        self._load(guide if guide in GUIDES else GUIDES[0])
        self.show()  # first: the pictures fit the width shown, which moves the sections
        self.raise_()
        self.activateWindow()
        self.go_to(anchor)

    def go_to(self, anchor: str | None) -> None:
        """Scroll the open guide so that section's heading (its English
        anchor, or the shown guide's own) is at the top."""
        anchor = self.key_of(self.guide, anchor) if anchor else anchor
        position = self.anchors().get(anchor, 0) if anchor else 0
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(position)
        self.browser.setTextCursor(cursor)
        document = self.browser.document()
        layout = document.documentLayout()
        # Laid out to its end first: Qt lays a long document out bit by bit,
        # and the scroll bar cannot reach what is not laid out yet.
        layout.blockBoundingRect(document.lastBlock())
        top = layout.blockBoundingRect(document.findBlock(position)).top()
        self.browser.verticalScrollBar().setValue(int(top))
        self._mark_contents(anchor or "")

    def section_at_top(self) -> str:
        """The (English) anchor of the section shown at the top of the browser."""
        top = self.browser.verticalScrollBar().value()
        layout = self.browser.document().documentLayout()
        shown = ""
        for _level, text, position in headings(self.browser.document()):
            block = self.browser.document().findBlock(position)
            if layout.blockBoundingRect(block).top() <= top + 2:
                shown = self.key_of(self.guide, anchor_of(text))
        return shown

    def section_at(self, position: int) -> str:
        """The (English) anchor of the section holding `position` of the open guide."""
        found = ""
        for _level, text, start in headings(self.browser.document()):
            if start <= position:
                found = self.key_of(self.guide, anchor_of(text))
        return found

    def _mark_contents(self, anchor: str) -> None:
        for i in range(self.contents.topLevelItemCount()):
            top = self.contents.topLevelItem(i)
            if top.data(0, _GUIDE_ROLE) != self.guide:
                continue
            chosen = top
            for j in range(top.childCount()):
                if top.child(j).data(0, _ANCHOR_ROLE) == anchor:
                    chosen = top.child(j)
            self.contents.blockSignals(True)
            self.contents.setCurrentItem(chosen)
            self.contents.blockSignals(False)

    def _contents_chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self._load(item.data(0, _GUIDE_ROLE))
        self.go_to(item.data(0, _ANCHOR_ROLE) or None)

    def _follow(self, url: QUrl) -> None:
        """A link: a section of this guide, another guide, or a web page."""
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
            return
        name = Path(url.path()).stem if url.path() else self.guide
        if name in GUIDES:
            self._load(name)
            self.go_to(url.fragment() or None)

    # --- find ----------------------------------------------------------------
    def focus_find(self) -> None:
        self.find_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_edit.selectAll()

    def _escape(self) -> None:
        if self.find_edit.text():
            self.find_edit.clear()
            self.find_status.clear()
        else:
            self.close()

    def find_next(self, backward: bool = False) -> bool:
        """The next match of the find box's text after the cursor (before it,
        `backward`), going on into the other guide and round from the top;
        says "No match" when the text is nowhere in the guides."""
        text = self.find_edit.text().strip()
        self.find_status.setStyleSheet("")
        if not text:
            self.find_status.clear()
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        if self.browser.find(text, flags):
            self.find_status.clear()
            self._mark_contents(self.section_at(self.browser.textCursor().position()))
            return True
        here = GUIDES.index(self.guide) if self.guide in GUIDES else 0
        step = -1 if backward else 1
        order = [GUIDES[(here + step * i) % len(GUIDES)] for i in range(1, len(GUIDES) + 1)]
        for guide in order:  # the others, then this one again from its start (or end)
            if text.lower() not in self._source(guide).lower():
                continue
            self._load(guide)
            cursor = QTextCursor(self.browser.document())
            cursor.movePosition(QTextCursor.MoveOperation.End if backward
                                else QTextCursor.MoveOperation.Start)
            self.browser.setTextCursor(cursor)
            if self.browser.find(text, flags):
                self._mark_contents(self.section_at(self.browser.textCursor().position()))
                self.find_status.setText(self.tr("Found in another part of the guide")
                                         if guide != order[-1] else
                                         (self.tr("From the end again") if backward
                                          else self.tr("From the top again")))
                return True
        self.find_status.setText(self.tr("No match for “{text}”").format(text=text))
        self.find_status.setStyleSheet(f"color: {colour('full').name()}; font-weight: 600;")
        return False
