"""The window's language: which one, its translators and its QLocale.

Every text of the windows goes through Qt's translation (`self.tr`,
`QCoreApplication.translate`); `pyside6-lupdate` extracts them into
`resources/i18n/booking_desktop_<lang>.ts` and `make` builds the `.qm` files
Qt loads (`booking_desktop.tools.translations`). English is the source
language; its `.ts` holds only the plural forms ("%n place(s) free" → "1
place free" / "3 places free").

The language follows the system's (the first of its UI languages the app
speaks, else English) unless the person chose one (View → Language, kept in
the settings). Dates, times and numbers follow a QLocale of that language:
the system's own when it speaks it (its country's conventions: first day of
the week, digit grouping), else that language in the system's country
(English in Germany: "en_DE"), else the language's main country.
"""
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from .. import config

log = logging.getLogger(__name__)

# (code, name in its own language): the choices offered, never translated.
LANGUAGES = (("en", "English"), ("de", "Deutsch"))
CODES = tuple(code for code, _name in LANGUAGES)
SOURCE_LANGUAGE = "en"
CATALOGUE = "booking_desktop"  # resources/i18n/booking_desktop_<code>.ts / .qm

_LANGUAGE_ENUMS = {"en": QLocale.Language.English, "de": QLocale.Language.German}
_installed: list[QTranslator] = []
_current = {"language": SOURCE_LANGUAGE, "installed": False}


def translations_dir() -> Path:
    return config.resources_dir() / "i18n"


def qm_path(code: str) -> Path:
    return translations_dir() / f"{CATALOGUE}_{code}.qm"


def system_language(system: QLocale | None = None) -> str:
    """The first of the system's UI languages the app speaks; else English."""
    system = system if system is not None else QLocale.system()
    for tag in system.uiLanguages():
        code = tag.replace("_", "-").split("-")[0].lower()
        if code in CODES:
            return code
    return SOURCE_LANGUAGE


def chosen_language(setting: str | None, system: QLocale | None = None) -> str:
    """The language to use: the one chosen in the settings, else the system's."""
    return setting if setting in CODES else system_language(system)


def locale_for(code: str, system: QLocale | None = None) -> QLocale:
    """The QLocale whose formats the windows use in language `code`."""
    system = system if system is not None else QLocale.system()
    wanted = _LANGUAGE_ENUMS[code]
    if system.language() == wanted:
        return QLocale(system)
    if code == SOURCE_LANGUAGE and system.language() == QLocale.Language.C:
        return QLocale(system)  # "C"/POSIX: English names, plain numbers
    return QLocale(wanted, system.territory())  # Qt picks the main country if there is none


def current_language() -> str:
    return _current["language"]


def installed() -> bool:
    """Whether a language was installed in this process (a window's start)."""
    return _current["installed"]


def install(code: str, system: QLocale | None = None) -> str:
    """Make `code` the language of the windows from now on: the app's
    catalogue and Qt's own (standard buttons and dialogs), and the default
    QLocale. Widgets made before keep their texts. Returns the code."""
    app = QCoreApplication.instance()
    if code not in CODES:
        code = SOURCE_LANGUAGE
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    locale = locale_for(code, system)
    files = [(qm_path(code).parent, qm_path(code).stem)]
    if code != SOURCE_LANGUAGE:
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        files.append((Path(qt_dir), f"qtbase_{code}"))
    for folder, name in files:
        translator = QTranslator(app)
        if translator.load(name, str(folder)):
            app.installTranslator(translator)
            _installed.append(translator)
        else:  # English still reads right, plurals aside; say why the rest does not
            log.warning("no translation %s in %s (run make)", name, folder)
    QLocale.setDefault(locale)
    _current["language"] = code
    _current["installed"] = True
    return code
