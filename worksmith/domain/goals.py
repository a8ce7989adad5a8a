"""Key-result progress, goal roll-up and status against the time elapsed (DESIGN §3 "Goals").

Pure module: plain data in (DataFrames with the columns documented per function, dates, numbers), plain data out.
No database, no Streamlit. Undefined numbers are ``None``, never NaN or inf. Ranking initiatives and the capacity
cut line are in ``worksmith.domain.initiatives``.

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

**Value as of a day.** A KR's value at the end of a day is that of its latest check-in on or before it (the later
check-in id wins on the same day), else its start value ("status a week ago").
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

import pandas as pd

from worksmith.errors import ValidationError
from worksmith.values import is_missing as _is_missing
from worksmith.values import to_date as _to_date
from worksmith.values import to_number as _number

ON_TRACK = 0.7
AT_RISK = 0.4
DIRECTIONS = ("up", "down")
STATUSES = ("done", "on track", "at risk", "off track", "no data")
EPS = 1e-9

ROLL_UP_COLUMNS = ["id", "title", "parent_id", "depth", "progress", "expected", "ratio", "status", "n_krs",
                   "n_children", "summary", "explanation"]


class GoalStatus(NamedTuple):
    """A status word and the ratio progress / expected behind it (``None`` when undefined)."""

    status: str
    ratio: float | None


# --- small helpers (shared with ``domain.initiatives``) -------------------------------------------------------


def plain_key(value: Any) -> Any:
    """An id as a plain hashable: None for missing, 3 for 3.0 (ids read through pandas may become floats)."""
    if _is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        return plain_key(value.item())
    return value


def weight_of(value: Any, field: str) -> float:
    weight = _number(value, field, default=1.0)
    if weight < 0:
        raise ValidationError(f"{field} may not be negative ({num_text(weight)})", field=field)
    return weight


def num_text(x: float) -> str:
    """A number as a person writes it: 5, 6.5, 100,000, 0.125, −3 (a true minus sign)."""
    size = abs(float(x))
    text = f"{int(size):,}" if size.is_integer() and size < 1e15 else f"{size:,.4f}".rstrip("0").rstrip(".")
    return "−" + text if x < 0 and text.strip("0.,") else text


def _p(x: float) -> str:
    return f"{x:.2f}"


def day_text(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValidationError(f"{what} is missing column(s): {', '.join(missing)}")


def label_of(title: Any) -> str:
    return "" if _is_missing(title) else str(title)


def clamp01(x: float) -> float:
    if math.isnan(x):
        return 0.0
    return min(1.0, max(0.0, x))



def quarter_of(day: date) -> tuple[date, date]:
    """First and last day of the calendar quarter containing ``day``.

    >>> quarter_of(date(2026, 11, 25))
    (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    """
    q = (day.month - 1) // 3
    last = 3 * q + 3
    return date(day.year, 3 * q + 1, 1), date(day.year, last, calendar.monthrange(day.year, last)[1])


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
        text = (f"target = start = {num_text(target)}; current {num_text(current)} {verdict} it ({direction}) "
                f"→ {_p(value)}")
        return value, text
    span, gain = target - start, current - start
    if not (math.isfinite(span) and math.isfinite(gain)):  # overflow with huge values: halve both, same ratio
        span, gain = target / 2 - start / 2, current / 2 - start / 2
    raw = gain / span
    value = clamp01(raw)
    shown = _p(raw) if math.isfinite(raw) else ("∞" if raw > 0 else "−∞")
    text = f"({num_text(current)} − {num_text(start)}) / ({num_text(target)} − {num_text(start)}) = {shown}"
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
    require_columns(krs, ["start_value", "target_value", "current_value"], "Key results")
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
        title = label_of(rec.get("title")) or f"row {row + 1}"
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
        raise ValidationError(f"period_end ({day_text(end)}) is before period_start ({day_text(start)})",
                              field="period_end")
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
    if progress >= 1 - EPS:
        return GoalStatus("done", ratio)
    if ratio is None:
        return GoalStatus("on track", None)
    if ratio >= ON_TRACK - EPS:
        return GoalStatus("on track", ratio)
    if ratio >= AT_RISK - EPS:
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
    terms = " + ".join(f"{_p(p)} × {num_text(w)} ({label})" for p, w, label in items)
    total = sum(w for _, w, _ in items)
    return f"({terms}) / {num_text(total)} = {_p(value)}"


def _summary(progress: float | None, expected: float, status: str, krs: list[tuple[float, float, str]],
             children: list[float]) -> str:
    """Plain words first: '0.28 done vs 0.52 expected by now: 2 of 3 key results behind'."""
    if progress is None:
        return "no key results or child goals with data yet"
    head = f"{_p(progress)} done vs {_p(expected)} expected by now"
    if status == "done":
        return f"{head}: done"
    parts = []
    for items, one, many in ((krs, "key result", "key results"), (children, "child goal", "child goals")):
        values = [x[0] if isinstance(x, tuple) else x for x in items]
        if values:
            behind = sum(1 for v in values if goal_status(v, expected).status in ("at risk", "off track"))
            parts.append(f"{behind} of {len(values)} {many if len(values) != 1 else one} behind")
    return f"{head}: {', '.join(parts)}" if parts else head


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
        ``n_krs``/``n_children`` count the goal's KRs and non-archived child goals; ``summary`` says it in plain
        words first ("0.28 done vs 0.52 expected by now: 2 of 3 key results behind"; a key result or child goal is
        behind when its own progress against the goal's expected progress would make it at risk or off track);
        ``explanation`` spells out the weighted mean, the expected progress and the status rule with the numbers.

    Raises
    ------
    ValidationError
        A missing column, a duplicate goal id, a negative weight, a bad KR value or date, or parent links among
        the non-archived goals that form a cycle (the message names the goals in the cycle).
    """
    require_columns(goals, ["id", "title", "period_start", "period_end"], "Goals")
    require_columns(krs, ["goal_id", "start_value", "target_value", "current_value"], "Key results")
    day = _to_date(today, "today")

    records: dict[Any, dict[str, Any]] = {}
    for row, rec in enumerate(goals.to_dict("records")):
        archived = rec.get("archived", False)
        if not _is_missing(archived) and bool(archived):
            continue
        gid = plain_key(rec["id"])
        if gid is None:
            raise ValidationError(f"Goal in row {row + 1} has no id", field="id", row=row)
        if gid in records:
            raise ValidationError(f"Goal id {gid} appears twice", field="id", row=row)
        title = label_of(rec.get("title"))
        try:
            weight = weight_of(rec.get("weight"), "weight")
            elapsed, total = period_days(rec["period_start"], rec["period_end"], day)
        except ValidationError as exc:
            raise ValidationError(f"Goal {gid} '{title}': {exc}", field=exc.field, row=row) from exc
        records[gid] = {"title": title, "weight": weight, "parent": plain_key(rec.get("parent_id")),
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
        gid = plain_key(rec["goal_id"])
        if gid not in records:
            continue
        value, _ = _kr_row(rec, row)
        try:
            weight = weight_of(rec.get("weight"), "weight")
        except ValidationError as exc:
            raise ValidationError(f"Key result '{label_of(rec.get('title'))}': {exc}", field="weight", row=row) from exc
        label = (f"KR '{label_of(rec.get('title'))}' {num_text(float(rec['start_value']))} → "
                 f"{num_text(float(rec['target_value']))}, now {num_text(float(rec['current_value']))}")
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
        value = clamp01(value)
        progress[gid] = value
        mean_text[gid] = "; ".join([_mean_text(items, value, zero), *left_out])

    rows = []
    for gid, depth in order:
        rec = records[gid]
        expected = rec["elapsed"] / rec["total"]
        result = goal_status(progress[gid], expected)
        if rec["elapsed"] == 0:
            when = f"period starts {day_text(rec['period_start'])}"
        elif rec["elapsed"] == rec["total"] and day > rec["period_end"]:
            when = f"period ended {day_text(rec['period_end'])}"
        else:
            when = f"day {rec['elapsed']} of {rec['total']}"
        summary = _summary(progress[gid], expected, result.status, kr_items[gid],
                           [progress[c] for c in children[gid] if progress[c] is not None])
        explanation = (f"{mean_text[gid]}; expected {_p(expected)} ({when}); "
                       f"{_status_text(progress[gid], expected, result)}")
        rows.append({"id": gid, "title": rec["title"], "parent_id": parent[gid], "depth": depth,
                     "progress": progress[gid], "expected": expected, "ratio": result.ratio,
                     "status": result.status, "n_krs": len(kr_items[gid]), "n_children": len(children[gid]),
                     "summary": summary, "explanation": explanation})
    return typed_frame(rows, ROLL_UP_COLUMNS, objects=("id", "parent_id", "progress", "ratio"),
                       ints=("depth", "n_krs", "n_children"), floats=("expected",))


def typed_frame(rows: list[dict[str, Any]], columns: list[str], *, objects: Iterable[str] = (),
                ints: Iterable[str] = (), floats: Iterable[str] = (), bools: Iterable[str] = ()) -> pd.DataFrame:
    """Build a frame column by column so that None stays None (object dtype) instead of becoming NaN."""
    data: dict[str, pd.Series] = {}
    kinds = {**{c: object for c in objects}, **{c: "int64" for c in ints}, **{c: "float64" for c in floats},
             **{c: "bool" for c in bools}}
    for column in columns:
        values = [r[column] for r in rows]
        data[column] = pd.Series(values, dtype=kinds.get(column))  # None: inferred (text becomes pandas str)
    return pd.DataFrame(data, columns=columns)


# --- history ------------------------------------------------------------------------------------------------------


def values_as_of(krs: pd.DataFrame, check_ins: pd.DataFrame, day: date) -> pd.DataFrame:
    """Key results with ``current_value`` as it stood at the end of ``day``.

    ``krs`` needs ``id`` and ``start_value``; ``check_ins`` needs ``key_result_id``, ``day``, ``value``. The value
    is that of the latest check-in on or before ``day`` (the later id wins on the same day); a KR without one is
    at its start value. Used for "status a week ago".
    """
    require_columns(krs, ["id", "start_value"], "Key results")
    require_columns(check_ins, ["key_result_id", "day", "value"], "Check-ins")
    cutoff = _to_date(day, "day")
    latest: dict[Any, tuple[date, int, float]] = {}
    for pos, rec in enumerate(check_ins.to_dict("records")):
        when = _to_date(rec["day"], "day")
        if when > cutoff:
            continue
        key = plain_key(rec["key_result_id"])
        order = (when, plain_key(rec.get("id")) or pos)
        if key not in latest or order >= latest[key][:2]:
            latest[key] = (*order, float(rec["value"]))
    out = krs.copy()
    out["current_value"] = [latest[plain_key(k)][2] if plain_key(k) in latest else float(s)
                            for k, s in zip(krs["id"], krs["start_value"], strict=True)]
    return out
