"""The plan the Projects DB tests share, and their helpers.

Hand-checked plan used below (project start Mon 30 Nov 2026, Mon–Fri, no holidays; day 0 = Mon 30 Nov):

    1 Design  3d                 ES 0  EF 3   Mon 30 Nov – Wed 2 Dec     critical
    2 Build   5d  1FS+2d         ES 5  EF 10  Mon 7 Dec – Fri 11 Dec     critical (3 + 2 = 5)
    3 Docs    2d  2SS+1d         ES 6  EF 8   Tue 8 Dec – Wed 9 Dec      float 3 (SF to 5 allows LF 11)
    4 Test    3d  2FF+1d         EF 11 ES 8   Thu 10 Dec – Mon 14 Dec    critical (EF >= 10 + 1)
    5 Launch  0d  4, 3SF         ES 11        Tue 15 Dec (milestone)     critical
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from worksmith.commands import project_plan as cpp
from worksmith.commands import projects as cp
from worksmith.commands.core import Actor
from worksmith.store import models as m
from worksmith.store.db import read_session, write_session
from worksmith.views import project_plan as vpp

ANA = Actor(None, "Ana")
START = date(2026, 11, 30)
PLAN = [
    {"ref": 1, "name": "Design", "phase": "Shape", "duration_days": 3, "predecessors": ""},
    {"ref": 2, "name": "Build", "phase": "Make", "duration_days": 5, "predecessors": "1FS+2d"},
    {"ref": 3, "name": "Docs", "phase": "Make", "duration_days": 2, "predecessors": "2SS+1d"},
    {"ref": 4, "name": "Test", "phase": "Make", "duration_days": 3, "predecessors": "2FF+1d"},
    {"ref": 5, "name": "Launch", "phase": "Ship", "duration_days": 0, "predecessors": "4, 3SF"},
]


def count(engine, model) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()[0]


def new_project(engine, name="Website", **extra) -> int:
    with write_session(engine) as s:
        return cp.create_project(s, data={"name": name, "start": START, "status": "active", **extra}, actor=ANA)


def planned(engine, today, rows=PLAN) -> int:
    pid = new_project(engine)
    with write_session(engine) as s:
        cpp.save_plan(s, project_id=pid, rows=[dict(r) for r in rows], actor=ANA, today=today)
    return pid


def tasks_by_ref(engine, pid) -> dict[int, m.Task]:
    with read_session(engine) as s:
        return {t.ref: t for t in s.exec(select(m.Task).where(m.Task.project_id == pid)).scalars()}


def grid(engine, pid) -> list[dict]:
    with read_session(engine) as s:
        return vpp.current_rows(s, project_id=pid)


CSV = b"""id,name,phase,duration_days,predecessors,assignee,estimate_hours,start_no_earlier_than
1,Brief,Plan,2,,Ana Lopez,8,
2,Research,Plan,3,1FS+1d,,12,
3,Design,Create,4,2SS+1d,Somebody Else,20,
4,Build,Create,5,3FF+2d,,40,
5,Review,Create,1,4SF,,2,
6,Launch,Run,0,"4,5",,,8
"""
