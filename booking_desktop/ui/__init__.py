"""The PySide6 GUI. Widgets call `booking_desktop.services` only."""
