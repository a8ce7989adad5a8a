"""MS Project XML (MSPDI) export, the writing half of :mod:`worksmith.exchange.mspdi` (see its docstring)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any
from xml.sax.saxutils import escape

from worksmith.domain.calendar import WorkCalendar
from worksmith.domain.schedule import compute_schedule
from worksmith.exchange.planfile import Plan

__all__ = ["NS", "mspdi_bytes"]

NS = "http://schemas.microsoft.com/project"
LINK_CODES = {"FF": 0, "FS": 1, "SF": 2, "SS": 3}
DAY_START, DAY_FINISH = time(8), time(17)  # 08:00-12:00 and 13:00-17:00: MinutesPerDay 480
_XML_BAD = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]")  # not allowed in XML 1.0


def _at(d: date, clock: time) -> str:
    return datetime.combine(d, clock).isoformat()


def _el(tag: str, value: object) -> str:
    return f"<{tag}>{escape(_XML_BAD.sub('', str(value)))}</{tag}>"


def _hours(days: int) -> str:
    return f"PT{days * 8}H0M0S"


def mspdi_bytes(plan: Plan, start: date, calendar: WorkCalendar | None = None, *,
                name: str = "Worksmith plan") -> bytes:
    """The plan scheduled from ``start`` on ``calendar`` (default Monday–Friday) as MS Project XML (UTF-8).

    Tasks keep their ids as UIDs; each phase becomes a summary task (UIDs after the highest task id) holding its
    tasks in file order, tasks without a phase stay at the top level. Dates are written as MS Project saves
    them: a start at 08:00 of its first day, a finish at 17:00 of its last, a milestone at its predecessor's finish
    (08:00 of day 0 when it starts the project); total and free slack in tenths of minutes (1 day = 4,800)."""
    cal = calendar or WorkCalendar()
    result = compute_schedule(plan.tasks, plan.deps)

    def begin(k: int) -> str:
        return _at(cal.date_of(k, start), DAY_START)

    def end(k: int) -> str:
        return _at(cal.date_of(k - 1, start), DAY_FINISH) if k > 0 else begin(0)

    finish = result.project_finish
    groups: dict[str, list] = {}
    for r in plan.rows:
        groups.setdefault(r.phase, []).append(r)
    people = sorted({r.assignee for r in plan.rows if r.assignee}, key=str.lower)
    next_uid = max((r.id for r in plan.rows), default=0) + 1
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', f'<Project xmlns="{NS}">',
           _el("SaveVersion", 14), _el("Name", f"{name}.xml"), _el("Title", name), _el("ScheduleFromStart", 1),
           _el("StartDate", begin(0)), _el("FinishDate", end(finish)), _el("CriticalSlackLimit", 0),
           _el("CalendarUID", 1), _el("DefaultStartTime", "08:00:00"), _el("DefaultFinishTime", "17:00:00"),
           _el("MinutesPerDay", 480), _el("MinutesPerWeek", 480 * len(cal.workdays)), _el("DaysPerMonth", 20),
           _el("DefaultTaskType", 1), _el("DurationFormat", 7), _el("HonorConstraints", 0),
           _el("NewTasksAreManual", 0), "<Calendars><Calendar>", _el("UID", 1), _el("Name", "Standard"),
           _el("IsBaseCalendar", 1), _el("BaseCalendarUID", -1), "<WeekDays>"]
    for kind in range(1, 8):
        weekday = (kind - 2) % 7
        out.append(f"<WeekDay><DayType>{kind}</DayType><DayWorking>{int(weekday in cal.workdays)}</DayWorking>")
        if weekday in cal.workdays:
            out.append("<WorkingTimes><WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime>"
                       "</WorkingTime><WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00</ToTime>"
                       "</WorkingTime></WorkingTimes>")
        out.append("</WeekDay>")
    out.append("</WeekDays>")
    holidays = sorted(d for d in cal.holidays if d.weekday() in cal.workdays)
    if holidays:
        out.append("<Exceptions>")
        for d in holidays:
            out.append(f"<Exception><EnteredByOccurrences>0</EnteredByOccurrences><TimePeriod>"
                       f"<FromDate>{_at(d, time(0))}</FromDate><ToDate>{_at(d, time(23, 59))}</ToDate></TimePeriod>"
                       f"<Occurrences>1</Occurrences><Name>Holiday</Name><Type>1</Type><DayWorking>0</DayWorking>"
                       "</Exception>")
        out.append("</Exceptions>")
    out += ["</Calendar></Calendars>", "<Tasks>"]
    position = 0

    def task_xml(uid: int, title: str, level: int, outline: str, es: int, ef: int, *, summary: bool = False,
                 row: Any = None) -> None:
        nonlocal position
        t = result.tasks[row.id] if row is not None else None
        milestone = row is not None and row.duration_days == 0
        parts = [_el("UID", uid), _el("ID", position), _el("Name", title), _el("Active", 1), _el("Manual", 0),
                 _el("Type", 1), _el("IsNull", 0), _el("OutlineNumber", outline), _el("OutlineLevel", level),
                 _el("Start", end(es) if milestone else begin(es)), _el("Finish", end(ef)),
                 _el("Duration", _hours(ef - es)), _el("DurationFormat", 7)]
        if row is not None and row.estimate_hours:
            parts.append(_el("Work", f"PT{row.estimate_hours:g}H0M0S"))
        parts += [_el("Milestone", int(milestone)), _el("Summary", int(summary))]
        if t is not None:
            parts += [_el("Critical", int(t.critical)), _el("EarlyStart", end(t.es) if milestone else begin(t.es)),
                      _el("EarlyFinish", end(t.ef)), _el("LateStart", end(t.ls) if milestone else begin(t.ls)),
                      _el("LateFinish", end(t.lf)), _el("FreeSlack", t.free_float * 4800),
                      _el("TotalSlack", t.total_float * 4800)]
        parts += [_el("PercentComplete", 0), _el("ActualDuration", "PT0H0M0S"),
                  _el("RemainingDuration", _hours(ef - es))]
        snet = row.start_no_earlier_than if row is not None else None
        parts += [_el("ConstraintType", 4 if snet is not None else 0), _el("CalendarUID", -1)]
        if snet is not None:
            parts.append(_el("ConstraintDate", begin(snet)))
        for link in row.links if row is not None else ():
            parts.append(f"<PredecessorLink><PredecessorUID>{link.pred}</PredecessorUID><Type>"
                         f"{LINK_CODES[link.type]}</Type><CrossProject>0</CrossProject><LinkLag>{link.lag * 4800}"
                         "</LinkLag><LagFormat>7</LagFormat></PredecessorLink>")
        out.append("<Task>" + "".join(parts) + "</Task>")
        position += 1

    task_xml(0, name, 0, "0", 0, finish, summary=True)
    top = 0
    for phase, rows in groups.items():
        if not phase:
            for r in rows:
                top += 1
                task_xml(r.id, r.name, 1, str(top), result.tasks[r.id].es, result.tasks[r.id].ef,
                         row=r)
            continue
        top += 1
        task_xml(next_uid, phase, 1, str(top), min(result.tasks[r.id].es for r in rows),
                 max(result.tasks[r.id].ef for r in rows), summary=True)
        next_uid += 1
        for i, r in enumerate(rows, start=1):
            task_xml(r.id, r.name, 2, f"{top}.{i}", result.tasks[r.id].es, result.tasks[r.id].ef,
                     row=r)
    out.append("</Tasks><Resources>")
    for i, person in enumerate(people, start=1):
        out.append(f"<Resource><UID>{i}</UID><ID>{i}</ID>{_el('Name', person)}<Type>1</Type><IsNull>0</IsNull>"
                   "</Resource>")
    out.append("</Resources><Assignments>")
    res_uid = {p: i for i, p in enumerate(people, start=1)}
    for n, r in enumerate((r for r in plan.rows if r.assignee), start=1):
        out.append(f"<Assignment><UID>{n}</UID><TaskUID>{r.id}</TaskUID><ResourceUID>{res_uid[r.assignee]}"
                   "</ResourceUID><Units>1</Units></Assignment>")
    out += ["</Assignments>", "</Project>", ""]
    return "\n".join(out).encode("utf-8")
