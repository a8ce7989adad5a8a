"""Initiatives: candidate scores and ranking, the capacity cut line, and the inputs they need (DESIGN §3 "Goals").

Pure module: plain data in, plain data out; no database, no Streamlit. Undefined numbers are ``None``, never NaN
or inf. Goal progress and status (which feed the alignment criterion) are in ``worksmith.domain.goals``.

Formulas
--------
**Initiative score** (0–100), absolute: each candidate is scored on its own numbers, never against the other
candidates, so adding or removing a candidate changes no other score. Each criterion is mapped to 0..1 (1 = best) on
a fixed scale: ``value`` (1–5) → ``(value − 1) / 4``; ``alignment`` (0–1) as it is; ``risk`` (1–5) →
``(5 − risk) / 4``; ``cost`` and ``effort_hours`` (≥ 0, less is better) → ``ref / (ref + x)`` with a stated reference
``ref`` (1 at 0, ½ at the reference, towards 0 beyond; the caller says what the reference is, e.g. the median of the
workspace's committed projects). ``score = 100 × Σ w·n / Σ w``.
A candidate without an estimate (no effort hours or no cost) is not scored: it "needs an estimate", has no score and
no rank, and is listed after the ranked ones.
Ties (scores equal to 1e-9) are broken by higher value, then higher alignment, then lower cost, then input order;
``rank`` is the position 1..n after that ordering.

**Capacity cut line.** Candidates are taken in rank order. A candidate *fits* when, for every team-month it needs
hours in, the hours already committed there by earlier **fitting** candidates plus its own hours stay within the
team's free hours that month (a team-month missing from ``free`` has 0 free hours). A candidate that does not fit
is skipped: it commits no hours, and later candidates are still tried (a smaller one may fit in what is left).

**Value** (1–5). With an expected benefit and a cost both > 0: ``ROI = (benefit − cost) / cost`` and
``value = clamp(1 + log₂(benefit / cost), 1, 5)``; otherwise the project's own value score.
**Alignment** (0–1) by the status of the goal served: off track 1, at risk 0.75, on track or no data 0.5,
done 0.25, no (active) goal 0.

**Monthly spread.** An item's hours are spread evenly over the working days (Mon–Fri, not a holiday) of
``start..finish``: a month gets ``hours × working days in it / working days of the window``.
**Operation hours** in a window: ``demand_hours_per_week × working days / 5 + occurrences × hours`` of its
recurring tasks (``worksmith.domain.calendar.recurrence_dates``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from worksmith.domain.calendar import recurrence_dates
from worksmith.domain.goals import (
    EPS,
    clamp01,
    day_text,
    label_of,
    num_text,
    plain_key,
    quarter_of,
    require_columns,
    typed_frame,
    weight_of,
)
from worksmith.errors import ValidationError
from worksmith.values import is_missing as _is_missing
from worksmith.values import month_starts
from worksmith.values import to_date as _to_date
from worksmith.values import to_number as _number

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


def _month(value: Any, field: str = "month") -> date:
    return _to_date(value, field).replace(day=1)


# --- ranking ---------------------------------------------------------------------------------------------------


_RANGES = {"value": (1.0, 5.0), "alignment": (0.0, 1.0), "risk": (1.0, 5.0), "cost": (0.0, math.inf),
           "effort_hours": (0.0, math.inf)}
DEFAULT_REFERENCES: dict[str, float] = {"cost": 50_000.0, "effort_hours": 500.0}  # half marks at these
RANK_COLUMNS = ["rank", "score", "estimated", "needs"]


def scaled(criterion: str, x: float, reference: float | None = None) -> float:
    """One criterion on its fixed 0..1 scale, 1 = best (module docstring).

    >>> scaled("value", 3.0), scaled("risk", 2.0), scaled("cost", 50_000, 50_000)
    (0.5, 0.75, 0.5)
    """
    if criterion == "value":
        return clamp01((x - 1.0) / 4.0)
    if criterion == "alignment":
        return clamp01(x)
    if criterion == "risk":
        return clamp01((5.0 - x) / 4.0)
    ref = DEFAULT_REFERENCES[criterion] if reference is None else reference
    return clamp01(ref / (ref + x))


def missing_estimate(effort_hours: Any, cost: Any) -> str | None:
    """What a candidate lacks to be scored: ``None`` when it has effort hours > 0 and a cost > 0, else e.g.
    "no hours and no cost"."""
    lacks = [what for what, x in (("no hours", effort_hours), ("no cost", cost))
             if _is_missing(x) or _number(x, what) <= 0]
    return " and ".join(lacks) or None


def _references(references: Mapping[str, float] | None) -> dict[str, float]:
    out = dict(DEFAULT_REFERENCES)
    for name, value in (references or {}).items():
        if name not in out:
            raise ValidationError(f"No reference for '{name}'; only {', '.join(out)} have one", field=name)
        ref = _number(value, f"reference for {name}")
        if not ref > 0 or not math.isfinite(ref):
            raise ValidationError(f"The reference for {name} must be more than 0, not {num_text(ref)}", field=name)
        out[name] = ref
    return out


def rank_initiatives(candidates: pd.DataFrame, weights: Mapping[str, float] | None = None,
                     references: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Score candidate initiatives 0–100 on absolute scales and rank them.

    Parameters
    ----------
    candidates : DataFrame
        Columns ``id``, ``name``, ``value`` (1–5), ``alignment`` (0–1), ``cost`` (≥ 0), ``effort_hours`` (≥ 0),
        ``risk`` (1–5); other columns are kept. ``cost``/``effort_hours`` may be missing (no estimate).
    weights : mapping, optional
        Weight per criterion (keys of ``CRITERIA``); missing keys count 1 (``DEFAULT_WEIGHTS``), all 0 → equal.
    references : mapping, optional
        ``cost`` and ``effort_hours`` at which those criteria score ½ (``DEFAULT_REFERENCES`` where missing).

    Returns
    -------
    DataFrame
        Ranked candidates first (by rank), then those that need an estimate (input order), with added columns
        ``n_value, n_alignment, n_cost, n_effort_hours, n_risk`` (0..1, 1 = best; None when not scored),
        ``score`` (0..100 or None), ``rank`` (1..k or None), ``estimated`` (bool), ``needs`` (what is missing,
        or None) and ``explanation``. The formula and the tie rule are in the module docstring.

    Raises
    ------
    ValidationError
        A missing column, a value outside its range, an unknown criterion, a negative weight or a reference ≤ 0.
    """
    require_columns(candidates, ["id", "name", *CRITERIA], "Candidates")
    w = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in CRITERIA:
            raise ValidationError(f"Unknown criterion '{name}'; use {', '.join(CRITERIA)}", field=name)
        w[name] = weight_of(value, f"weight of {name}")
    equal = sum(w.values()) <= 0
    if equal:
        w = dict(DEFAULT_WEIGHTS)
    total_w = sum(w.values())
    refs = _references(references)

    recs = candidates.to_dict("records")
    values: list[dict[str, float]] = []
    needs: list[str | None] = []
    for row, rec in enumerate(recs):
        needs.append(missing_estimate(rec["effort_hours"], rec["cost"]))
        xs = {}
        for criterion, (low, high) in _RANGES.items():
            if criterion in refs and _is_missing(rec[criterion]):
                xs[criterion] = 0.0
                continue
            x = _number(rec[criterion], criterion)
            if not low <= x <= high:
                bound = (f"between {num_text(low)} and {num_text(high)}" if math.isfinite(high)
                         else f"at least {num_text(low)}")
                raise ValidationError(f"Candidate '{label_of(rec['name'])}': {criterion} must be {bound}, "
                                      f"not {num_text(x)}", field=criterion, row=row)
            xs[criterion] = x
        values.append(xs)

    normal: list[dict[str, float] | None] = []
    scores: list[float | None] = []
    texts: list[str] = []
    for i in range(len(recs)):
        if needs[i] is not None:
            normal.append(None)
            scores.append(None)
            texts.append(f"needs an estimate ({needs[i]}): not scored until it has task hours and a cost")
            continue
        n = {c: scaled(c, values[i][c], refs.get(c)) for c in CRITERIA}
        normal.append(n)
        score = min(100.0, max(0.0, 100.0 * sum(w[c] * n[c] for c in CRITERIA) / total_w))
        scores.append(score)
        terms = " + ".join(f"{num_text(w[c])}×{n[c]:.2f} {c}{'↓' if CRITERIA[c] == 'down' else ''}"
                           for c in CRITERIA)
        prefix = "all weights 0, so equal weights; " if equal else ""
        texts.append(f"{prefix}score = 100 × ({terms}) / {num_text(total_w)} = {score:.0f}")

    scored = sorted((i for i in range(len(recs)) if scores[i] is not None),
                    key=lambda i: (-round(scores[i], 9), -values[i]["value"], -values[i]["alignment"],
                                   values[i]["cost"], i))
    order = scored + [i for i in range(len(recs)) if scores[i] is None]
    rank = {i: r for r, i in enumerate(scored, start=1)}
    out = candidates.copy().reset_index(drop=True)
    for c in CRITERIA:
        out[f"n_{c}"] = pd.Series([None if n is None else n[c] for n in normal], dtype=object)
    out["score"] = pd.Series(scores, dtype=object)
    out["estimated"] = pd.Series([x is None for x in needs], dtype=bool)
    out["needs"] = pd.Series(needs, dtype=object)
    out["explanation"] = pd.Series(texts, dtype=object)
    out.insert(0, "rank", pd.Series([rank.get(i) for i in range(len(recs))], dtype=object))
    return out.iloc[order].reset_index(drop=True)


def _hours(h: float) -> str:
    return f"{num_text(round(h, 2))} h"


def _cut_line(ranked: pd.DataFrame, free: pd.DataFrame) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    require_columns(ranked, ["id", "name", "team_id", "month", "hours"], "Candidate demand")
    require_columns(free, ["team_id", "month", "free_hours"], "Free capacity")
    frame = ranked.sort_values("rank", kind="stable") if "rank" in ranked.columns else ranked

    capacity: dict[tuple[Any, date], float] = {}
    for rec in free.to_dict("records"):
        hours = _number(rec["free_hours"], "free_hours", default=0.0)
        key = (plain_key(rec["team_id"]), _month(rec["month"]))
        capacity[key] = capacity.get(key, 0.0) + hours

    candidates: dict[Any, dict[str, Any]] = {}
    for row, rec in enumerate(frame.to_dict("records")):
        cid = plain_key(rec["id"])
        cand = candidates.setdefault(cid, {"name": label_of(rec["name"]), "demand": {}})
        hours = _number(rec["hours"], "hours", default=0.0)
        if hours < 0:
            raise ValidationError(f"Candidate '{cand['name']}' needs negative hours ({num_text(hours)})",
                                  field="hours", row=row)
        if hours == 0:
            continue
        key = (plain_key(rec["team_id"]), _month(rec["month"]))
        cand["demand"][key] = cand["demand"].get(key, 0.0) + hours

    committed: dict[tuple[Any, date], float] = {}
    summary: list[dict[str, Any]] = []
    detail: list[dict[str, Any]] = []
    above = True
    for rank, (cid, cand) in enumerate(candidates.items(), start=1):
        keys = sorted(cand["demand"], key=lambda k: (k[1], str(k[0])))
        shorts = []  # (key, short hours, committed before, free) per team-month it would overrun
        for key in keys:
            before = committed.get(key, 0.0)
            need = before + cand["demand"][key]
            limit = capacity.get(key, 0.0)
            if need > limit + EPS * max(1.0, abs(limit)):
                shorts.append((key, need - limit, before, limit))
        shorts.sort(key=lambda t: (-round(t[1], 9), t[0][1], str(t[0][0])))  # worst first
        shortfall = shorts[0] if shorts else None
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
                    f"{_hours(cand['demand'][(team, month)])} → short {_hours(short)}")
            if len(shorts) > 1:
                text += "; also short: " + ", ".join(f"team {k[0]} in {k[1]:%b %Y} {_hours(h)}"
                                                     for k, h, _, _ in shorts[1:])
            text += "; skipped, commits no hours"
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
        ``shortfall_team``, ``shortfall_month`` (first day of the month), ``shortfall_hours`` (the worst team-month
        it would overrun — most hours short, ties by month then team — and by how much; None when it fits) and
        ``explanation`` (the worst shortfall first, then the others).

    Raises
    ------
    ValidationError
        A missing column, a non-numeric or negative number of hours, or a month that is not a date.
    """
    return _summary_frame(_cut_line(ranked, free)[0])


def _summary_frame(summary: list[dict[str, Any]]) -> pd.DataFrame:
    return typed_frame(summary, CUT_LINE_COLUMNS,
                       objects=("id", "shortfall_team", "shortfall_month", "shortfall_hours"),
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
    return _detail_frame(_cut_line(ranked, free)[1])


def _detail_frame(detail: list[dict[str, Any]]) -> pd.DataFrame:
    return typed_frame(detail, CUT_LINE_DETAIL_COLUMNS, objects=("id", "team_id", "month"), ints=("rank",),
                       floats=("hours", "free_hours", "committed_before", "committed_after", "short_hours"),
                       bools=("fits",))


def capacity_cut_line_and_detail(ranked: pd.DataFrame, free: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(:func:`capacity_cut_line`, :func:`capacity_cut_line_detail`) from one walk down the list."""
    summary, detail = _cut_line(ranked, free)
    return _summary_frame(summary), _detail_frame(detail)


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
        raise ValidationError(f"value_score must be between 1 and 5, not {num_text(score)}", field="value_score")
    cost = _number(budget, "budget", default=0.0)
    benefit = _number(expected_benefit, "expected_benefit", default=0.0)
    if cost < 0 or benefit < 0:
        raise ValidationError("budget and expected benefit may not be negative", field="budget" if cost < 0 else
                              "expected_benefit")
    if benefit <= 0:
        return score, f"no expected benefit entered, so the value score: {num_text(score)}"
    if cost <= 0:
        return score, f"no cost entered, so the value score: {num_text(score)}"
    ratio = benefit / cost
    value = min(5.0, max(1.0, 1.0 + math.log2(ratio)))
    roi = num_text(round((ratio - 1) * 100))
    text = (f"ROI ({num_text(round(benefit))} − {num_text(round(cost))}) / {num_text(round(cost))} = {roi} %; "
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


def _holiday_days(holidays: Iterable[date]) -> list[np.datetime64]:
    return sorted({np.datetime64(_to_date(h, "holiday"), "D") for h in holidays})




def next_quarter(today: date) -> tuple[date, date]:
    """First and last day of the calendar quarter after the one containing ``today``.

    >>> next_quarter(date(2026, 11, 25))
    (datetime.date(2027, 1, 1), datetime.date(2027, 3, 31))
    """
    _, end = quarter_of(_to_date(today, "today"))
    return quarter_of(end + timedelta(days=1))


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
    require_columns(items, ["start", "finish", "hours"], "Work to spread")
    keys = [c for c in items.columns if c not in ("start", "finish", "hours")]
    cal = np.busdaycalendar(weekmask="1111100", holidays=_holiday_days(holidays))
    fast = _spread_dated(items, keys, cal)
    if fast is not None:
        return fast
    rows: list[dict[str, Any]] = []
    for row, rec in enumerate(items.to_dict("records")):
        hours = _number(rec["hours"], "hours", default=0.0)
        if hours < 0:
            raise ValidationError(f"Row {row + 1} has negative hours ({num_text(hours)})", field="hours", row=row)
        if hours == 0:
            continue
        start = _to_date(rec["start"], "start")
        finish = start if _is_missing(rec["finish"]) else _to_date(rec["finish"], "finish")
        if finish < start:
            raise ValidationError(f"Row {row + 1} finishes ({day_text(finish)}) before it starts ({day_text(start)})",
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


def _spread_dated(items: pd.DataFrame, keys: list[str], cal: np.busdaycalendar) -> pd.DataFrame | None:
    """:func:`spread_monthly` for whole arrays at once, when every item with hours is plain (numeric hours ≥ 0,
    dates as ``date`` objects, finish missing or not before start): the same rows and figures. ``None`` otherwise,
    so that the row-by-row path words the first problem."""
    if not pd.api.types.is_numeric_dtype(items["hours"]) or pd.api.types.is_bool_dtype(items["hours"]):
        return None
    hours = items["hours"].to_numpy(dtype=float, na_value=np.nan)
    hours = np.where(np.isnan(hours), 0.0, hours)
    if not np.isfinite(hours).all() or (hours < 0).any():
        return None
    rows = np.flatnonzero(hours > 0)
    starts = items["start"].to_numpy(dtype=object)[rows]
    finishes = items["finish"].to_numpy(dtype=object)[rows]
    if not all(type(d) is date for d in starts):
        return None
    finishes = [a if _is_missing(b) else b for a, b in zip(starts, finishes, strict=True)]
    if not all(type(d) is date for d in finishes):
        return None
    start = np.array(starts, dtype="datetime64[D]")
    finish = np.array(finishes, dtype="datetime64[D]")
    if (finish < start).any():
        return None
    first_month, last_month = start.astype("datetime64[M]"), finish.astype("datetime64[M]")
    n_months = (last_month - first_month).astype(np.int64) + 1
    item = np.repeat(np.arange(len(rows)), n_months)  # one entry per item and month of its window
    offset = np.arange(len(item)) - np.repeat(np.cumsum(n_months) - n_months, n_months)
    month = first_month[item] + offset
    days = np.busday_count(np.maximum(month.astype("datetime64[D]"), start[item]),
                           np.minimum((month + 1).astype("datetime64[D]"), finish[item] + 1), busdaycal=cal)
    total = np.bincount(item, weights=days, minlength=len(rows))
    no_day = total[item] == 0  # a window without a working day: everything in the month of its start
    keep = np.where(no_day, offset == 0, days > 0)
    item, month, days = item[keep], month[keep], days[keep]
    whole = hours[rows][item]
    share = np.where(no_day[keep], whole, whole * days / np.where(total == 0, 1, total)[item])
    if not len(item):
        return pd.DataFrame([], columns=[*keys, "month", "hours"])
    source = rows[item]
    out = {k: items[k].to_numpy(dtype=object)[source].tolist() for k in keys}
    out["month"] = month.astype("datetime64[D]").astype(object).tolist()
    out["hours"] = share.tolist()
    return pd.DataFrame(out, columns=[*keys, "month", "hours"])


def operation_hours(operations: pd.DataFrame, recurring: pd.DataFrame, start: date, end: date,
                    holidays: Iterable[date] = ()) -> pd.Series:
    """Planned "run" hours of each operation within ``start..end`` (inclusive), indexed by operation id.

    ``hours = demand_hours_per_week × working days in the window / 5 + Σ recurring occurrences in the window ×
    hours`` (occurrences as in ``domain.calendar.recurrence_dates``). Inactive operations (``active`` False) plan
    0 h. ``operations``: ``id, demand_hours_per_week`` (and optional ``active``); ``recurring``: ``operation_id,
    cadence, hours, anchor``.
    """
    require_columns(operations, ["id", "demand_hours_per_week"], "Operations")
    require_columns(recurring, ["operation_id", "cadence", "hours", "anchor"], "Recurring tasks")
    first, last = _to_date(start, "start"), _to_date(end, "end")
    cal = np.busdaycalendar(weekmask="1111100", holidays=_holiday_days(holidays))
    days = int(np.busday_count(first, last + timedelta(days=1), busdaycal=cal)) if last >= first else 0
    out: dict[Any, float] = {}
    live: set = set()
    for rec in operations.to_dict("records"):
        op, active = plain_key(rec["id"]), rec.get("active", True)
        out[op] = 0.0
        if _is_missing(active) or bool(active):
            live.add(op)
            out[op] = _number(rec["demand_hours_per_week"], "demand_hours_per_week", default=0.0) * days / 5
    for rec in recurring.to_dict("records"):
        op = plain_key(rec["operation_id"])
        if op in live:
            n = len(recurrence_dates(str(rec["cadence"]), _to_date(rec["anchor"], "anchor"), first, last,
                                     "" if _is_missing(rec.get("rrule")) else str(rec.get("rrule") or "")))
            out[op] += n * _number(rec["hours"], "hours", default=0.0)
    return pd.Series(out, dtype="float64")

