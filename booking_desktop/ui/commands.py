"""The window's undo stack (Ctrl+Z / Ctrl+Shift+Z) over services.undo, on
the operation pipeline (`ui.operations`).

Every booking or slot action goes through `perform`: an `Op` that runs the
service on the window's database thread; its outcome (with its description
and the action that reverses it) is pushed as one `OutcomeCommand`. Undo and
redo are ops too: when their turn comes they take the step at the stack's
index, perform its reversal on the worker (the services decide whether that
is still allowed) and only then move the stack. A refused undo or redo
changes nothing and leaves the step where it was (the Edit menu still names
it).
"""
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from ..errors import DatabaseUnavailable
from ..services import undo as reversible
from ..services.undo import Outcome
from .operations import Change, Op


class Offline(DatabaseUnavailable):
    """Refused before anything was tried: the desk knows the database is out of reach."""
    default_message = ("The database is out of reach, so nothing was saved. The desk "
                       "reconnects by itself: try again when the banner at the top has gone.")


class OutcomeCommand(QUndoCommand):
    """One step: holds the latest outcome (each undo or redo replaces it with
    the outcome of the reversal it performed). The work is done before the
    stack moves, so `undo`/`redo` themselves do nothing."""

    def __init__(self, outcome: Outcome):
        super().__init__(outcome.description)
        self.outcome = outcome

    def redo(self) -> None:
        pass

    def undo(self) -> None:
        pass


def _change_of(view, outcome: Outcome, initiator) -> Change:
    business = view.session.business
    return Change.of(outcome, initiator, business.id if business is not None else None)


def perform(view, operation: Callable[..., Outcome], *args, **kwargs) -> Op:
    """An op doing `operation` (one of services.undo's) as the signed-in user
    on `view`'s session; on success its outcome becomes an undo step of
    `view.undo_stack` and the change is announced with `view` as initiator.
    Chain `.success()` / `.failure()` and `.run()` it."""
    stack = view.undo_stack
    return (Op(view.session, view, lambda user: operation(*args, by=user, **kwargs))
            .success(lambda outcome: stack.push(OutcomeCommand(outcome)))
            .announce(lambda outcome: _change_of(view, outcome, view)))


def step(view, stack: QUndoStack, redo: bool) -> Op:
    """An op undoing (redoing) the step at the stack's index when its turn
    comes; its result is the step's text, or None when there was none."""
    taken: dict[str, OutcomeCommand] = {}

    def prepare() -> bool:
        if not (stack.canRedo() if redo else stack.canUndo()):
            return False
        taken["step"] = stack.command(stack.index() if redo else stack.index() - 1)
        return True

    def work(user):
        return reversible.reverse(taken["step"].outcome, redo=redo, by=user)

    def moved(outcome: Outcome) -> None:
        taken["step"].outcome = outcome
        stack.redo() if redo else stack.undo()

    return (Op(view.session, view, work).prepare(prepare).success(moved)
            .announce(lambda outcome: _change_of(view, outcome, None)))
