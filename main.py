"""Booking Desktop: `python main.py [command]`; no command opens the GUI."""
import multiprocessing
import sys

from booking_desktop.cli import main

if __name__ == "__main__":
    # A long CSV export starts a second process (services/second_process.py);
    # in the packaged app that process is this program started again, and
    # freeze_support runs its share instead of the command line.
    multiprocessing.freeze_support()
    sys.exit(main())
