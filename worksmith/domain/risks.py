"""Risk register scoring, pure.

Score = probability × impact, each rated 1–5, so 1–25. Level: 15 or more is high, 5–14 medium, 4 or less low.
Stale: a risk still open (or mitigating) whose task is done — the thing it threatened is finished, so it should be
closed (or re-pointed at the work it still threatens).
"""

from __future__ import annotations


def risk_level(score: int) -> str:
    """Probability × impact -> 'high' (≥ 15), 'medium' (5–14) or 'low' (≤ 4)."""
    return "high" if score >= 15 else "medium" if score >= 5 else "low"


LIVE_STATUSES = ("open", "mitigating")


def is_stale(risk_status: str, task_status: str | None) -> bool:
    """An open or mitigating risk whose task is done (a risk without a task is never stale)."""
    return risk_status in LIVE_STATUSES and task_status == "done"
