"""Booking Desktop: front-desk booking of time slots for small businesses."""
__version__ = "0.1.0"
