"""Booking Desktop: `python main.py [command]`; no command opens the GUI."""
import sys

from booking_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
