"""Help → User guide: F1 opens the guide at the shown view's section; the
contents list; the find box (Ctrl+F, Enter for the next match, "No match");
the screenshots the guides show are found."""
import re

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QTextDocument

from booking_desktop.ui.help_window import GUIDES, anchor_of, guide_path, headings

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
