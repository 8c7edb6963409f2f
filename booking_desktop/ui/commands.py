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

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from ..errors import QT_TRANSLATE_NOOP, AnswerLost, DatabaseUnavailable
from ..services import undo as reversible
from ..services.undo import Outcome
from .errors import describe, said
from .operations import Change, Op


class AnswerBeingChecked(AnswerLost):
    """The connection was lost in the action's COMMIT; the desk asks whether
    it was saved as soon as the database answers, and says so."""
    default_message = QT_TRANSLATE_NOOP(
        "errors", "The connection was lost just as this was being saved, so it is not "
        "known yet whether it was. The desk checks as soon as the database "
        "answers and says so.")


class OutcomeCommand(QUndoCommand):
    """One step: holds the latest outcome (each undo or redo replaces it with
    the outcome of the reversal it performed). The work is done before the
    stack moves, so `undo`/`redo` themselves do nothing."""

    def __init__(self, outcome: Outcome):
        super().__init__(said(outcome.description))
        self.outcome = outcome

    def redo(self) -> None:
        pass

    def undo(self) -> None:
        pass


def undo_stack_of(widget: QWidget) -> QUndoStack | None:
    """The undo stack of the window `widget` is in (a dialog: of the window
    it was opened from): the nearest parent that has one."""
    while widget is not None:
        stack = getattr(widget, "undo_stack", None)
        if isinstance(stack, QUndoStack):
            return stack
        widget = widget.parentWidget()
    return None


def forward_undo_keys(dialog: QWidget) -> None:
    """Ctrl+Z and Ctrl+Shift+Z (Ctrl+Y) in `dialog` undo and redo the main
    window's steps, as its Edit menu does (a modal dialog keeps the keys
    from the window). A text field with the focus keeps Ctrl+Z for its own
    typing."""
    def trigger(name: str) -> None:
        widget = dialog.parentWidget()
        while widget is not None and getattr(widget, name, None) is None:
            widget = widget.parentWidget()
        found = getattr(widget, name, None) if widget is not None else None
        if found is not None and found.isEnabled():
            found.trigger()

    QShortcut(QKeySequence("Ctrl+Z"), dialog, activated=lambda: trigger("undo_action"))
    for keys in ("Ctrl+Shift+Z", "Ctrl+Y"):
        QShortcut(QKeySequence(keys), dialog, activated=lambda: trigger("redo_action"))


def _change_of(view, outcome: Outcome, initiator) -> Change:
    business = view.session.business
    return Change.of(outcome, initiator, business.id if business is not None else None)


def perform(view, operation: Callable[..., Outcome], *args, **kwargs) -> Op:
    """An op doing `operation` (one of services.undo's) as the signed-in user
    on `view`'s session; on success its outcome becomes an undo step of
    `view.undo_stack` and the change is announced with `view` as initiator.
    Chain `.success()` / `.failure()` and `.run()` it.

    When the connection is lost in the action's COMMIT (AnswerLost) nobody
    knows yet whether it was saved: it is looked up once the database
    answers (`_find_when_back`) and the failure says AnswerBeingChecked. The
    walk-in's booking (`undo.book`) stays AnswerLost: it asks by its reference."""
    stack = view.undo_stack

    def answer_lost(exc: BaseException) -> BaseException:
        if reversible.can_find_lost_answer(exc):
            _find_when_back(view, exc, lambda outcome: stack.push(OutcomeCommand(outcome)))
            return AnswerBeingChecked()
        return exc

    return (Op(view.session, view, lambda user: operation(*args, by=user, **kwargs))
            .named(f"undo.{operation.__name__}")
            .success(lambda outcome: stack.push(OutcomeCommand(outcome)))
            .announce(lambda outcome: _change_of(view, outcome, view))
            .translate(answer_lost))


def _find_when_back(view, lost: AnswerLost, saved: Callable[[Outcome], None]) -> None:
    """Once the database answers again, ask (on the worker) whether the
    action whose answer was lost was saved, and tell the window
    (`session.lost_answer_found`); when it was, `saved(outcome)` does what
    the answer would have done to the undo stack, and the change is
    announced."""
    session = view.session

    def look(online: bool) -> None:
        if online:
            (Op(session, view, lambda _user: reversible.find_lost_answer(lost))
             .named("undo.find_lost_answer").success(found).failure(not_found).run())

    def found(answer) -> None:
        session.online_changed.disconnect(look)
        if answer.outcome is None:
            text = QCoreApplication.translate(
                "commands", "The {what} was not saved; nothing was changed. Do it again if it "
                "is still wanted.").format(what=said(answer.what))
        else:
            saved(answer.outcome)
            session.did_execute.emit(_change_of(view, answer.outcome, None))
            text = QCoreApplication.translate(
                "commands", "The {what} had been saved when the connection was lost.").format(
                    what=said(answer.what))
        session.lost_answer_found.emit(text)

    def not_found(exc: BaseException) -> None:
        if isinstance(exc, DatabaseUnavailable):
            return  # out of reach again: asked again when it answers again
        session.online_changed.disconnect(look)
        session.lost_answer_found.emit(QCoreApplication.translate(
            "commands", "Whether the last action was saved could not be found out: {why}").format(
                why=describe(exc)))

    session.online_changed.connect(look)


def step(view, stack: QUndoStack, redo: bool) -> Op:
    """An op undoing (redoing) the step at the stack's index when its turn
    comes; its result is the step's text, or None when there was none. An
    answer lost in COMMIT is looked up as `perform` does; when the reversal
    had been saved the stack moves then."""
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

    def found_saved(outcome: Outcome) -> None:
        if stack.command(stack.index() if redo else stack.index() - 1) is taken["step"]:
            moved(outcome)
        else:  # the stack moved meanwhile: the change made is a step of its own
            stack.push(OutcomeCommand(outcome))

    def answer_lost(exc: BaseException) -> BaseException:
        if reversible.can_find_lost_answer(exc):
            _find_when_back(view, exc, found_saved)
            return AnswerBeingChecked()
        return exc

    return (Op(view.session, view, work).named("redo" if redo else "undo").prepare(prepare)
            .success(moved)
            .announce(lambda outcome: _change_of(view, outcome, None))
            .translate(answer_lost))
