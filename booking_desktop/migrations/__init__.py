"""Schema versions, applied in order by peewee's `playhouse.migrations` runner.

Each script declares frozen copies of the tables it touches (independent of
`booking_desktop.models`, which move on) and defines `up` and `down`.
"""
from pathlib import Path

DIRECTORY = str(Path(__file__).resolve().parent)
