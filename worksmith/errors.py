"""One exception hierarchy for everything Worksmith refuses.

Pages catch ``WorksmithError`` and show ``str(error)`` with ``st.error``; the CLI prints it on stderr.
Every message is a sentence a person understands and names the field, row or task concerned.
"""

from __future__ import annotations


class WorksmithError(Exception):
    """Base class: a refusal with a message meant for a person."""


class ValidationError(WorksmithError):
    """Input that breaks a rule (negative hours, end before start, unknown person...)."""

    def __init__(self, message: str, *, field: str | None = None, row: int | None = None):
        self.field = field
        self.row = row
        super().__init__(message)


class NotFoundError(WorksmithError):
    """A referenced entity does not exist (any more)."""


class ConflictError(WorksmithError):
    """A stale save: somebody else changed the row since it was read."""


class BusyError(ConflictError):
    """The database was busy (locked, deadlocked or a serialization failure): nothing was saved; try again."""


class ScheduleError(WorksmithError):
    """The schedule cannot be computed from the plan as given."""


class CycleError(ScheduleError):
    """Dependencies form a loop. ``cycle`` lists the task ids in order, first repeated last."""

    def __init__(self, cycle: list, names: dict | None = None):
        self.cycle = list(cycle)
        names = names or {}

        def label(task_id) -> str:
            name = names.get(task_id)
            return f"{task_id} '{name}'" if name else str(task_id)

        path = " → ".join(str(t) for t in self.cycle)
        first = self.cycle[0] if self.cycle else "?"
        super().__init__(f"Dependency cycle: task {label(first)} depends on itself via {path}")


class PermissionDenied(WorksmithError):
    """The acting person's role (viewer / editor / approver / admin) does not allow this; nothing was written."""

    def __init__(self, message: str, *, need: str = "edit"):
        self.need = need
        super().__init__(message)
