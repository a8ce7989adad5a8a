"""Over-allocation and the one-click fixes for it (DESIGN §3 "Workload"). Pure: DataFrames in, DataFrames out.

Over-allocated person-week (from :func:`worksmith.domain.workload.compute_load`)::

    over  <=>  load > capacity + 1e-9          excess E = load − capacity

Fixes for an over-allocated cell (person p, week w, excess E), per change task assigned to p with hours h_w in w:

* ``reassign``: the task goes to another active person who has its ``required_skill`` (empty = anyone) and free
  capacity (capacity − load) ≥ the task's hours in EVERY horizon week it falls in. Among those, the one with the most
  room left in the tightest week (ties: people-frame order). Relieves min(E, h_w).
* ``shift``: the task starts k working days later, 1 ≤ k ≤ its total float, so the project finish does not move. p's
  load is recomputed with the moved task (same spread rule, so an in-progress task keeps starting today and only its
  finish moves); k is accepted if no week of p becomes over-allocated or more over-allocated than now, and week w
  gets lighter. Relieves min(E, h_w − h'_w); the smallest k with the largest relief is proposed (ideally the
  whole excess).

A shift moves both dates by k working days (:func:`apply_shift`; a date on a non-working day first rolls to the next
working day, so a task keeps its number of working days). Working days are those of
:mod:`worksmith.domain.calendar`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from worksmith.domain.calendar import as_date, busday_calendar, to_days
from worksmith.domain.workload import EPS, WeekGrid, Workload, load_matrices, spread_hours, week_grid
from worksmith.domain.workload_inputs import PeopleArrays, TaskArrays, id_array, objects, prepare_people, prepare_tasks
from worksmith.errors import ValidationError

__all__ = ["OVER_COLUMNS", "SUGGESTION_COLUMNS", "apply_shift", "over_allocations", "suggest_fixes"]

OVER_COLUMNS = ["person_id", "week", "week_label", "load", "capacity", "excess", "tasks"]
SUGGESTION_COLUMNS = [
    "kind", "task_id", "task_name", "project_id", "from_person_id", "to_person_id", "shift_days", "new_start",
    "new_finish", "week", "week_label", "excess_hours", "relieves_hours", "explanation",
]


def apply_shift(task_row: Mapping[str, Any], days: int, holidays: Iterable[date] | None = None) -> tuple[date, date]:
    """New ``(start, finish)`` of a task moved by ``days`` working days (negative = earlier).

    ``task_row`` needs ``start`` and ``finish`` (finish defaults to start). A date on a non-working day first rolls to
    the next working day, so a task that starts and ends on working days keeps its number of working days.

    >>> apply_shift({"start": date(2026, 2, 12), "finish": date(2026, 2, 13)}, 1)   # Thu–Fri -> Fri–Mon
    (datetime.date(2026, 2, 13), datetime.date(2026, 2, 16))
    """
    start = task_row.get("start")
    finish = task_row.get("finish")
    if start is None or pd.isna(start):
        raise ValidationError("The task has no start date to shift", field="start")
    if finish is None or pd.isna(finish):
        finish = start
    cal = busday_calendar(holidays)
    s, f = to_days([start, finish], "start")
    f = max(f, s)
    new = np.busday_offset(np.array([s, f]), int(days), roll="forward", busdaycal=cal)
    return as_date(new[0]), as_date(new[1])


def _cell_names(workload: Workload) -> dict[tuple[Any, str], list[str]]:
    """(person_id, week_label) -> names of the work in that cell, largest first."""
    con = workload.contributions
    rows = sorted(zip(objects(con["person_id"]).tolist(), con["week_label"].tolist(), con["hours"].tolist(),
                      con["name"].astype(str).tolist(), strict=True), key=lambda r: (-r[2], r[3]))
    names: dict[tuple[Any, str], list[str]] = {}
    for pid, label, _hours, name in rows:
        names.setdefault((pid, label), []).append(name)
    return names


def over_allocations(workload: Workload) -> pd.DataFrame:
    """Over-allocated person-weeks, worst first (then by week).

    Returns ``person_id, week, week_label, load, capacity, excess (= load − capacity), tasks`` where ``tasks`` lists
    the names of the work in that cell (change and run), largest first.
    """
    cells = workload.cells
    over = cells.loc[cells["over"], ["person_id", "week", "week_label", "load", "capacity", "excess"]]
    if over.empty:
        return pd.DataFrame(columns=OVER_COLUMNS)
    names = _cell_names(workload)
    keys = zip(objects(over["person_id"]).tolist(), over["week_label"].tolist(), strict=True)
    over = over.assign(tasks=[names.get(k, []) for k in keys])
    over = over.sort_values(["excess", "week_label"], ascending=[False, True], kind="stable")
    return over.reset_index(drop=True)[OVER_COLUMNS]


def _reassign_targets(rows: np.ndarray, old: np.ndarray, tk: TaskArrays, ppl: PeopleArrays,
                      free: np.ndarray) -> list[tuple[int, float] | None]:
    """Per task: (best person index, room left in the tightest week) or None. See :func:`suggest_fixes`."""
    skill_masks: dict[str, np.ndarray] = {}
    out: list[tuple[int, float] | None] = []
    for r, h in zip(rows, old, strict=True):
        skill = tk.skills[r]
        if skill not in skill_masks:
            skill_masks[skill] = ppl.active & np.array([not skill or skill in s for s in ppl.skills], dtype=bool)
        need = h > EPS
        slack = (free[:, need] - h[need]).min(axis=1) if need.any() else np.full(len(ppl), np.inf)
        fits = skill_masks[skill] & (slack >= -EPS)
        fits[tk.person[r]] = False
        if fits.any():
            cand = np.flatnonzero(fits)
            best = cand[np.argmax(slack[cand])]  # argmax keeps the first of equals: people order
            out.append((int(best), float(slack[best])))
        else:
            out.append(None)
    return out


def _best_shifts(pairs: np.ndarray, excess: np.ndarray, k_max: np.ndarray, rows: np.ndarray, old: np.ndarray,
                 tk: TaskArrays, grid: WeekGrid, load: np.ndarray, cap: np.ndarray, chunk: int = 100_000
                 ) -> list[tuple[int, float] | None]:
    """Per (task position, person, week) pair: (smallest k with the largest relief, relief) or None.

    ``pairs`` columns: position in ``rows``/``old``, person index, week index. All k of one pair are evaluated at
    once: the task's spread moved by k working days replaces its current spread in the person's load.
    """
    result: list[tuple[int, float] | None] = [None] * len(pairs)
    # shifted spreads per task position: block offset[t] .. offset[t] + k_max[t]
    offset = np.concatenate([[0], np.cumsum(k_max)[:-1]]).astype(np.int64)
    total = int(k_max.sum())
    if total == 0:
        return result
    t_of = np.repeat(np.arange(len(k_max)), k_max)
    ks = np.arange(total) - np.repeat(offset, k_max) + 1
    src = rows[t_of]
    starts = np.busday_offset(tk.start[src], ks, roll="forward", busdaycal=grid.cal)
    finishes = np.busday_offset(tk.finish[src], ks, roll="forward", busdaycal=grid.cal)
    new = spread_hours(starts, finishes, tk.remaining[src], grid)
    pair_k = k_max[pairs[:, 0]]
    todo = np.flatnonzero(pair_k > 0)
    # chunks of pairs so that the expanded (pair, k) rows stay below `chunk`
    bounds_ = np.searchsorted(np.cumsum(pair_k[todo]), np.arange(chunk, int(pair_k[todo].sum()) + chunk, chunk))
    start_i = 0
    for stop_i in [*bounds_.tolist(), len(todo)]:
        sel = todo[start_i:stop_i]
        start_i = max(start_i, stop_i)
        if len(sel) == 0:
            continue
        kk = pair_k[sel]
        which = np.repeat(np.arange(len(sel)), kk)
        k_in = np.arange(int(kk.sum())) - np.repeat(np.cumsum(kk) - kk, kk)
        t, p, w = pairs[sel, 0][which], pairs[sel, 1][which], pairs[sel, 2][which]
        new_rows = new[offset[t] + k_in]
        new_load = load[p] - old[t] + new_rows
        no_harm = (new_load <= np.maximum(cap[p], load[p]) + EPS).all(axis=1)
        relief = np.minimum(excess[sel][which], old[t, w] - new_rows[np.arange(len(w)), w])
        good = no_harm & (relief > EPS)
        score = np.where(good, relief, -np.inf)
        firsts = np.cumsum(kk) - kk
        top = np.maximum.reduceat(score, firsts)
        pick = good & (score >= top[which] - 1e-6)
        first_k = np.minimum.reduceat(np.where(pick, k_in, np.iinfo(np.int64).max), firsts)
        for j, (best, k0) in enumerate(zip(top, first_k, strict=True)):
            if np.isfinite(best):
                result[int(sel[j])] = (int(k0) + 1, float(best))
    return result


def suggest_fixes(
    workload: Workload,
    tasks: pd.DataFrame,
    people: pd.DataFrame,
    float_days: Mapping[Any, int],
    holidays: Iterable[date] | None = None,
    *,
    max_per_cell: int = 3,
    person_ids: Iterable[Any] | None = None,
    weeks: Iterable[date] | None = None,
) -> pd.DataFrame:
    """Ways to relieve each over-allocated person-week, best first within a cell.

    ``reassign`` and ``shift`` as in the module docstring; a shift's total float comes from ``float_days`` (missing
    = 0) and k is tried only while the task still touches the horizon.

    Suggestions of a cell are ranked by relieves_hours (desc), then kind, task id; at most ``max_per_cell`` per
    cell. Each is judged alone against the current plan: after applying one, recompute before the next. Only the
    horizon weeks are checked.

    Parameters
    ----------
    workload
        From :func:`~worksmith.domain.workload.compute_load` on the same ``tasks`` and ``people``.
    tasks, people
        As for ``compute_load`` (``tasks.required_skill`` optional).
    float_days
        task_id -> total float in working days (from the schedule).
    holidays
        The calendar; defaults to the holidays the workload was computed with.
    max_per_cell
        At most this many suggestions per over-allocated person-week.
    person_ids, weeks
        Only suggest for these people / these weeks (Mondays); default all. Candidates for a reassignment are
        still everybody.

    Returns
    -------
    DataFrame
        ``kind ('reassign'|'shift'), task_id, task_name, project_id, from_person_id, to_person_id (reassign),
        shift_days (shift), new_start, new_finish (shift), week, week_label, excess_hours, relieves_hours,
        explanation``; ordered by week, then person (people order), then rank.
    """
    hol = workload.holidays if holidays is None else holidays
    grid = week_grid(workload.horizon_start, len(workload.weeks), hol, workload.today)
    ppl = prepare_people(people)
    ids, load, cap = load_matrices(workload)
    if len(ids) != len(ppl) or any(a != b for a, b in zip(ids.tolist(), ppl.ids.tolist(), strict=True)):
        raise ValidationError("suggest_fixes needs the same people as compute_load", field="people")
    free = np.clip(cap - load, 0, None)
    over = load > cap + EPS
    if person_ids is not None:
        over &= ppl.index.isin(list(person_ids))[:, None]
    if weeks is not None:
        over &= np.isin(np.array(workload.weeks, dtype=object), list(weeks))[None, :]
    if not over.any():
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)

    tk = prepare_tasks(tasks, ppl)
    ok = (tk.remaining > EPS) & ~np.isnat(tk.start) & (tk.person >= 0)
    row_of = {tid: i for i, tid in enumerate(tk.ids.tolist()) if ok[i]}
    week_of = {w: i for i, w in enumerate(workload.weeks)}
    con = workload.contributions
    con = con[con["source"] == "task"]
    pcon = ppl.index.get_indexer(pd.Index(objects(con["person_id"]), dtype=object)) if len(con) else []
    wcon = [week_of[w] for w in con["week"]]
    # (task row, person, week) for every change task in an over-allocated cell, largest contribution first
    found = sorted(
        ((row_of[tid], int(pi), wk, hours)
         for pi, wk, tid, hours in zip(pcon, wcon, objects(con["source_id"]), con["hours"], strict=True)
         if pi >= 0 and tid in row_of and over[pi, wk]),
        key=lambda r: (r[2], r[1], -r[3], str(tk.ids[r[0]])),
    )
    if not found:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    rows = np.array(sorted({f[0] for f in found}), dtype=np.int64)
    pos = {r: i for i, r in enumerate(rows.tolist())}
    old = spread_hours(tk.start[rows], tk.finish[rows], tk.remaining[rows], grid)
    targets = _reassign_targets(rows, old, tk, ppl, free)
    horizon_end = grid.bounds[-1]
    reach = np.busday_count(np.minimum(tk.start[rows], grid.today), horizon_end, busdaycal=grid.cal) + 1
    floats = np.array([int(float_days.get(tk.ids[r], 0) or 0) for r in rows], dtype=np.int64)
    k_max = np.clip(np.minimum(floats, reach), 0, None)
    pairs = np.array([(pos[r], p, w) for r, p, w, _h in found], dtype=np.int64)
    excess = load[pairs[:, 1], pairs[:, 2]] - cap[pairs[:, 1], pairs[:, 2]]
    shifts = _best_shifts(pairs, excess, k_max, rows, old, tk, grid, load, cap)

    # rank light candidates per cell first; only the kept ones get dates and an explanation
    cells: dict[tuple[int, int], list[tuple[float, str, str, int, int, int, float, Any]]] = {}
    for (t, p, w), e, shift in zip(pairs.tolist(), excess.tolist(), shifts, strict=True):
        out = cells.setdefault((w, p), [])
        tid = str(tk.ids[rows[t]])
        if targets[t] is not None:
            relief = min(e, float(old[t, w]))
            out.append((-round(relief, 9), "reassign", tid, t, p, w, relief, targets[t]))
        if shift is not None:
            out.append((-round(shift[1], 9), "shift", tid, t, p, w, shift[1], shift[0]))
    rows_out: list[dict[str, Any]] = []
    for key in sorted(cells):
        for _rank, kind, _tid, t, p, w, relief, detail in sorted(cells[key], key=lambda c: c[:3])[:max_per_cell]:
            r = int(rows[t])
            name, who, label = tk.names[r], ppl.names[p], grid.labels[w]
            e = float(load[p, w] - cap[p, w])
            row = {"kind": kind, "task_id": tk.ids[r], "task_name": name, "project_id": tk.project_ids[r],
                   "from_person_id": ppl.ids[p], "to_person_id": None, "shift_days": None, "new_start": None,
                   "new_finish": None, "week": workload.weeks[w], "week_label": label, "excess_hours": e,
                   "relieves_hours": relief}
            if kind == "reassign":
                q, slack = detail
                skill = tk.skills[r]
                why = f"has the skill '{tk.skill_labels.get(skill, skill)}' and " if skill else ""
                row["to_person_id"] = ppl.ids[q]
                row["explanation"] = (
                    f"Reassign '{name}' from {who} to {ppl.names[q]}, who {why}has room for its hours in every week "
                    f"it falls in (at least {slack:.1f} h to spare); relieves {relief:.1f} h of {who}'s {e:.1f} h "
                    f"excess in {label}.")
            else:
                k = int(detail)
                new_start, new_finish = (as_date(x) for x in np.busday_offset(
                    np.array([tk.start[r], tk.finish[r]]), k, roll="forward", busdaycal=grid.cal))
                row.update(shift_days=k, new_start=new_start, new_finish=new_finish)
                row["explanation"] = (
                    f"Move '{name}' {k} working day{'s' if k != 1 else ''} later (to {new_start:%d %b} – "
                    f"{new_finish:%d %b}): within its {int(floats[t])} days of total float, so the project finish "
                    f"does not move; relieves {relief:.1f} h of {who}'s {e:.1f} h excess in {label} without "
                    f"over-allocating {who} in another week.")
            rows_out.append(row)
    if not rows_out:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    result = pd.DataFrame(rows_out, columns=SUGGESTION_COLUMNS)
    for c in ("task_id", "project_id", "from_person_id", "to_person_id"):
        result[c] = id_array(objects(result[c]))
    result["shift_days"] = pd.array(objects(result["shift_days"]), dtype="Int64")
    return result
