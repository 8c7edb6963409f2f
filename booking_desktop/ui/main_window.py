"""The main window: a shell that hosts the views (they arrive in later work)."""
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow

from .. import services


class MainWindow(QMainWindow):
    def __init__(self, db_url: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Booking Desktop"))
        self.resize(1280, 800)
        businesses = services.list_businesses()
        if businesses:
            text = self.tr("Businesses: {names}").format(names=", ".join(b.name for b in businesses))
        else:
            text = self.tr("No business yet. Run `python main.py init` or `python main.py demo`.")
        self.placeholder = QLabel(text)
        self.placeholder.setMargin(24)
        self.setCentralWidget(self.placeholder)
        self.statusBar().showMessage(self.tr("Database: {url}").format(url=_display_url(db_url)))
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.menuBar().addMenu(self.tr("&File")).addAction(quit_action)


def _display_url(url: str) -> str:
    """The database address without its password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return url
