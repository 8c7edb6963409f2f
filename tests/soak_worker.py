"""One desk of the soak test (tests/services/test_soak.py), run as
`python -m tests.soak_worker URL NOW SEED WORKER_NO SLOT_ID...`.

It does a desk's random mix of actions on its own bookings until killed and
writes one JSON line (flushed) per step to stdout: {"try": ...} before a
change and {"ack": ...} once the service returned, so the parent knows every
acknowledged change and the one change that may have been cut short by a
SIGKILL. Refusals are printed as {"refused": ErrorType}."""
import json
import random
import sys
import time
from datetime import datetime

# A small pool of customers, so the one-active-booking-per-customer rule is hit.
CUSTOMERS = [(f"Customer {n}", f"c{n}@example.com", f"+49 30 555 {n:04d}") for n in range(40)]


def say(**line) -> None:
    print(json.dumps(line), flush=True)


def main(url: str, now_iso: str, seed: int, worker_no: int, slot_ids: list[int]) -> None:
    from booking_desktop import db, services
    from booking_desktop.errors import BookingError
    from booking_desktop.services import desk

    for _ in range(50):  # a desk started while the server drops connections retries
        try:
            db.connect(url)
            break
        except BookingError:
            time.sleep(0.1)
    now = datetime.fromisoformat(now_iso)
    rng = random.Random(seed)
    mine: dict[str, dict] = {}  # reference -> {"id", "slot", "status"}
    say(ready=worker_no)
    n = 0
    while True:
        n += 1
        active = [r for r, b in mine.items() if b["status"] in ("pending", "confirmed")]
        action = rng.choices(["create", "cancel", "reschedule", "status", "edit"],
                             weights=[5, 2, 2, 2, 1])[0]
        if action != "create" and not active:
            action = "create"
        try:
            if action == "create":
                name, email, phone = rng.choice(CUSTOMERS)
                slot = rng.choice(slot_ids)
                ref = services.new_reference()
                status = rng.choice(["pending", "confirmed"])
                say(**{"try": "create", "ref": ref, "slot": slot, "status": status})
                booking = services.create_booking(slot, name, email, phone, source="phone",
                                                  status=status, reference=ref, now=now)
                mine[ref] = {"id": booking.id, "slot": slot, "status": status}
                say(ack="create", ref=ref, id=booking.id, slot=slot, status=status)
            elif action == "cancel":
                ref = rng.choice(active)
                say(**{"try": "cancel", "ref": ref, "status": "cancelled"})
                services.cancel_booking(mine[ref]["id"], reason="soak", now=now)
                mine[ref]["status"] = "cancelled"
                say(ack="cancel", ref=ref, status="cancelled")
            elif action == "reschedule":
                ref = rng.choice(active)
                slot = rng.choice(slot_ids)
                say(**{"try": "reschedule", "ref": ref, "slot": slot})
                services.reschedule_booking(mine[ref]["id"], slot, now=now)
                mine[ref]["slot"] = slot
                say(ack="reschedule", ref=ref, slot=slot)
            elif action == "status":
                ref = rng.choice(active)
                status = "pending" if mine[ref]["status"] == "confirmed" else "confirmed"
                say(**{"try": "status", "ref": ref, "status": status})
                services.set_booking_status(mine[ref]["id"], status, now=now)
                mine[ref]["status"] = status
                say(ack="status", ref=ref, status=status)
            else:
                ref = rng.choice(active)
                notes = f"note {worker_no}.{n}"
                say(**{"try": "edit", "ref": ref, "notes": notes})
                desk.update_booking_details(mine[ref]["id"], notes=notes)
                mine[ref]["notes"] = notes
                say(ack="edit", ref=ref, notes=notes)
        except BookingError as exc:
            say(refused=type(exc).__name__)
        if rng.random() < 0.02:
            time.sleep(0.01)


if __name__ == "__main__":
    url, now_iso, seed, worker_no, *ids = sys.argv[1:]
    main(url, now_iso, int(seed), int(worker_no), [int(i) for i in ids])
