"""What a plan save did, in words: :class:`PlanChange` (counts, each changed task before → after, the finish, the
people pushed over capacity) and the pure helpers that word it. :mod:`worksmith.commands.project_plan` fills it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from worksmith import fmt

MAX_LISTED = 20

@dataclass
class PlanChange:
    """What a plan save did: counts, every changed task (before → after), the finish, and the knock-on effects."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    links_added: int = 0
    links_removed: int = 0
    links_changed: int = 0
    moved: list[str] = field(default_factory=list)
    finish_before: date | None = None
    finish_after: date | None = None
    changes: list[str] = field(default_factory=list)  # '#8 Beta test: days 10 → 6, finish Thu 24 Dec → Fri 18 Dec'
    overloaded: list[str] = field(default_factory=list)  # 'James Wilson 226 % in 2026-W50 (was 95 %)'
    cost: str = ""  # the effect on the cost to complete (one line, filled by the cost rules)

    @property
    def nothing(self) -> bool:
        return not (self.added or self.updated or self.deleted or self.links_added or self.links_removed
                    or self.links_changed)

    def finish_line(self) -> str:
        if self.finish_before != self.finish_after:
            return f"Finish {fmt.day(self.finish_before)} → {fmt.day(self.finish_after)}."
        return f"Finish unchanged ({fmt.day(self.finish_after)})."

    def people_line(self) -> str:
        if not self.overloaded:
            return "Nobody pushed over capacity."
        return "Pushed over capacity: " + "; ".join(self.overloaded) + "."

    def effects(self) -> list[tuple[str, str]]:
        """The knock-on effects, one line each: finish, people over capacity, cost (when known)."""
        lines = [("Finish", self.finish_line()), ("People", self.people_line())]
        return lines + ([("Cost", self.cost)] if self.cost else [])

    def summary(self) -> str:
        """'1 task changed: #8 Beta test: days 10 → 6. Finish Thu 24 Dec 2026 → Fri 18 Dec 2026; 2 tasks moved: …'"""
        if self.nothing:
            return "No changes to save."
        parts = [f"{n} task{'s' if n > 1 else ''} {what}" for n, what in
                 ((self.updated, "changed"), (self.added, "added"), (self.deleted, "deleted")) if n]
        links = [f"{n} link{'s' if n > 1 else ''} {what}" for n, what in
                 ((self.links_added, "added"), (self.links_changed, "changed"), (self.links_removed, "removed")) if n]
        text = ", ".join(parts) + ("; " if parts and links else "") + ", ".join(links)
        if self.changes:
            shown = self.changes[:MAX_LISTED] + ([f"… and {len(self.changes) - MAX_LISTED} more"]
                                                 if len(self.changes) > MAX_LISTED else [])
            text += ": " + "; ".join(shown)
        text += ". " + self.finish_line()
        if self.moved:
            text += f" {len(self.moved)} task{'s' if len(self.moved) > 1 else ''} moved: " + ", ".join(
                self.moved[:6]) + (" …" if len(self.moved) > 6 else "") + "."
        if self.overloaded:
            text += " " + self.people_line()
        if self.cost:
            text += " " + self.cost
        return text


FIELD_LABELS = {"ref": "ID", "name": "name", "phase_id": "phase", "assignee_id": "assignee", "duration_days": "days",
                "duration_min_days": "min days", "duration_max_days": "max days",
                "estimate_hours": "estimate h", "percent_complete": "% done", "start_no_earlier_than": "not before"}


def _shown(value: Any, key: str, names: dict[str, dict[int, str]]) -> str:
    if key in names:
        return names[key].get(value, fmt.DASH) if value is not None else fmt.DASH
    if isinstance(value, date):
        return fmt.day(value)
    if isinstance(value, float):
        return f"{value:g}"
    return fmt.DASH if value is None or value == "" else str(value)


def task_change(ref: int, name: str, diff: dict[str, tuple[Any, Any]], names: dict[str, dict[int, str]]) -> str:
    """'#8 Beta test: days 10 → 6, finish Thu 24 Dec 2026 → Fri 18 Dec 2026' (``diff``: field -> (before, after);
    ``names``: id -> label for the id fields, e.g. ``{"assignee_id": {3: "James"}}``; pure)."""
    parts = [f"{FIELD_LABELS.get(k, k)} {_shown(a, k, names)} → {_shown(b, k, names)}" for k, (a, b) in diff.items()]
    return f"#{ref} {name}: " + ", ".join(parts)



def pushed_over(before: dict[tuple[int, date], float], after: dict[tuple[int, date], float],
                people: dict[int, str]) -> list[str]:
    """People over capacity after a save in a week they were not (or less) over before, each with their worst such
    week: 'James Wilson 226 % in week of Mon 7 Dec 2026 (was 95 %)' (pure; ratios of load to capacity)."""
    worst: dict[int, tuple[float, date]] = {}
    for (pid, week), ratio in after.items():
        if ratio > before.get((pid, week), 0.0) + 1e-9 and ratio > worst.get(pid, (0.0, week))[0]:
            worst[pid] = (ratio, week)
    out = []
    for pid, (ratio, week) in sorted(worst.items(), key=lambda kv: -kv[1][0]):
        was = before.get((pid, week))
        out.append(f"{people.get(pid, f'person {pid}')} {fmt.percent(ratio)} in the week of {fmt.day(week)} "
                   f"({'was ' + fmt.percent(was) if was else 'was within capacity'})")
    return out
