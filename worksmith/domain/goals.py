"""Key-result progress, goal roll-up, initiative ranking and the capacity cut line (DESIGN §3 "Goals").

Pure module: plain data in (DataFrames with the columns documented per function, dates, numbers), plain data out.
No database, no Streamlit. Undefined numbers are ``None``, never NaN or inf.

Formulas
--------
**Key-result progress.** ``clamp((current − start) / (target − start), 0, 1)``.
The sign of ``target − start`` says which way is better, so the same formula serves "up" KRs (raise NPS from 20 to
50) and "down" KRs (reduce churn from 8 % to 5 %: start 8, target 5, current 6.5 → 0.5).
*Direction versus numbers.* When the numbers contradict ``direction`` (a "down" KR whose target is above its start,
or an "up" KR whose target is below), **the numbers win**: start and target are what the owner typed, while the
direction is easily left at its default "up". The contradiction is named in the KR's explanation.
``direction`` decides only when ``target == start``: progress is 1 when current is at or past the target in the
right direction (≥ for "up", ≤ for "down"), else 0.

**Expected progress** (time elapsed). A period is ``period_start``..``period_end`` inclusive, ``N`` days long; by the
end of ``today`` day ``k = today − period_start + 1`` has elapsed: ``expected = clamp(k / N, 0, 1)``.
Before the period it is 0, on its last day and after it 1.

**Goal progress.** Weighted mean of the progress of the goal's key results (KR weights) and of its child goals
(child goal weights): ``Σ wᵢ·pᵢ / Σ wᵢ``. Missing weights count 1; when all weights are 0 the items count equally.
A child goal with no data is left out. A goal with no key results and no child goals with data has progress
``None`` and status "no data". Archived goals are left out; a goal whose parent is archived (or unknown) is shown
as a top-level goal.

**Status.** ``ratio = progress / expected``: progress ≥ 1 → "done"; expected = 0 (period not started) →
"on track"; ratio ≥ 0.7 → "on track"; 0.4 ≤ ratio < 0.7 → "at risk"; ratio < 0.4 → "off track".

**Initiative score** (0–100). For each criterion x the candidates are min-max normalised,
``n = (x − min) / (max − min)``; criteria where more is better (value, alignment) keep ``n``, criteria where less is
better (cost, effort_hours, risk) use ``1 − n``. When every candidate has the same x (or there is one candidate)
the criterion does not tell them apart and counts ``n = 1`` for all. ``score = 100 × Σ w·n / Σ w``.
Ties (scores equal to 1e-9) are broken by higher value, then higher alignment, then lower cost, then input order;
``rank`` is the position 1..n after that ordering.

**Capacity cut line.** Candidates are taken in rank order. A candidate *fits* when, for every team-month it needs
hours in, the hours already committed there by earlier **fitting** candidates plus its own hours stay within the
team's free hours that month (a team-month missing from ``free`` has 0 free hours). A candidate that does not fit
is skipped: it commits no hours, and later candidates are still tried (a smaller one may fit in what is left).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from worksmith.errors import ValidationError
from worksmith.values import is_missing as _is_missing
from worksmith.values import month_starts
from worksmith.values import to_date as _to_date
from worksmith.values import to_number as _number

ON_TRACK = 0.7
AT_RISK = 0.4
DIRECTIONS = ("up", "down")
STATUSES = ("done", "on track", "at risk", "off track", "no data")
_EPS = 1e-9

ROLL_UP_COLUMNS = ["id", "title", "parent_id", "depth", "progress", "expected", "ratio", "status", "n_krs",
                   "n_children", "explanation"]

CRITERIA: dict[str, str] = {  # criterion -> "up" (more is better) or "down" (less is better)
    "value": "up",
    "alignment": "up",
    "cost": "down",
    "effort_hours": "down",
    "risk": "down",
}
DEFAULT_WEIGHTS: dict[str, float] = {name: 1.0 for name in CRITERIA}

CUT_LINE_COLUMNS = ["rank", "id", "name", "hours", "fits", "above_line", "committed_hours", "shortfall_team",
                    "shortfall_month", "shortfall_hours", "explanation"]
CUT_LINE_DETAIL_COLUMNS = ["rank", "id", "name", "team_id", "month", "hours", "free_hours", "committed_before",
                           "committed_after", "short_hours", "fits"]


class GoalStatus(NamedTuple):
    """A status word and the ratio progress / expected behind it (``None`` when undefined)."""

    status: str
    ratio: float | None


# --- small helpers --------------------------------------------------------------------------------------------




def _key(value: Any) -> Any:
    """An id as a plain hashable: None for missing, 3 for 3.0 (ids read through pandas may become floats)."""
    if _is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        return _key(value.item())
    return value




def _month(value: Any, field: str = "month") -> date:
    return _to_date(value, field).replace(day=1)


def _weight(value: Any, field: str) -> float:
    weight = _number(value, field, default=1.0)
    if weight < 0:
        raise ValidationError(f"{field} may not be negative ({_num(weight)})", field=field)
    return weight


def _num(x: float) -> str:
    """A number as a person writes it: 5, 6.5, 100,000, 0.125, −3 (a true minus sign)."""
    size = abs(float(x))
    text = f"{int(size):,}" if size.is_integer() and size < 1e15 else f"{size:,.4f}".rstrip("0").rstrip(".")
    return "−" + text if x < 0 and text.strip("0.,") else text


def _p(x: float) -> str:
    return f"{x:.2f}"


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValidationError(f"{what} is missing column(s): {', '.join(missing)}")


def _label(title: Any) -> str:
    return "" if _is_missing(title) else str(title)


def _clamp01(x: float) -> float:
    if math.isnan(x):
        return 0.0
    return min(1.0, max(0.0, x))


# --- key results ----------------------------------------------------------------------------------------------


def _kr_progress(start: float, target: float, current: float, direction: str) -> tuple[float, str]:
    if direction not in DIRECTIONS:
        raise ValidationError(f"direction must be 'up' or 'down', not {direction!r}", field="direction")
    numbers = []
    for name, value in (("start", start), ("target", target), ("current", current)):
        try:
            number = None if _is_missing(value) or isinstance(value, bool) else float(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not math.isfinite(number):
            raise ValidationError(f"key result {name} value must be a finite number, not {value!r}", field=name)
        numbers.append(number)
    start, target, current = numbers
    if target == start:
        reached = current >= target if direction == "up" else current <= target
        side = "at or above" if direction == "up" else "at or below"
        verdict = f"is {side}" if reached else f"is not {side}"
        value = 1.0 if reached else 0.0
        text = f"target = start = {_num(target)}; current {_num(current)} {verdict} it ({direction}) → {_p(value)}"
        return value, text
    span, gain = target - start, current - start
    if not (math.isfinite(span) and math.isfinite(gain)):  # overflow with huge values: halve both, same ratio
        span, gain = target / 2 - start / 2, current / 2 - start / 2
    raw = gain / span
    value = _clamp01(raw)
    shown = _p(raw) if math.isfinite(raw) else ("∞" if raw > 0 else "−∞")
    text = f"({_num(current)} − {_num(start)}) / ({_num(target)} − {_num(start)}) = {shown}"
    if value != raw:
        text += f" → clamped to {_p(value)}"
    implied = "up" if target > start else "down"
    if implied != direction:
        text += f" (direction '{direction}' ignored: the target is {'above' if implied == 'up' else 'below'} the start)"
    return value, text


def kr_progress(start: float, target: float, current: float, direction: str = "up") -> float:
    """Progress of one key result, 0..1.

    Parameters
    ----------
    start, target, current : float
        The KR's starting value, its target and the latest value.
    direction : {"up", "down"}
        Whether higher or lower is better. Used only when ``target == start``; otherwise the sign of
        ``target − start`` decides (see the module docstring: the numbers win over a contradicting direction).

    Returns
    -------
    float
        ``clamp((current − start) / (target − start), 0, 1)``; when ``target == start``, 1.0 if current is at or past
        the target in the right direction, else 0.0.

    Raises
    ------
    ValidationError
        A value that is not a finite number, or a direction other than "up"/"down".

    Examples
    --------
    >>> kr_progress(8, 5, 6.5, "down")
    0.5
    """
    return _kr_progress(start, target, current, direction)[0]


def kr_frame(krs: pd.DataFrame) -> pd.DataFrame:
    """Add each key result's progress and how it was computed.

    Parameters
    ----------
    krs : DataFrame
        Columns ``start_value``, ``target_value``, ``current_value`` and optionally ``direction`` (default "up");
        other columns are kept.

    Returns
    -------
    DataFrame
        A copy of ``krs`` with ``progress`` (float 0..1) and ``explanation`` (the formula with the numbers).

    Raises
    ------
    ValidationError
        A missing column, a non-finite value or an unknown direction (the message names the row).
    """
    _require(krs, ["start_value", "target_value", "current_value"], "Key results")
    out = krs.copy()
    progress: list[float] = []
    texts: list[str] = []
    for row, rec in enumerate(krs.to_dict("records")):
        value, text = _kr_row(rec, row)
        progress.append(value)
        texts.append(text)
    out["progress"] = pd.Series(progress, index=krs.index, dtype="float64")
    out["explanation"] = pd.Series(texts, index=krs.index, dtype=object)
    return out


def _kr_row(rec: Mapping[str, Any], row: int) -> tuple[float, str]:
    direction = rec.get("direction", "up")
    direction = "up" if _is_missing(direction) else str(direction)
    try:
        return _kr_progress(rec["start_value"], rec["target_value"], rec["current_value"], direction)
    except ValidationError as exc:
        title = _label(rec.get("title")) or f"row {row + 1}"
        raise ValidationError(f"Key result '{title}': {exc}", field=exc.field, row=row) from exc


# --- time and status ------------------------------------------------------------------------------------------


def period_days(period_start: date, period_end: date, today: date) -> tuple[int, int]:
    """Days of the period elapsed by the end of ``today`` (0..N) and the period length N (both ends inclusive).

    Raises
    ------
    ValidationError
        ``period_end`` before ``period_start``.
    """
    start = _to_date(period_start, "period_start")
    end = _to_date(period_end, "period_end")
    day = _to_date(today, "today")
    if end < start:
        raise ValidationError(f"period_end ({_day(end)}) is before period_start ({_day(start)})", field="period_end")
    total = (end - start).days + 1
    elapsed = min(total, max(0, (day - start).days + 1))
    return elapsed, total


def expected_progress(period_start: date, period_end: date, today: date) -> float:
    """Fraction of the period elapsed by the end of ``today``, 0..1.

    Parameters
    ----------
    period_start, period_end : date
        The goal's period, both days included.
    today : date
        The reference day (counted as elapsed).

    Returns
    -------
    float
        ``clamp((today − period_start + 1) / (period_end − period_start + 1), 0, 1)``: 0 before the period,
        1 on its last day and after.

    Raises
    ------
    ValidationError
        ``period_end`` before ``period_start`` or a value that is not a date.
    """
    elapsed, total = period_days(period_start, period_end, today)
    return elapsed / total


def goal_status(progress: float | None, expected: float) -> GoalStatus:
    """Status of a goal from its progress and the progress expected by now.

    Parameters
    ----------
    progress : float or None
        Goal progress 0..1; ``None`` (or NaN) when the goal has no data.
    expected : float
        Fraction of the period elapsed, 0..1.

    Returns
    -------
    GoalStatus
        ``(status, ratio)`` with ``ratio = progress / expected`` (``None`` when expected is 0 or progress is
        missing). Status: progress ≥ 1 → "done"; no progress → "no data"; expected 0 → "on track";
        ratio ≥ 0.7 "on track", ≥ 0.4 "at risk", else "off track". Boundaries are compared with a 1e-9 tolerance,
        so a ratio of exactly 0.7 (or 0.4) lands in the better status.
    """
    if _is_missing(progress):
        return GoalStatus("no data", None)
    progress = float(progress)
    expected = 0.0 if _is_missing(expected) else float(expected)
    ratio = progress / expected if expected > 0 else None
    if ratio is not None and not math.isfinite(ratio):
        ratio = None
    if progress >= 1 - _EPS:
        return GoalStatus("done", ratio)
    if ratio is None:
        return GoalStatus("on track", None)
    if ratio >= ON_TRACK - _EPS:
        return GoalStatus("on track", ratio)
    if ratio >= AT_RISK - _EPS:
        return GoalStatus("at risk", ratio)
    return GoalStatus("off track", ratio)


def _status_text(progress: float | None, expected: float, result: GoalStatus) -> str:
    if result.status == "no data":
        return "→ no data"
    if result.status == "done":
        return f"progress {_p(progress)} ≥ 1 → done"
    if result.ratio is None:
        return "period not started (expected 0) → on track"
    head = f"{_p(progress)} / {_p(expected)} = {_p(result.ratio)}"
    if result.status == "on track":
        return f"{head} ≥ {ON_TRACK} → on track"
    if result.status == "at risk":
        return f"{head}, between {AT_RISK} and {ON_TRACK} → at risk"
    return f"{head} < {AT_RISK} → off track"


# --- roll-up --------------------------------------------------------------------------------------------------


def _find_cycle(parent: Mapping[Any, Any]) -> list | None:
    """A parent-link loop as [a, parent(a), ..., a], or None."""
    done: set = set()
    for node in parent:
        path: list = []
        position: dict = {}
        current = node
        while current is not None and current not in done:
            if current in position:
                return path[position[current]:] + [current]
            position[current] = len(path)
            path.append(current)
            current = parent.get(current)
        done.update(path)
    return None


def _mean_text(items: list[tuple[float, float, str]], value: float, zero_weights: bool) -> str:
    if zero_weights:
        terms = " + ".join(f"{_p(p)} ({label})" for p, _, label in items)
        return f"all weights 0, so equal weights: ({terms}) / {len(items)} = {_p(value)}"
    terms = " + ".join(f"{_p(p)} × {_num(w)} ({label})" for p, w, label in items)
    total = sum(w for _, w, _ in items)
    return f"({terms}) / {_num(total)} = {_p(value)}"


def roll_up(goals: pd.DataFrame, krs: pd.DataFrame, today: date) -> pd.DataFrame:
    """Progress, expected progress and status of every goal, rolled up the goal tree.

    Parameters
    ----------
    goals : DataFrame
        Columns ``id``, ``title``, ``period_start``, ``period_end``; optional ``parent_id`` (None/NaN for a top
        goal), ``weight`` (default 1, its weight in its parent's mean) and ``archived`` (default False).
        Siblings keep the order of this frame.
    krs : DataFrame
        Columns ``goal_id``, ``start_value``, ``target_value``, ``current_value``; optional ``id``, ``title``,
        ``direction`` (default "up") and ``weight`` (default 1). KRs of unknown or archived goals are ignored.
    today : date
        The reference day for expected progress.

    Returns
    -------
    DataFrame
        One row per non-archived goal in depth-first tree order, columns
        ``id, title, parent_id, depth, progress, expected, ratio, status, n_krs, n_children, explanation``.
        ``parent_id`` is the parent shown in the tree (None for top goals, including goals whose parent is archived
        or unknown); ``depth`` 0 for top goals; ``progress`` and ``ratio`` are floats or ``None`` (object columns);
        ``n_krs``/``n_children`` count the goal's KRs and non-archived child goals; ``explanation`` spells out the
        weighted mean, the expected progress and the status rule with the numbers.

    Raises
    ------
    ValidationError
        A missing column, a duplicate goal id, a negative weight, a bad KR value or date, or parent links among
        the non-archived goals that form a cycle (the message names the goals in the cycle).
    """
    _require(goals, ["id", "title", "period_start", "period_end"], "Goals")
    _require(krs, ["goal_id", "start_value", "target_value", "current_value"], "Key results")
    day = _to_date(today, "today")

    records: dict[Any, dict[str, Any]] = {}
    for row, rec in enumerate(goals.to_dict("records")):
        archived = rec.get("archived", False)
        if not _is_missing(archived) and bool(archived):
            continue
        gid = _key(rec["id"])
        if gid is None:
            raise ValidationError(f"Goal in row {row + 1} has no id", field="id", row=row)
        if gid in records:
            raise ValidationError(f"Goal id {gid} appears twice", field="id", row=row)
        title = _label(rec.get("title"))
        try:
            weight = _weight(rec.get("weight"), "weight")
            elapsed, total = period_days(rec["period_start"], rec["period_end"], day)
        except ValidationError as exc:
            raise ValidationError(f"Goal {gid} '{title}': {exc}", field=exc.field, row=row) from exc
        records[gid] = {"title": title, "weight": weight, "parent": _key(rec.get("parent_id")),
                        "elapsed": elapsed, "total": total,
                        "period_start": _to_date(rec["period_start"], "period_start"),
                        "period_end": _to_date(rec["period_end"], "period_end")}

    parent = {gid: (r["parent"] if r["parent"] in records else None) for gid, r in records.items()}
    cycle = _find_cycle(parent)
    if cycle:
        names = " → ".join(f"{g} '{records[g]['title']}'" for g in cycle)
        raise ValidationError(f"Goal parents form a cycle: {names} (each arrow points to the parent goal). "
                              "Change the parent of one of these goals.", field="parent_id")

    children: dict[Any, list] = {gid: [] for gid in records}
    roots: list = []
    for gid in records:
        (children[parent[gid]] if parent[gid] is not None else roots).append(gid)

    kr_items: dict[Any, list[tuple[float, float, str]]] = {gid: [] for gid in records}
    for row, rec in enumerate(krs.to_dict("records")):
        gid = _key(rec["goal_id"])
        if gid not in records:
            continue
        value, _ = _kr_row(rec, row)
        try:
            weight = _weight(rec.get("weight"), "weight")
        except ValidationError as exc:
            raise ValidationError(f"Key result '{_label(rec.get('title'))}': {exc}", field="weight", row=row) from exc
        label = (f"KR '{_label(rec.get('title'))}' {_num(float(rec['start_value']))} → "
                 f"{_num(float(rec['target_value']))}, now {_num(float(rec['current_value']))}")
        kr_items[gid].append((value, weight, label))

    order: list[tuple[Any, int]] = []  # depth-first pre-order
    stack = [(gid, 0) for gid in reversed(roots)]
    while stack:
        gid, depth = stack.pop()
        order.append((gid, depth))
        stack.extend((child, depth + 1) for child in reversed(children[gid]))

    progress: dict[Any, float | None] = {}
    mean_text: dict[Any, str] = {}
    for gid, _depth in reversed(order):  # children before parents
        items = list(kr_items[gid])
        left_out = []
        for child in children[gid]:
            if progress[child] is None:
                left_out.append(f"goal '{records[child]['title']}' has no data and is left out")
            else:
                items.append((progress[child], records[child]["weight"], f"goal '{records[child]['title']}'"))
        if not items:
            progress[gid] = None
            mean_text[gid] = "no key results or child goals with data"
            continue
        total_weight = sum(w for _, w, _ in items)
        zero = total_weight <= 0
        if zero:
            value = sum(p for p, _, _ in items) / len(items)
        else:
            value = sum(p * w for p, w, _ in items) / total_weight
        value = _clamp01(value)
        progress[gid] = value
        mean_text[gid] = "; ".join([_mean_text(items, value, zero), *left_out])

    rows = []
    for gid, depth in order:
        rec = records[gid]
        expected = rec["elapsed"] / rec["total"]
        result = goal_status(progress[gid], expected)
        if rec["elapsed"] == 0:
            when = f"period starts {_day(rec['period_start'])}"
        elif rec["elapsed"] == rec["total"] and day > rec["period_end"]:
            when = f"period ended {_day(rec['period_end'])}"
        else:
            when = f"day {rec['elapsed']} of {rec['total']}"
        explanation = (f"{mean_text[gid]}; expected {_p(expected)} ({when}); "
                       f"{_status_text(progress[gid], expected, result)}")
        rows.append({"id": gid, "title": rec["title"], "parent_id": parent[gid], "depth": depth,
                     "progress": progress[gid], "expected": expected, "ratio": result.ratio,
                     "status": result.status, "n_krs": len(kr_items[gid]), "n_children": len(children[gid]),
                     "explanation": explanation})
    return _frame(rows, ROLL_UP_COLUMNS, objects=("id", "parent_id", "progress", "ratio"),
                  ints=("depth", "n_krs", "n_children"), floats=("expected",))


def _frame(rows: list[dict[str, Any]], columns: list[str], *, objects: Iterable[str] = (),
           ints: Iterable[str] = (), floats: Iterable[str] = (), bools: Iterable[str] = ()) -> pd.DataFrame:
    """Build a frame column by column so that None stays None (object dtype) instead of becoming NaN."""
    data: dict[str, pd.Series] = {}
    kinds = {**{c: object for c in objects}, **{c: "int64" for c in ints}, **{c: "float64" for c in floats},
             **{c: "bool" for c in bools}}
    for column in columns:
        values = [r[column] for r in rows]
        data[column] = pd.Series(values, dtype=kinds.get(column))  # None: inferred (text becomes pandas str)
    return pd.DataFrame(data, columns=columns)


# --- initiatives ----------------------------------------------------------------------------------------------


_RANGES = {"value": (1.0, 5.0), "alignment": (0.0, 1.0), "risk": (1.0, 5.0), "cost": (0.0, math.inf),
           "effort_hours": (0.0, math.inf)}


def rank_initiatives(candidates: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Score candidate initiatives 0–100 and rank them.

    Parameters
    ----------
    candidates : DataFrame
        Columns ``id``, ``name``, ``value`` (1–5), ``alignment`` (0–1), ``cost`` (≥ 0), ``effort_hours`` (≥ 0),
        ``risk`` (1–5); other columns are kept.
    weights : mapping, optional
        Weight per criterion (keys of ``CRITERIA``); missing keys count 1 (``DEFAULT_WEIGHTS``), all 0 → equal.

    Returns
    -------
    DataFrame
        The candidates sorted by rank, with added columns ``n_value, n_alignment, n_cost, n_effort_hours, n_risk``
        (normalised 0..1, 1 = best), ``score`` (0..100), ``rank`` (1..n) and ``explanation``. The formula and the
        tie rule are in the module docstring.

    Raises
    ------
    ValidationError
        A missing column, a value outside its range, an unknown criterion or a negative weight.
    """
    _require(candidates, ["id", "name", *CRITERIA], "Candidates")
    w = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in CRITERIA:
            raise ValidationError(f"Unknown criterion '{name}'; use {', '.join(CRITERIA)}", field=name)
        w[name] = _weight(value, f"weight of {name}")
    equal = sum(w.values()) <= 0
    if equal:
        w = dict(DEFAULT_WEIGHTS)
    total_w = sum(w.values())

    recs = candidates.to_dict("records")
    values: dict[str, list[float]] = {c: [] for c in CRITERIA}
    for row, rec in enumerate(recs):
        for criterion, (low, high) in _RANGES.items():
            x = _number(rec[criterion], criterion)
            if not low <= x <= high:
                bound = f"between {_num(low)} and {_num(high)}" if math.isfinite(high) else f"at least {_num(low)}"
                raise ValidationError(f"Candidate '{_label(rec['name'])}': {criterion} must be {bound}, not {_num(x)}",
                                      field=criterion, row=row)
            values[criterion].append(x)

    normal: dict[str, list[float]] = {}
    for criterion, way in CRITERIA.items():
        xs = values[criterion]
        low, high = (min(xs), max(xs)) if xs else (0.0, 0.0)
        if high - low <= 0:
            normal[criterion] = [1.0] * len(xs)
        else:
            n = [_clamp01((x - low) / (high - low)) for x in xs]
            normal[criterion] = n if way == "up" else [1.0 - v for v in n]

    scores, texts = [], []
    for i in range(len(recs)):
        score = 100.0 * sum(w[c] * normal[c][i] for c in CRITERIA) / total_w
        scores.append(min(100.0, max(0.0, score)))
        terms = " + ".join(f"{_num(w[c])}×{normal[c][i]:.2f} {c}{'↓' if CRITERIA[c] == 'down' else ''}"
                           for c in CRITERIA)
        prefix = "all weights 0, so equal weights; " if equal else ""
        texts.append(f"{prefix}score = 100 × ({terms}) / {_num(total_w)} = {scores[-1]:.0f}")

    out = candidates.copy().reset_index(drop=True)
    for c in CRITERIA:
        out[f"n_{c}"] = pd.Series(normal[c], dtype="float64")
    out["score"] = pd.Series(scores, dtype="float64")
    out["explanation"] = pd.Series(texts, dtype=object)
    order = sorted(range(len(recs)), key=lambda i: (-round(scores[i], 9), -values["value"][i],
                                                    -values["alignment"][i], values["cost"][i], i))
    out = out.iloc[order].reset_index(drop=True)
    out.insert(0, "rank", pd.Series(range(1, len(out) + 1), dtype="int64"))
    return out


def _hours(h: float) -> str:
    return f"{_num(round(h, 2))} h"


def _cut_line(ranked: pd.DataFrame, free: pd.DataFrame) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    _require(ranked, ["id", "name", "team_id", "month", "hours"], "Candidate demand")
    _require(free, ["team_id", "month", "free_hours"], "Free capacity")
    frame = ranked.sort_values("rank", kind="stable") if "rank" in ranked.columns else ranked

    capacity: dict[tuple[Any, date], float] = {}
    for rec in free.to_dict("records"):
        hours = _number(rec["free_hours"], "free_hours", default=0.0)
        key = (_key(rec["team_id"]), _month(rec["month"]))
        capacity[key] = capacity.get(key, 0.0) + hours

    candidates: dict[Any, dict[str, Any]] = {}
    for row, rec in enumerate(frame.to_dict("records")):
        cid = _key(rec["id"])
        cand = candidates.setdefault(cid, {"name": _label(rec["name"]), "demand": {}})
        hours = _number(rec["hours"], "hours", default=0.0)
        if hours < 0:
            raise ValidationError(f"Candidate '{cand['name']}' needs negative hours ({_num(hours)})",
                                  field="hours", row=row)
        if hours == 0:
            continue
        key = (_key(rec["team_id"]), _month(rec["month"]))
        cand["demand"][key] = cand["demand"].get(key, 0.0) + hours

    committed: dict[tuple[Any, date], float] = {}
    summary: list[dict[str, Any]] = []
    detail: list[dict[str, Any]] = []
    above = True
    for rank, (cid, cand) in enumerate(candidates.items(), start=1):
        keys = sorted(cand["demand"], key=lambda k: (k[1], str(k[0])))
        shortfall = None
        for key in keys:
            before = committed.get(key, 0.0)
            need = before + cand["demand"][key]
            limit = capacity.get(key, 0.0)
            if need > limit + _EPS * max(1.0, abs(limit)) and shortfall is None:
                shortfall = (key, need - limit, before, limit)
        fits = shortfall is None
        above = above and fits
        for key in keys:
            before = committed.get(key, 0.0)
            hours = cand["demand"][key]
            limit = capacity.get(key, 0.0)
            after = before + hours if fits else before
            detail.append({"rank": rank, "id": cid, "name": cand["name"], "team_id": key[0], "month": key[1],
                           "hours": hours, "free_hours": limit, "committed_before": before,
                           "committed_after": after, "short_hours": max(0.0, before + hours - limit),
                           "fits": fits})
            committed[key] = after
        total = sum(cand["demand"].values())
        if fits:
            if keys:
                tight = max(keys, key=lambda k: committed[k] / capacity[k] if capacity.get(k) else math.inf)
                text = (f"fits: {_hours(total)} in {len(keys)} team-month(s); tightest: team {tight[0]} in "
                        f"{tight[1]:%b %Y} now {_hours(committed[tight])} of {_hours(capacity.get(tight, 0.0))}")
            else:
                text = "fits: needs no hours"
        else:
            (team, month), short, before, limit = shortfall
            text = (f"does not fit: team {team} in {month:%b %Y} has {_hours(limit)} free, "
                    f"{_hours(before)} already committed by earlier candidates, this needs "
                    f"{_hours(cand['demand'][(team, month)])} → short {_hours(short)}; skipped, commits no hours")
        summary.append({"rank": rank, "id": cid, "name": cand["name"], "hours": total, "fits": fits,
                        "above_line": above, "committed_hours": sum(committed.values()),
                        "shortfall_team": None if fits else shortfall[0][0],
                        "shortfall_month": None if fits else shortfall[0][1],
                        "shortfall_hours": None if fits else shortfall[1], "explanation": text})
    return summary, detail


def capacity_cut_line(ranked: pd.DataFrame, free: pd.DataFrame) -> pd.DataFrame:
    """Walk the ranked candidates and say which fit in the teams' free capacity (see the module docstring).

    Parameters
    ----------
    ranked : DataFrame
        Demand, one row per candidate per team per month: ``id``, ``name``, ``team_id``, ``month`` (any day of the
        month; date, Timestamp or "YYYY-MM"), ``hours``. Candidates are taken in the order of an optional ``rank``
        column, else in order of first appearance. Rows for the same candidate/team/month are added up.
    free : DataFrame
        ``team_id``, ``month``, ``free_hours``. A team-month not listed has no free hours.

    Returns
    -------
    DataFrame
        One row per candidate in rank order with ``rank, id, name, hours`` (total demand), ``fits`` (bool),
        ``above_line`` (bool: it and every candidate before it fit — the classic cut line), ``committed_hours``
        (hours committed by fitting candidates up to and including this one, all teams and months),
        ``shortfall_team``, ``shortfall_month`` (first day of the month), ``shortfall_hours`` (the first team-month,
        by month then team, where it would overrun, and by how much; None when it fits) and ``explanation``.

    Raises
    ------
    ValidationError
        A missing column, a non-numeric or negative number of hours, or a month that is not a date.
    """
    summary, _ = _cut_line(ranked, free)
    return _frame(summary, CUT_LINE_COLUMNS, objects=("id", "shortfall_team", "shortfall_month", "shortfall_hours"),
                  ints=("rank",), floats=("hours", "committed_hours"), bools=("fits", "above_line"))


def capacity_cut_line_detail(ranked: pd.DataFrame, free: pd.DataFrame) -> pd.DataFrame:
    """The cut line per candidate per team-month: the cumulative hours behind ``capacity_cut_line``.

    Parameters
    ----------
    ranked, free : DataFrame
        As for ``capacity_cut_line``.

    Returns
    -------
    DataFrame
        Columns ``rank, id, name, team_id, month, hours, free_hours, committed_before, committed_after,
        short_hours, fits``: ``committed_before``/``after`` are the hours committed in that team-month by fitting
        candidates before/after this one (``after == before`` when the candidate is skipped);
        ``short_hours = max(0, committed_before + hours − free_hours)``.

    Raises
    ------
    ValidationError
        As for ``capacity_cut_line``.
    """
    _, detail = _cut_line(ranked, free)
    return _frame(detail, CUT_LINE_DETAIL_COLUMNS, objects=("id", "team_id", "month"), ints=("rank",),
                  floats=("hours", "free_hours", "committed_before", "committed_after", "short_hours"),
                  bools=("fits",))


# --- inputs for ranking and the capacity check ----------------------------------------------------------------

VALUE_FROM_ROI = "value = 1 + log₂(benefit ÷ cost), clamped to 1–5"
ALIGNMENT_BY_STATUS = {"off track": 1.0, "at risk": 0.75, "on track": 0.5, "no data": 0.5, "done": 0.25}


def candidate_value(budget: Any, expected_benefit: Any, value_score: Any) -> tuple[float, str]:
    """The "value" criterion (1–5) of a candidate and how it was found.

    Where the candidate has a return on investment — an expected benefit and a cost (budget), both > 0 — value
    comes from it: ``ROI = (benefit − cost) / cost`` and ``value = clamp(1 + log₂(benefit / cost), 1, 5)``, so
    break-even (ROI 0 %) scores 1 and each doubling of benefit ÷ cost adds a point (ROI 100 % → 2, 300 % → 3,
    700 % → 4, ≥ 1,500 % → 5). Otherwise the project's own ``value_score`` (1–5) is used.

    Examples
    --------
    >>> candidate_value(10_000, 40_000, 3)[0]   # benefit ÷ cost = 4 → 1 + 2
    3.0
    >>> candidate_value(0, 40_000, 2)
    (2.0, 'no cost entered, so the value score: 2')
    """
    score = _number(value_score, "value_score", default=3.0)
    if not 1 <= score <= 5:
        raise ValidationError(f"value_score must be between 1 and 5, not {_num(score)}", field="value_score")
    cost = _number(budget, "budget", default=0.0)
    benefit = _number(expected_benefit, "expected_benefit", default=0.0)
    if cost < 0 or benefit < 0:
        raise ValidationError("budget and expected benefit may not be negative", field="budget" if cost < 0 else
                              "expected_benefit")
    if benefit <= 0:
        return score, f"no expected benefit entered, so the value score: {_num(score)}"
    if cost <= 0:
        return score, f"no cost entered, so the value score: {_num(score)}"
    ratio = benefit / cost
    value = min(5.0, max(1.0, 1.0 + math.log2(ratio)))
    roi = _num(round((ratio - 1) * 100))
    text = (f"ROI ({_num(round(benefit))} − {_num(round(cost))}) / {_num(round(cost))} = {roi} %; "
            f"1 + log₂({ratio:.2f}) = {1 + math.log2(ratio):.2f}")
    if value != 1.0 + math.log2(ratio):
        text += f" → clamped to {value:.2f}"
    return value, text


def alignment_score(goal_title: Any, status: Any) -> tuple[float, str]:
    """The "alignment" criterion (0–1): how much a candidate's goal needs help.

    No goal (or an archived one) → 0. Otherwise by the goal's status: off track 1, at risk 0.75, on track or no data
    0.5, done 0.25 — work that serves a goal which is behind counts most.
    """
    if _is_missing(goal_title) or _is_missing(status):
        return 0.0, "serves no (active) goal → 0"
    score = ALIGNMENT_BY_STATUS.get(str(status), 0.5)
    return score, f"serves '{goal_title}' ({status}) → {score:g}"


def values_as_of(krs: pd.DataFrame, check_ins: pd.DataFrame, day: date) -> pd.DataFrame:
    """Key results with ``current_value`` as it stood at the end of ``day``.

    ``krs`` needs ``id`` and ``start_value``; ``check_ins`` needs ``key_result_id``, ``day``, ``value``. The value
    is that of the latest check-in on or before ``day`` (the later id wins on the same day); a KR without one is
    at its start value. Used for "status a week ago".
    """
    _require(krs, ["id", "start_value"], "Key results")
    _require(check_ins, ["key_result_id", "day", "value"], "Check-ins")
    cutoff = _to_date(day, "day")
    latest: dict[Any, tuple[date, int, float]] = {}
    for pos, rec in enumerate(check_ins.to_dict("records")):
        when = _to_date(rec["day"], "day")
        if when > cutoff:
            continue
        key = _key(rec["key_result_id"])
        order = (when, _key(rec.get("id")) or pos)
        if key not in latest or order >= latest[key][:2]:
            latest[key] = (*order, float(rec["value"]))
    out = krs.copy()
    out["current_value"] = [latest[_key(k)][2] if _key(k) in latest else float(s)
                            for k, s in zip(krs["id"], krs["start_value"], strict=True)]
    return out


def _holiday_days(holidays: Iterable[date]) -> list[np.datetime64]:
    return sorted({np.datetime64(_to_date(h, "holiday"), "D") for h in holidays})




def next_quarter(today: date) -> tuple[date, date]:
    """First and last day of the calendar quarter after the one containing ``today``.

    >>> next_quarter(date(2026, 11, 25))
    (datetime.date(2027, 1, 1), datetime.date(2027, 3, 31))
    """
    day = _to_date(today, "today")
    q = (day.month - 1) // 3
    year, q = (day.year + 1, 0) if q == 3 else (day.year, q + 1)
    last_month = 3 * q + 3
    return date(year, 3 * q + 1, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])

def spread_monthly(items: pd.DataFrame, holidays: Iterable[date] = ()) -> pd.DataFrame:
    """Spread each item's hours evenly over the working days (Mon–Fri, not a holiday) of ``start..finish`` and add
    them up per calendar month.

    Parameters
    ----------
    items : DataFrame
        ``start``, ``finish`` (inclusive; missing = start) and ``hours``; every other column is a key kept on the
        output rows.
    holidays : iterable of date
        Non-working days.

    Returns
    -------
    DataFrame
        The key columns, ``month`` (first day) and ``hours``: one row per item and month with hours > 0. A month gets
        ``hours × working days of the window in that month / working days of the window``; a window without a
        working day (a milestone on a Saturday) puts all its hours in the month of ``start``.

    Raises
    ------
    ValidationError
        A missing column or start, a finish before the start, or negative hours.

    Examples
    --------
    A task of 10 h from Thu 29 Jan to Wed 4 Feb 2026 has 2 working days in January and 3 in February: 4 h and 6 h.
    """
    _require(items, ["start", "finish", "hours"], "Work to spread")
    keys = [c for c in items.columns if c not in ("start", "finish", "hours")]
    cal = np.busdaycalendar(weekmask="1111100", holidays=_holiday_days(holidays))
    rows: list[dict[str, Any]] = []
    for row, rec in enumerate(items.to_dict("records")):
        hours = _number(rec["hours"], "hours", default=0.0)
        if hours < 0:
            raise ValidationError(f"Row {row + 1} has negative hours ({_num(hours)})", field="hours", row=row)
        if hours == 0:
            continue
        start = _to_date(rec["start"], "start")
        finish = start if _is_missing(rec["finish"]) else _to_date(rec["finish"], "finish")
        if finish < start:
            raise ValidationError(f"Row {row + 1} finishes ({_day(finish)}) before it starts ({_day(start)})",
                                  field="finish", row=row)
        key = {k: rec[k] for k in keys}
        months = month_starts(start, finish)
        bounds = [max(mo, start) for mo in months] + [finish + timedelta(days=1)]
        counts = [int(np.busday_count(a, b, busdaycal=cal)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        total = sum(counts)
        if total == 0:
            rows.append({**key, "month": start.replace(day=1), "hours": hours})
            continue
        rows.extend({**key, "month": mo, "hours": hours * n / total}
                    for mo, n in zip(months, counts, strict=True) if n)
    return pd.DataFrame(rows, columns=[*keys, "month", "hours"])


def operation_hours(operations: pd.DataFrame, recurring: pd.DataFrame, start: date, end: date,
                    holidays: Iterable[date] = ()) -> pd.Series:
    """Planned "run" hours of each operation within ``start..end`` (inclusive), indexed by operation id.

    ``hours = demand_hours_per_week × working days in the window / 5 + Σ recurring occurrences in the window ×
    hours`` (occurrences as in ``worksmith.workload.recurrence_dates``). Inactive operations (``active`` False) plan
    0 h. ``operations``: ``id, demand_hours_per_week`` (and optional ``active``); ``recurring``: ``operation_id,
    cadence, hours, anchor``.
    """
    from worksmith.domain.workload import recurrence_dates

    _require(operations, ["id", "demand_hours_per_week"], "Operations")
    _require(recurring, ["operation_id", "cadence", "hours", "anchor"], "Recurring tasks")
    first, last = _to_date(start, "start"), _to_date(end, "end")
    cal = np.busdaycalendar(weekmask="1111100", holidays=_holiday_days(holidays))
    days = int(np.busday_count(first, last + timedelta(days=1), busdaycal=cal)) if last >= first else 0
    out: dict[Any, float] = {}
    live: set = set()
    for rec in operations.to_dict("records"):
        op, active = _key(rec["id"]), rec.get("active", True)
        out[op] = 0.0
        if _is_missing(active) or bool(active):
            live.add(op)
            out[op] = _number(rec["demand_hours_per_week"], "demand_hours_per_week", default=0.0) * days / 5
    for rec in recurring.to_dict("records"):
        op = _key(rec["operation_id"])
        if op in live:
            n = len(recurrence_dates(str(rec["cadence"]), _to_date(rec["anchor"], "anchor"), first, last))
            out[op] += n * _number(rec["hours"], "hours", default=0.0)
    return pd.Series(out, dtype="float64")

