"""Skills: the hours asked of each skill per week against the capacity of the people who hold it.

    demand_hours(skill, week) = Σ spread remaining hours (assigned or not) of the tasks whose required_skill is it
    supply_hours(skill, week) = Σ capacity of the people holding the skill (a person with several skills counts
                                fully for each)

Skills match case-insensitively. Hours and capacity come from :func:`worksmith.domain.workload.compute_load`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from worksmith.domain.calendar import iso_label
from worksmith.domain.workload import Workload, load_matrices
from worksmith.domain.workload_inputs import column_or, objects, prepare_people, require_columns, skill_key

__all__ = ["SKILL_COLUMNS", "skills_demand_supply"]

SKILL_COLUMNS = ["skill", "week", "week_label", "demand_hours", "supply_hours"]


def skills_demand_supply(workload: Workload, tasks: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Hours asked of each skill per week versus the capacity of the people who hold it.

    demand_hours = the spread remaining hours (assigned or not) of tasks whose ``required_skill`` is that skill;
    supply_hours = Σ capacity of the people holding the skill (a person with several skills counts fully for each).
    Skills match case-insensitively. Returns ``skill, week, week_label, demand_hours, supply_hours`` for every skill
    named by a task or a person and every week.
    """
    ppl = prepare_people(people)
    ids, _, cap = load_matrices(workload)
    cap_by_id = dict(zip(ids.tolist(), cap, strict=True))
    n_w = len(workload.weeks)
    tasks = require_columns(tasks, ["task_id"], "tasks")
    skill_of = dict(zip(objects(tasks["task_id"]).tolist(),
                        [skill_key(s) for s in column_or(tasks, "required_skill", "").tolist()], strict=True))
    labels = dict(ppl.skill_labels)
    for s in column_or(tasks, "required_skill", "").tolist():
        if skill_key(s):
            labels.setdefault(skill_key(s), str(s).strip())
    skills = sorted(labels)
    if not skills:
        return pd.DataFrame(columns=SKILL_COLUMNS)
    s_index = {s: i for i, s in enumerate(skills)}
    week_of = {w: i for i, w in enumerate(workload.weeks)}
    demand = np.zeros((len(skills), n_w))
    for frame in (workload.contributions, workload.unassigned):
        part = frame[frame["source"] == "task"]
        for tid, wk, hrs in zip(objects(part["source_id"]), part["week"], part["hours"], strict=True):
            key = skill_of.get(tid, "")
            if key:
                demand[s_index[key], week_of[wk]] += hrs
    supply = np.zeros((len(skills), n_w))
    for pid, held in zip(ppl.ids.tolist(), ppl.skills, strict=True):
        if pid in cap_by_id:
            for s in held:
                supply[s_index[s]] += cap_by_id[pid]
    return pd.DataFrame({
        "skill": np.repeat(np.array([labels[s] for s in skills], dtype=object), n_w),
        "week": np.tile(np.array(workload.weeks, dtype=object), len(skills)),
        "week_label": np.tile(np.array([iso_label(w) for w in workload.weeks], dtype=object), len(skills)),
        "demand_hours": demand.ravel(), "supply_hours": supply.ravel(),
    }, columns=SKILL_COLUMNS)
