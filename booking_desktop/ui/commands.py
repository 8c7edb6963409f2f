"""The window's undo stack (Ctrl+Z / Ctrl+Shift+Z) over services.undo.

Every booking or slot action goes through `perform`: the service does it and
returns an outcome with its description and the action that reverses it;
the outcome is pushed as one `OutcomeCommand`. Undo performs the reversal,
redo the reversal's reversal; the services decide whether that is still
allowed. A refused undo or redo changes nothing and leaves the step where it
was (the Edit menu still names it): `undo` / `redo` raise the refusal for
the window to show.
"""
import logging
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from ..errors import AnswerLost, DatabaseUnavailable
from ..services import undo as reversible
from ..services.undo import Outcome
from .errors import describe

log = logging.getLogger(__name__)



class Offline(DatabaseUnavailable):
    """Refused before anything was tried: the desk knows the database is out of reach."""
    default_message = ("The database is out of reach, so nothing was saved. The desk "
                       "reconnects by itself: try again when the banner at the top has gone.")


class AnswerBeingChecked(AnswerLost):
    """The connection was lost in the action's COMMIT; the desk asks whether
    it was saved as soon as the database answers, and says so."""
    default_message = ("The connection was lost just as this was being saved, so it is not "
                       "known yet whether it was. The desk checks as soon as the database "
                       "answers and says so.")


class OutcomeCommand(QUndoCommand):
    """One step: holds the latest outcome; undo and redo each perform its
    reversal (so each holds the next outcome)."""

    def __init__(self, session, outcome: Outcome):
        super().__init__(outcome.description)
        self.session = session
        self.outcome = outcome
        self.refusal: BaseException | None = None
        self._move_only = True  # the first redo is push(): already done

    def redo(self) -> None:
        self._step(redo=True)

    def undo(self) -> None:
        self._step(redo=False)

    def _step(self, redo: bool) -> None:
        if self._move_only:  # the stack only moves its index: nothing to do
            self._move_only = False
            return
        if not self.session.online:
            self.refusal = Offline()
            return
        try:
            self.outcome = reversible.reverse(self.outcome, redo=redo, by=self.session.user)
        except DatabaseUnavailable as exc:
            self.session.connection_lost()
            self.refusal = exc
            return
        except Exception as exc:  # refusals and bugs alike: raised by undo()/redo() below
            if not isinstance(exc, reversible.Refused):
                log.warning("undo/redo failed", exc_info=True)
            self.refusal = exc
            return
        self.session.notify_changed()

    def take_back_refused(self, stack: QUndoStack, redo: bool) -> None:
        """After a refused undo (redo) the stack has moved past this step:
        move it back without doing anything, then raise the refusal."""
        if self.refusal is None:
            return
        refusal, self.refusal = self.refusal, None
        self._move_only = True
        stack.undo() if redo else stack.redo()
        raise refusal


def perform(stack: QUndoStack, session, operation: Callable[..., Outcome], *args,
            **kwargs) -> Outcome:
    """Do `operation` (one of services.undo's) as the signed-in user, push it
    as an undo step and tell every view. Raises what the service raises;
    then nothing is pushed. While the database is out of reach nothing is
    tried: the refusal comes at once and what was typed stays. When the
    connection is lost in the action's COMMIT (AnswerLost) the desk cannot
    know yet whether it was saved: a cancel raises AnswerBeingChecked and is
    looked up once the database answers (see `_find_when_back`); other
    actions raise AnswerLost, which says it is not known."""
    if not session.online:
        raise Offline()
    try:
        outcome = operation(*args, by=session.user, **kwargs)
    except AnswerLost as exc:  # lost in COMMIT: perhaps saved
        session.connection_lost()
        if not reversible.can_find_lost_answer(operation, *args, **kwargs):
            raise  # says that it is not known (the walk-in asks by its reference)
        _find_when_back(stack, session, operation, args, kwargs)
        raise AnswerBeingChecked() from exc
    except DatabaseUnavailable:
        session.connection_lost()
        raise
    stack.push(OutcomeCommand(session, outcome))
    session.notify_changed()
    return outcome


def _find_when_back(stack: QUndoStack, session, operation, args, kwargs) -> None:
    """Once the database answers again, ask whether the action whose answer
    was lost was saved, and tell the window (`session.lost_answer_found`);
    when it was, its undo step is pushed as if the answer had come."""
    def look(online: bool) -> None:
        if not online:
            return
        try:
            found = reversible.find_lost_answer(operation, *args, by=session.user, **kwargs)
        except DatabaseUnavailable:
            session.connection_lost()
            return  # asked again when it answers again
        except Exception as exc:
            session.online_changed.disconnect(look)
            session.lost_answer_found.emit(
                "Whether the last action was saved could not be found out: " + describe(exc))
            return
        session.online_changed.disconnect(look)
        if found.outcome is None:
            text = (f"The {found.what} was not saved; nothing was changed. Do it again if it is "
                    "still wanted.")
        else:
            stack.push(OutcomeCommand(session, found.outcome))
            session.notify_changed()
            text = f"The {found.what} had been saved when the connection was lost."
        session.lost_answer_found.emit(text)
    session.online_changed.connect(look)


def undo(stack: QUndoStack) -> str | None:
    """Undo the last step: its description, or None when there is none.
    Raises the refusal; then nothing changed and the step stays to undo."""
    if not stack.canUndo():
        return None
    command = stack.command(stack.index() - 1)
    stack.undo()
    command.take_back_refused(stack, redo=False)
    return command.text()


def redo(stack: QUndoStack) -> str | None:
    """Redo the step undone last; as `undo`."""
    if not stack.canRedo():
        return None
    command = stack.command(stack.index())
    stack.redo()
    command.take_back_refused(stack, redo=True)
    return command.text()
