"""Help → User guide: F1 opens the guide at the shown view's section; the
contents list; the find box (Ctrl+F, Enter for the next match, "No match");
the screenshots the guides show are found. In German (View → Language →
Deutsch): the German guides (resources/help/de/), F1 at the same section,
their contents, find, links and pictures; English where a translation is
missing."""
import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QTextDocument

from booking_desktop.ui import help_window, i18n
from booking_desktop.ui.dialogs.customer_card import CustomerCard
from booking_desktop.ui.dialogs.health_dialog import HealthDialog
from booking_desktop.ui.help_window import (GUIDES, HelpWindow, anchor_of, guide_path,
                                            heading_titles, headings)

from .test_german import in_german

VIEWS = [  # (Ctrl+number, guide, section heading)
    (Qt.Key.Key_1, "front-desk", "Booking a walk-in"),
    (Qt.Key.Key_2, "owners", "The calendar"),
    (Qt.Key.Key_3, "front-desk", "Finding bookings"),
    (Qt.Key.Key_4, "owners", "Opening hours and holidays"),
    (Qt.Key.Key_5, "owners", "Reports"),
]


def heading_at_top(guide) -> str:
    """The text of the first line the browser shows."""
    return guide.browser.cursorForPosition(QPoint(4, 4)).block().text()


def shows_section(guide, heading: str) -> bool:
    """The section's heading is the first line shown, or (a section near the
    end, which cannot scroll to the top) shown with the guide at its end."""
    if heading_at_top(guide) == heading:
        return True
    bar = guide.browser.verticalScrollBar()
    block = guide.browser.textCursor().block()
    rect = guide.browser.cursorRect()
    return (bar.value() == bar.maximum() and block.text() == heading
            and 0 <= rect.top() < guide.browser.viewport().height())


@pytest.mark.parametrize("key, guide_name, heading", VIEWS)
def test_f1_opens_the_guide_at_the_views_section(qtbot, make_window, desk_owner, shop, key,
                                                 guide_name, heading):
    window = make_window(desk_owner, shop)
    qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    guide = window.help_window
    qtbot.waitUntil(guide.isVisible)
    assert guide.guide == guide_name
    assert shows_section(guide, heading)
    assert guide.browser.textCursor().block().text() == heading
    assert guide.contents.currentItem().text(0) == heading


def test_staff_get_the_front_desk_guide_too(qtbot, make_window, desk_staff, shop):
    window = make_window(desk_staff, shop)
    window.guide_action.trigger()
    qtbot.waitUntil(window.help_window.isVisible)
    assert heading_at_top(window.help_window) == "Booking a walk-in"


def test_every_views_topic_is_a_section_of_its_guide(make_window, desk_owner, shop):
    window = make_window(desk_owner, shop)
    window.open_guide("front-desk")
    guide = window.help_window
    topics = [view.help_topic for _title, view in window.views] + [("owners", "health")]
    for name, anchor in topics:
        guide.show_topic(name, anchor)
        assert guide.guide == name and anchor in guide.anchors(), (name, anchor)


def test_the_contents_list_every_section_and_go_there(qtbot, make_window, desk_owner, shop):
    window = make_window(desk_owner, shop)
    window.open_guide("front-desk")
    guide = window.help_window
    tops = [guide.contents.topLevelItem(i) for i in range(guide.contents.topLevelItemCount())]
    assert [top.text(0) for top in tops] == ["Front desk guide", "Owners' guide"]
    backups = next(tops[1].child(i) for i in range(tops[1].childCount())
                   if tops[1].child(i).text(0) == "Backups")
    guide.contents.setCurrentItem(backups)
    qtbot.keyClick(guide.contents, Qt.Key.Key_Return)
    assert guide.guide == "owners" and heading_at_top(guide) == "Backups"


def test_find_goes_from_match_to_match_and_says_when_there_is_none(qtbot, make_window,
                                                                   desk_owner, shop):
    window = make_window(desk_owner, shop)
    window.open_guide("front-desk")
    guide = window.help_window
    guide.activateWindow()
    qtbot.waitUntil(guide.isActiveWindow)
    qtbot.keyClick(guide, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert guide.find_edit.hasFocus()

    qtbot.keyClicks(guide.find_edit, "no-show")
    qtbot.keyClick(guide.find_edit, Qt.Key.Key_Return)
    first = guide.browser.textCursor()
    assert first.selectedText().lower() == "no-show"
    qtbot.keyClick(guide.find_edit, Qt.Key.Key_Return)
    second = guide.browser.textCursor()
    assert second.selectedText().lower() == "no-show"
    assert second.selectionStart() > first.selectionStart()
    qtbot.keyClick(guide.find_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert guide.browser.textCursor().selectionStart() == first.selectionStart()
    assert guide.find_status.text() == ""

    guide.find_edit.clear()
    qtbot.keyClicks(guide.find_edit, "zeppelin")
    qtbot.keyClick(guide.find_edit, Qt.Key.Key_Return)
    assert guide.find_status.text() == "No match for “zeppelin”"
    assert guide.find_status.isVisible()


def test_find_goes_on_into_the_other_guide(qtbot, make_window, desk_owner, shop):
    """A word only the owners' guide has, looked for from the front desk's."""
    window = make_window(desk_owner, shop)
    window.open_guide("front-desk")
    guide = window.help_window
    assert "keyring" not in guide_path("front-desk").read_text(encoding="utf-8")
    guide.find_edit.setText("keyring")
    qtbot.keyClick(guide.find_edit, Qt.Key.Key_Return)
    assert guide.guide == "owners"
    assert guide.browser.textCursor().selectedText() == "keyring"
    assert guide.find_status.text() == "Found in another part of the guide"
    assert guide.contents.currentItem().text(0) == "Several desks"


def test_a_link_to_the_other_guide_opens_it_at_its_section(qtbot, make_window, desk_owner, shop):
    window = make_window(desk_owner, shop)
    window.open_guide("owners", "the-calendar")
    guide = window.help_window
    guide.browser.anchorClicked.emit(QUrl("#opening-hours-and-holidays"))
    assert heading_at_top(guide) == "Opening hours and holidays"
    guide.browser.anchorClicked.emit(QUrl("front-desk.md"))
    assert guide.guide == "front-desk" and heading_at_top(guide) == "Front desk guide"


@pytest.mark.parametrize("name", GUIDES)
def test_the_guides_pictures_are_found_and_fit_the_window(qtbot, make_window, desk_owner, shop,
                                                          name):
    window = make_window(desk_owner, shop)
    window.open_guide(name)
    guide = window.help_window
    document = guide.browser.document()
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", guide_path(name).read_text(encoding="utf-8"))
    assert pictures
    for picture in pictures:
        assert (guide_path(name).parent / picture).resolve().is_file(), picture
        loaded = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(picture))
        assert loaded is not None and loaded.size().width() > 0, picture
    widths = []
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            if fragments.fragment().charFormat().isImageFormat():
                widths.append(fragments.fragment().charFormat().toImageFormat().width())
            fragments += 1
        block = block.next()
    assert len(widths) == len(pictures)
    assert all(0 < width <= guide.browser.viewport().width() for width in widths)


def test_headings_make_anchors_as_github_does():
    assert anchor_of("Checking in, no-shows and cancelling") == \
        "checking-in-no-shows-and-cancelling"
    assert anchor_of("Slots: making, blocking, capacity") == "slots-making-blocking-capacity"
    document = QTextDocument()
    document.setMarkdown("# A\n\ntext\n\n## B c\n")
    assert [(level, text) for level, text, _pos in headings(document)] == [(1, "A"), (2, "B c")]


# --- in German -----------------------------------------------------------------
GERMAN_VIEWS = [  # (Ctrl+number, guide, the section's German heading)
    (Qt.Key.Key_1, "front-desk", "Eine Buchung vor Ort"),
    (Qt.Key.Key_2, "owners", "Der Kalender"),
    (Qt.Key.Key_3, "front-desk", "Buchungen finden"),
    (Qt.Key.Key_4, "owners", "Öffnungszeiten und Feiertage"),
    (Qt.Key.Key_5, "owners", "Auswertungen"),
]
PICTURE = r"!\[[^\]]*\]\(([^)]+)\)"


def german_path(name):
    return guide_path(name).parent / "de" / f"{name}.md"


def markdown_headings(path) -> list[tuple[int, str]]:
    """(level, text) of the `#` and `##` headings of a guide file."""
    return [(len(hashes), text) for hashes, text in
            re.findall(r"^(#{1,2})\s+(.+?)\s*$", path.read_text(encoding="utf-8"), re.M)]


def german_heading_of(name, anchor) -> str:
    """The German heading at the place of the English guide's section `anchor`."""
    english = [text for _level, text in markdown_headings(guide_path(name))]
    german = [text for _level, text in markdown_headings(german_path(name))]
    return german[[anchor_of(text) for text in english].index(anchor)]


def test_view_language_deutsch_then_f1_opens_the_german_guide_at_the_views_section(
        qtbot, make_window, settings, desk_owner, shop):
    german = in_german(qtbot, make_window(desk_owner, shop), settings)
    for key, name, heading in GERMAN_VIEWS:
        qtbot.keyClick(german, key, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(german, Qt.Key.Key_F1)
        guide = german.help_window
        qtbot.waitUntil(guide.isVisible)
        assert guide.windowTitle() == "Booking Desktop — Benutzerhandbuch"
        assert guide.guide == name and guide.path(name) == german_path(name)
        assert shows_section(guide, heading), (heading, heading_at_top(guide))
        assert guide.browser.textCursor().block().text() == heading
        assert guide.contents.currentItem().text(0) == heading
        guide.close()
        german.activateWindow()
        qtbot.waitUntil(german.isActiveWindow)


def test_every_views_topic_reaches_its_german_section(qtbot, make_window, desk_owner, shop):
    """Each help_topic (the English anchors) lands on the German heading in
    the same place as the English one: the views, the Health window, the
    customer card."""
    i18n.install("de")
    window = make_window(desk_owner, shop)
    window.open_guide("front-desk")
    guide = window.help_window
    topics = [view.help_topic for _title, view in window.views]
    topics += [HealthDialog.help_topic, CustomerCard.help_topic]
    assert len(set(topics)) == 7
    for name, anchor in topics:
        guide.show_topic(name, anchor)
        heading = german_heading_of(name, anchor)
        assert heading != next(text for _level, text in markdown_headings(guide_path(name))
                               if anchor_of(text) == anchor)  # translated
        assert guide.guide == name and anchor in guide.anchors(), (name, anchor)
        assert guide.browser.textCursor().block().text() == heading
        assert shows_section(guide, heading), heading
        assert guide.section_at_top() == anchor


@pytest.mark.parametrize("name", GUIDES)
def test_every_english_section_has_a_german_one_in_the_same_order(name):
    english = markdown_headings(guide_path(name))
    german = markdown_headings(german_path(name))
    assert [level for level, _text in german] == [level for level, _text in english]
    assert all(de != en for (_l, de), (_m, en) in zip(german, english)), "untranslated"
    english_anchors = [anchor_of(text) for _level, text in english]
    german_anchors = [anchor_of(text) for _level, text in german]
    assert len(set(german_anchors)) == len(german_anchors)
    # a German anchor is never another section's English one (go_to takes either)
    assert not set(german_anchors) & set(english_anchors)
    assert help_window.section_keys(name, "de") == dict(zip(german_anchors, english_anchors))
    assert help_window.section_keys(name, "en") == dict(zip(english_anchors, english_anchors))
    assert heading_titles(german_path(name).read_text(encoding="utf-8")) == \
        [text for _level, text in german]


@pytest.mark.parametrize("name", GUIDES)
def test_the_german_guides_pictures_are_the_german_screenshots_and_are_found(
        qtbot, make_window, desk_owner, shop, name):
    i18n.install("de")
    window = make_window(desk_owner, shop)
    window.open_guide(name)
    guide = window.help_window
    document = guide.browser.document()
    english = re.findall(PICTURE, guide_path(name).read_text(encoding="utf-8"))
    german = re.findall(PICTURE, german_path(name).read_text(encoding="utf-8"))
    assert [Path(p).name for p in german] == [Path(p).name for p in english]
    screenshots = guide_path(name).parent.parent / "screenshots"
    for picture in german:
        file = (german_path(name).parent / picture).resolve()
        assert file.is_file(), picture
        wanted = screenshots / "de" / file.name
        assert file == (wanted if wanted.is_file() else screenshots / file.name), picture
        loaded = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(picture))
        assert loaded is not None and loaded.size().width() > 0, picture
    assert any("/de/" in picture for picture in german)


def test_the_german_contents_list_every_section_and_go_there(qtbot, make_window, desk_owner,
                                                             shop):
    i18n.install("de")
    window = make_window(desk_owner, shop)
    window.open_guide("front-desk")
    guide = window.help_window
    tops = [guide.contents.topLevelItem(i) for i in range(guide.contents.topLevelItemCount())]
    assert [top.text(0) for top in tops] == ["Handbuch für den Empfang", "Handbuch für Inhaber"]
    for top, name in zip(tops, GUIDES):
        assert [top.child(i).text(0) for i in range(top.childCount())] == \
            [text for level, text in markdown_headings(german_path(name)) if level == 2]
    backups = next(tops[1].child(i) for i in range(tops[1].childCount())
                   if tops[1].child(i).text(0) == "Sicherungen")
    guide.contents.setCurrentItem(backups)
    qtbot.keyClick(guide.contents, Qt.Key.Key_Return)
    assert guide.guide == "owners" and heading_at_top(guide) == "Sicherungen"
    assert guide.contents.currentItem().text(0) == "Sicherungen"


def test_find_in_german_goes_on_into_the_other_guide(qtbot, make_window, desk_owner, shop):
    i18n.install("de")
    window = make_window(desk_owner, shop)
    window.open_guide("front-desk")
    guide = window.help_window
    assert guide.find_edit.placeholderText().startswith("Im Handbuch suchen")
    assert "Schlüsselbund" not in german_path("front-desk").read_text(encoding="utf-8")
    guide.find_edit.setText("Schlüsselbund")
    qtbot.keyClick(guide.find_edit, Qt.Key.Key_Return)
    assert guide.guide == "owners"
    assert guide.browser.textCursor().selectedText() == "Schlüsselbund"
    assert guide.find_status.text() == "In einem anderen Teil des Handbuchs gefunden"
    assert guide.contents.currentItem().text(0) == "Mehrere Arbeitsplätze"
    guide.find_edit.setText("Zeppelin")
    qtbot.keyClick(guide.find_edit, Qt.Key.Key_Return)
    assert guide.find_status.text() == "Kein Treffer für „Zeppelin“"


def click_link(qtbot, guide, href: str) -> None:
    """A real click on the open guide's link to `href`."""
    document = guide.browser.document()
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor = guide.browser.textCursor()
                cursor.setPosition(fragment.position() + 1)
                guide.browser.setTextCursor(cursor)
                guide.browser.ensureCursorVisible()
                point = guide.browser.cursorRect(cursor).center()
                qtbot.mouseClick(guide.browser.viewport(), Qt.MouseButton.LeftButton,
                                 pos=point)
                return
            fragments += 1
        block = block.next()
    raise AssertionError(f"no link to {href}")


def test_links_in_the_german_guides_go_to_the_german_sections(qtbot, make_window, desk_owner,
                                                             shop):
    i18n.install("de")
    window = make_window(desk_owner, shop)
    window.open_guide("owners", "the-calendar")
    guide = window.help_window
    assert heading_at_top(guide) == "Der Kalender"
    click_link(qtbot, guide, "#öffnungszeiten-und-feiertage")
    assert guide.guide == "owners" and heading_at_top(guide) == "Öffnungszeiten und Feiertage"
    guide.go_to(None)
    click_link(qtbot, guide, "front-desk.md")
    assert guide.guide == "front-desk" and heading_at_top(guide) == "Handbuch für den Empfang"
    assert guide.path("front-desk") == german_path("front-desk")
    guide.go_to("keys")
    click_link(qtbot, guide, "owners.md")
    assert guide.guide == "owners" and heading_at_top(guide) == "Handbuch für Inhaber"


def test_a_missing_german_guide_is_shown_in_english(qtbot, make_window, desk_owner, shop,
                                                   tmp_path, monkeypatch):
    help_copy = tmp_path / "help"
    shutil.copytree(guide_path("owners").parent, help_copy)
    (help_copy / "de" / "owners.md").unlink()
    monkeypatch.setattr(help_window, "help_dir", lambda: help_copy)
    assert guide_path("owners", "de") == help_copy / "owners.md"
    assert guide_path("front-desk", "de") == help_copy / "de" / "front-desk.md"
    i18n.install("de")
    guide = HelpWindow()
    qtbot.addWidget(guide)
    guide.show_topic("owners", "reports")
    assert guide.browser.textCursor().block().text() == "Reports"
    assert guide.contents.currentItem().text(0) == "Reports"
    guide.show_topic("front-desk", "finding-bookings")
    assert guide.browser.textCursor().block().text() == "Buchungen finden"
    tops = [guide.contents.topLevelItem(i).text(0) for i in range(2)]
    assert tops == ["Handbuch für den Empfang", "Owners' guide"]
