"""MS Project XML (MSPDI) in and out: a plan file MS Project, MPXJ and Project Online exports read and write.

Import (:func:`read_mspdi`) gives the same :class:`~worksmith.exchange.planfile.Plan` as a CSV plan file, plus the
project start and the project calendar (working week and non-working exceptions as holidays)::

    task id          the task's UID                      phase     the names of its summary tasks, outer / inner
    duration_days    Duration / MinutesPerDay            (0 = milestone)
    predecessors     PredecessorLink: Type 0 FF, 1 FS, 2 SF, 3 SS; lag days = LinkLag / (10 × MinutesPerDay)
                     (LinkLag is in tenths of working minutes whatever the LagFormat: 7 = days, 9 = weeks, …)
    start_no_earlier_than   ConstraintType 4 (SNET): the working-day offset of ConstraintDate from the start
    assignee         the name of the task's one resource; estimate_hours = Work in hours (empty when 0)

A date-time becomes a working-day *boundary* k (the start of working day k = the end of working day k - 1) on the
file's calendar: at or before the day's first working minute it is k = offset(date), at or after its last
k = offset(date) + 1; a time on a non-working date is the start of the next working day. So a task's early start
ES = boundary(EarlyStart), EF = boundary(EarlyFinish), and total float = TotalSlack / (10 × MinutesPerDay).

The file is refused as a whole (:class:`MspdiFileError`, every item listed) when it holds what Worksmith cannot
represent exactly: a schedule from the finish, manually scheduled, inactive or external tasks, progress, task
calendars, constraints other than As Soon As Possible and Start No Earlier Than, deadlines, leveling delays,
elapsed or percentage durations and lags, durations or lags that are not whole working days, milestones with a
duration, links on summary tasks or to other projects, more than one resource on a task, a working week whose
days are not all MinutesPerDay long, working-time exceptions, recurring exceptions and alternative work weeks.
It is also refused when the schedule Worksmith computes differs from the early and late dates and total slack
MS Project saved in the file: never a silent approximation.

XML is parsed with :mod:`defusedxml` (no DTDs, no entities: an upload is untrusted).

Export (:func:`mspdi_bytes`) writes the plan scheduled on ``calendar`` from ``start``: one auto-scheduled,
fixed-duration task per row (UID = id, Start/Finish/early and late dates, TotalSlack and FreeSlack as MS Project
saves them), a summary task per phase, links with type and lag, SNET constraints, 0-day milestones, the working
week 08:00–12:00 and 13:00–17:00 on the working weekdays (MinutesPerDay 480), the holidays as exceptions, and a
resource per assignee with its assignment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
import pandas as pd
from defusedxml.common import DefusedXmlException

from worksmith.domain.calendar import WorkCalendar
from worksmith.domain.notation import Link, format_predecessors
from worksmith.domain.schedule import compute_schedule
from worksmith.errors import ValidationError
from worksmith.exchange.mspdi_write import NS, mspdi_bytes
from worksmith.exchange.planfile import Plan, PlanFileError, RowError, parse_plan
from worksmith.exchange.planread import frame_of, read_plan_frame, source_name
from worksmith.exchange.planrows import is_mspdi

__all__ = ["MAX_XML_BYTES", "MspdiFile", "MspdiFileError", "Saved", "compare_saved", "is_mspdi", "mspdi_bytes",
           "read_mspdi", "read_plan_table", "read_upload", "table_mspdi"]

MAX_XML_BYTES = 50_000_000
LINK_TYPES = {"0": "FF", "1": "FS", "2": "SF", "3": "SS"}
CONSTRAINTS = {"1": "As Late As Possible", "2": "Must Start On", "3": "Must Finish On", "5": "Start No Later Than",
               "6": "Finish No Earlier Than", "7": "Finish No Later Than"}
ELAPSED = {4, 6, 8, 10, 12, 20, 36, 38, 40, 42, 44, 52}  # MSPDI duration/lag formats (em, eh, ed, ew, emo, e%, …?)
PERCENT = {19, 20, 51, 52}
NO_RESOURCE = "-65535"
MAX_HOLIDAY_SPAN = 3_660  # days in one non-working exception
_DURATION = re.compile(r"-?P(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?")
MON_FRI = frozenset({0, 1, 2, 3, 4})


class MspdiFileError(PlanFileError):
    """An MS Project file refused as a whole; ``errors`` lists every item Worksmith cannot represent exactly."""

    def __init__(self, errors: Iterable[RowError], source: str | None = None):
        self.errors = list(errors)
        what = f"MS Project file '{source}'" if source else "MS Project file"
        n = len(self.errors)
        lines = [f"{what} refused, nothing imported: {n} item{'s' if n != 1 else ''} Worksmith cannot represent "
                 "exactly (change them in MS Project, or remove them, and save the file again)."]
        lines += [f"- {e}" for e in self.errors[:50]] + ([f"- … and {n - 50} more."] if n > 50 else [])
        ValidationError.__init__(self, "\n".join(lines), field="file")


@dataclass(frozen=True)
class Saved:
    """The dates MS Project saved for a task, as working-day boundaries (None: absent, or not at a day's edge)."""

    es: int | None
    ef: int | None
    ls: int | None
    lf: int | None
    total_float: int | None
    present: bool = True


@dataclass(frozen=True)
class MspdiFile:
    """An imported MS Project file: the plan, its start (day 0), its calendar and what MS Project saved."""

    plan: Plan
    start: date
    calendar: WorkCalendar
    name: str
    saved: dict[int, Saved]

    @property
    def holidays(self) -> list[date]:
        """The non-working exceptions on working weekdays, in date order."""
        return sorted(d for d in self.calendar.holidays if d.weekday() in self.calendar.workdays)


# ------------------------------------------------------------------------------------------------ reading helpers
def _strip(root: Element) -> Element:
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def _t(el: Element | None, tag: str, default: str | None = None) -> str | None:
    if el is None:
        return default
    child = el.find(tag)
    return default if child is None or child.text is None else child.text.strip()


def _int(el: Element | None, tag: str, default: int = 0) -> int:
    text = _t(el, tag)
    try:
        return int(float(text)) if text not in (None, "") else default
    except ValueError:
        return default


def _minutes(text: str | None) -> float | None:
    """An ISO 8601 duration ``PT8H0M0S`` in minutes (None if it is not one)."""
    m = _DURATION.fullmatch(text or "")
    if not m or text in ("P", "PT"):
        return None
    d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
    return (d * 24 * 60 + h * 60 + mi + s / 60) * (-1 if (text or "").startswith("-") else 1)


def _clock(text: str | None) -> int:
    """``HH:MM:SS`` as minutes after midnight (``00:00`` as an end is 24:00)."""
    hh, mm, *_ = (text or "0:0").split(":")
    return int(hh) * 60 + int(mm)


def _when(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _read_bytes(source: str | Path | bytes | IO[Any], name: str) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    elif isinstance(source, str | Path):
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise ValidationError(f"Cannot read '{name}': {exc.strerror or exc}.", field="file") from exc
    else:
        raw = source.getvalue() if hasattr(source, "getvalue") else source.read()  # type: ignore[union-attr]
        data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    if len(data) > MAX_XML_BYTES:
        raise ValidationError(f"'{name}' is {len(data):,} bytes; an MS Project XML file of at most "
                              f"{MAX_XML_BYTES:,} bytes can be imported.", field="file")
    return data


def _root(data: bytes, name: str) -> Element:
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ValidationError(f"'{name}' is refused: it declares a DTD or entities ({type(exc).__name__}), which an "
                              "MS Project XML file never does.", field="file") from exc
    except ParseError as exc:
        raise ValidationError(f"'{name}' is not well-formed XML ({exc}); save it again from MS Project as XML.",
                              field="file") from exc
    if root.tag not in ("Project", f"{{{NS}}}Project"):
        raise ValidationError(f"'{name}' is XML but not an MS Project file: its root element is "
                              f"<{root.tag.split('}')[-1]}>, expected <Project xmlns=\"{NS}\">.", field="file")
    return _strip(root)


# ------------------------------------------------------------------------------------------------------ calendar
@dataclass
class _Calendar:
    workdays: frozenset[int]
    windows: dict[int, tuple[int, int]]  # weekday -> (first working minute, last working minute)
    holidays: set[date]


def _calendar(project: Element, per_day: int, problems: list[str]) -> _Calendar:
    uid = _t(project, "CalendarUID", "1")
    cals = {_t(c, "UID"): c for c in project.iterfind("Calendars/Calendar")}
    cal = cals.get(uid)
    if cal is None:
        problems.append(f"the project calendar (UID {uid}) is not in the file")
        return _Calendar(MON_FRI, {d: (480, 1020) for d in MON_FRI}, set())
    label = f"project calendar '{_t(cal, 'Name', '')}'"
    if _t(cal, "IsBaseCalendar", "1") != "1" and _t(cal, "BaseCalendarUID") in cals:
        problems.append(f"the {label} is derived from another calendar; make it a base calendar")
    workdays, windows, holidays = set(), {}, set()
    seen = set()
    for wd in cal.iterfind("WeekDays/WeekDay"):
        kind = _int(wd, "DayType", -1)
        working = _t(wd, "DayWorking") == "1"
        if kind == 0:  # an exception in the pre-2007 layout
            frm, to = _when(_t(wd, "TimePeriod/FromDate")), _when(_t(wd, "TimePeriod/ToDate"))
            _exception(label, "", frm, to, working, "1", "1", holidays, problems)
            continue
        if not 1 <= kind <= 7:
            continue
        weekday = (kind - 2) % 7  # DayType 1 = Sunday, 2 = Monday … 7 = Saturday
        seen.add(weekday)
        if not working:
            continue
        spans = [(_clock(_t(w, "FromTime")), _clock(_t(w, "ToTime")) or 24 * 60)
                 for w in wd.iterfind("WorkingTimes/WorkingTime")]
        total = sum(b - a for a, b in spans)
        if total != per_day:
            problems.append(f"the {label} works {total / 60:g} hours on {_DAY_NAMES[weekday]} but a day is "
                            f"{per_day / 60:g} hours (MinutesPerDay {per_day}): not whole working days")
        workdays.add(weekday)
        windows[weekday] = (min(a for a, _ in spans), max(b for _, b in spans)) if spans else (0, 24 * 60)
    if len(seen) < 7:
        problems.append(f"the {label} does not define every day of the week")
    if not workdays:
        problems.append(f"the {label} has no working day")
    for ex in cal.iterfind("Exceptions/Exception"):
        _exception(label, _t(ex, "Name", "") or "", _when(_t(ex, "TimePeriod/FromDate")),
                   _when(_t(ex, "TimePeriod/ToDate")), _t(ex, "DayWorking") == "1", _t(ex, "Type", "1") or "1",
                   _t(ex, "Period", "1") or "1", holidays, problems)
    if cal.find("WorkWeeks/WorkWeek") is not None:
        problems.append(f"the {label} has alternative work weeks (WorkWeeks)")
    return _Calendar(frozenset(workdays) or MON_FRI, windows, holidays)


_DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _exception(label: str, name: str, frm: datetime | None, to: datetime | None, working: bool, kind: str,
               period: str, holidays: set[date], problems: list[str]) -> None:
    what = f"exception '{name}'" if name else "an exception"
    span = f" ({frm.date().isoformat() if frm else '?'} to {to.date().isoformat() if to else '?'})"
    if working:
        problems.append(f"the {label} has a working-time {what}{span}")
    elif kind != "1" or period != "1":
        problems.append(f"the {label} has a recurring {what}{span} (Type {kind}, every {period})")
    elif frm is None or to is None or to < frm or (to.date() - frm.date()).days > MAX_HOLIDAY_SPAN:
        problems.append(f"the {label} has {what} without a readable date range{span}")
    else:
        holidays.update(frm.date() + timedelta(days=i) for i in range((to.date() - frm.date()).days + 1))


# --------------------------------------------------------------------------------------------------------- tasks
class _Clock:
    """Date-times <-> working-day boundaries on the file's calendar, counted from the project start."""

    def __init__(self, cal: _Calendar, calendar: WorkCalendar, start: date):
        self.cal, self.calendar, self.start = cal, calendar, start

    def boundary(self, when: datetime | None) -> int | None:
        if when is None:
            return None
        d = when.date()
        k = self.calendar.offset_of(d, self.start)
        if not self.calendar.is_working(d):
            return k
        first, last = self.cal.windows.get(d.weekday(), (0, 24 * 60))
        minute = when.hour * 60 + when.minute
        return k if minute <= first else k + 1 if minute >= last else None


def _label(task: Element) -> str:
    return f"Task UID {_t(task, 'UID')} '{_t(task, 'Name', '') or ''}'"


def _lag_days(link: Element, per_day: int, where: str, problems: list[str]) -> int:
    lag, fmt = _int(link, "LinkLag"), _int(link, "LagFormat", 7)
    if fmt in PERCENT:
        problems.append(f"{where}: a percentage lag (LagFormat {fmt})")
    elif fmt in ELAPSED:
        problems.append(f"{where}: an elapsed lag (LagFormat {fmt}, calendar time, not working days)")
    elif lag % (10 * per_day):
        problems.append(f"{where}: a lag of {lag / 600:g} working hours is not a whole number of working days")
    return lag // (10 * per_day)


def _task_row(task: Element, phase: str, per_day: int, clock: _Clock, uids: dict[str, Element],
              resources: dict[str, list[str]], problems: list[str]) -> dict[str, Any]:
    where = _label(task)
    uid = _t(task, "UID") or ""
    for flag, why in (("Manual", "is manually scheduled"), ("IsSubproject", "is an inserted project"),
                      ("ExternalTask", "is an external task"), ("Recurring", "is a recurring task")):
        if _t(task, flag) == "1":
            problems.append(f"{where} {why}")
    if _t(task, "Active") == "0":
        problems.append(f"{where} is inactive")
    minutes = _minutes(_t(task, "Duration", "PT0H0M0S"))
    fmt = _int(task, "DurationFormat", 7)
    days = 0
    if minutes is None or minutes < 0:
        problems.append(f"{where}: duration '{_t(task, 'Duration')}' cannot be read")
    elif fmt in ELAPSED:
        problems.append(f"{where}: an elapsed duration (DurationFormat {fmt}, calendar time, not working days)")
    elif minutes % per_day:
        problems.append(f"{where}: a duration of {minutes / 60:g} working hours is not a whole number of working "
                        f"days ({per_day / 60:g} hours)")
    else:
        days = int(minutes // per_day)
    if _t(task, "Milestone") == "1" and days > 0:
        problems.append(f"{where} is marked a milestone but lasts {days} day{'s' * (days != 1)}")
    if _int(task, "PercentComplete") or _t(task, "ActualStart"):
        problems.append(f"{where} has progress recorded ({_int(task, 'PercentComplete')}% complete)")
    if _t(task, "CalendarUID", "-1") not in ("-1", ""):
        problems.append(f"{where} has its own task calendar (UID {_t(task, 'CalendarUID')})")
    if _t(task, "Deadline"):
        problems.append(f"{where} has a deadline ({_t(task, 'Deadline')})")
    if _int(task, "LevelingDelay"):
        problems.append(f"{where} has a leveling delay")
    kind = _t(task, "ConstraintType", "0") or "0"
    snet = None
    if kind in CONSTRAINTS:
        problems.append(f"{where} has the constraint '{CONSTRAINTS[kind]}'; only As Soon As Possible and Start "
                        "No Earlier Than can be imported")
    elif kind == "4":
        snet = clock.boundary(_when(_t(task, "ConstraintDate")))
        if snet is None:
            problems.append(f"{where}: Start No Earlier Than '{_t(task, 'ConstraintDate')}' is not at the start or "
                            "end of a working day")
        else:
            snet = max(0, snet)
    elif kind != "0":
        problems.append(f"{where} has an unknown constraint type {kind}")
    links = []
    for link in task.iterfind("PredecessorLink"):
        pred = _t(link, "PredecessorUID") or ""
        at = f"{where}, link from UID {pred}"
        if _t(link, "CrossProject") == "1" or pred not in uids:
            problems.append(f"{at}: the predecessor is in another project or not in the file")
            continue
        if _t(uids[pred], "Summary") == "1":
            problems.append(f"{at}: the predecessor is a summary task (a phase); link its tasks instead")
        link_type = LINK_TYPES.get(_t(link, "Type", "1") or "1")
        if link_type is None:
            problems.append(f"{at}: unknown link type {_t(link, 'Type')}")
            continue
        links.append(Link(int(pred), link_type, _lag_days(link, per_day, at, problems)))
    people = resources.get(uid, [])
    if len(people) > 1:
        problems.append(f"{where} has {len(people)} resources ({', '.join(people)}); a Worksmith task has one "
                        "assignee")
    work = _minutes(_t(task, "Work"))
    hours = round(work / 60, 2) if work else None
    return {"id": int(uid), "name": _t(task, "Name", "") or "", "phase": phase, "duration_days": days,
            "predecessors": format_predecessors(links), "assignee": people[0] if len(people) == 1 else "",
            "estimate_hours": int(hours) if hours is not None and hours.is_integer() else hours,
            "start_no_earlier_than": snet}


def _resources(project: Element) -> dict[str, list[str]]:
    names = {_t(r, "UID"): _t(r, "Name", "") or "" for r in project.iterfind("Resources/Resource")}
    out: dict[str, list[str]] = {}
    for a in project.iterfind("Assignments/Assignment"):
        res = _t(a, "ResourceUID")
        if res and res != NO_RESOURCE and names.get(res):
            out.setdefault(_t(a, "TaskUID") or "", []).append(names[res])
    return out


def _saved(task: Element, clock: _Clock, per_day: int) -> Saved:
    slack = _t(task, "TotalSlack")
    values = [_t(task, t) for t in ("EarlyStart", "EarlyFinish", "LateStart", "LateFinish")]
    tf = None
    if slack not in (None, "") and float(slack) % (10 * per_day) == 0:
        tf = int(float(slack)) // (10 * per_day)
    return Saved(*(clock.boundary(_when(v)) for v in values), tf,
                 present=all(v for v in values) and slack not in (None, ""))


# ---------------------------------------------------------------------------------------------------------- read
def read_mspdi(source: str | Path | bytes | IO[Any], filename: str | None = None, *,
               check_saved: bool = True) -> MspdiFile:
    """Read an MS Project XML file into a plan, all or nothing (see the module docstring).

    Parameters
    ----------
    source:
        A path, the raw bytes or a binary file-like object (e.g. Streamlit's ``UploadedFile``).
    filename:
        Name for messages when ``source`` carries none.
    check_saved:
        Refuse the file when the computed schedule differs from the dates MS Project saved (default).

    Raises
    ------
    MspdiFileError
        (a ``ValidationError``) listing every item Worksmith cannot represent exactly.
    ValidationError
        Not readable, not XML, XML with a DTD or entities, or not an MS Project file.
    CycleError
        The links form a loop.
    """
    name = Path(source_name(source, filename) or "upload.xml").name
    project = _root(_read_bytes(source, name), name)
    problems: list[str] = []
    per_day = _int(project, "MinutesPerDay", 480) or 480
    if _t(project, "ScheduleFromStart", "1") == "0":
        problems.append("the project is scheduled from its finish date; schedule it from the start")
    cal = _calendar(project, per_day, problems)
    calendar = WorkCalendar(cal.workdays, frozenset(cal.holidays))
    begin = _when(_t(project, "StartDate"))
    if begin is None:
        raise MspdiFileError([RowError(None, "the project has no readable StartDate")], name)
    start = begin.date()
    if calendar.is_working(start):
        first, last = cal.windows.get(start.weekday(), (0, 24 * 60))
        minute = begin.hour * 60 + begin.minute
        if minute >= last:
            start += timedelta(days=1)
        elif minute > first:
            problems.append(f"the project starts during a working day ({begin.isoformat()}), not at its start")
    clock = _Clock(cal, calendar, start)

    tasks = [t for t in project.iterfind("Tasks/Task") if _t(t, "IsNull") != "1" and _int(t, "OutlineLevel", 1) > 0]
    tasks.sort(key=lambda t: _int(t, "ID"))
    uids = {_t(t, "UID") or "": t for t in tasks}
    resources = _resources(project)
    rows, saved, outline = [], {}, []  # outline: (level, summary name)
    for task in tasks:
        level = _int(task, "OutlineLevel", 1)
        while outline and outline[-1][0] >= level:
            outline.pop()
        if _t(task, "Summary") == "1":
            if task.find("PredecessorLink") is not None:
                problems.append(f"{_label(task)} is a summary task (a phase) with links; link its tasks instead")
            if (_t(task, "ConstraintType", "0") or "0") != "0":
                problems.append(f"{_label(task)} is a summary task (a phase) with a constraint")
            outline.append((level, _t(task, "Name", "") or ""))
            continue
        phase = " / ".join(n for _, n in outline if n)
        rows.append(_task_row(task, phase, per_day, clock, uids, resources, problems))
        saved[rows[-1]["id"]] = _saved(task, clock, per_day)
    # A summary task with links to it is checked where the link is read; ids and cycles by the plan-file rules.
    if problems:
        raise MspdiFileError([RowError(None, p) for p in problems], name)
    if not rows:
        raise MspdiFileError([RowError(None, "the file has no tasks below the project")], name)
    plan = parse_plan(frame_of({c: [r[c] for r in rows] for c in rows[0]}), name)
    result = MspdiFile(plan, start, calendar, _t(project, "Title") or _t(project, "Name") or name, saved)
    if check_saved and (differences := compare_saved(result)):
        raise MspdiFileError([RowError(None, d) for d in differences], name)
    return result


def compare_saved(file: MspdiFile) -> list[str]:
    """Where the schedule Worksmith computes differs from the early/late dates and total slack MS Project saved
    (tasks without saved values are not compared); empty when every figure agrees."""
    result = compute_schedule(file.plan.tasks, file.plan.deps)
    out = []
    for row in file.plan.rows:
        s, t = file.saved.get(row.id), result.tasks[row.id]
        if s is None or not s.present:
            continue
        for label, mine, theirs in (("early start", t.es, s.es), ("early finish", t.ef, s.ef),
                                    ("late start", t.ls, s.ls), ("late finish", t.lf, s.lf),
                                    ("total slack", t.total_float, s.total_float)):
            if mine != theirs:
                shown = "not a whole working day" if theirs is None else f"day {theirs}"
                out.append(f"Task UID {row.id} '{row.name}': MS Project saved {label} {shown}, Worksmith computes "
                           f"day {mine}; the file holds scheduling Worksmith does not reproduce")
    return out


def read_upload(source: str | Path | bytes | IO[Any], filename: str | None = None
                ) -> tuple[pd.DataFrame, MspdiFile | None]:
    """:func:`~worksmith.exchange.planread.read_plan_frame` that also reads MS Project XML (by the .xml suffix):
    the plan-file table for the preview and :func:`~worksmith.exchange.planfile.parse_plan`, and for an .xml file
    the :class:`MspdiFile` (its start and holidays for a new project), else None. A workspace project works Monday
    to Friday, so an MS Project file with another working week is refused here (the command line takes it)."""
    name = source_name(source, filename)
    if not is_mspdi(name):
        return read_plan_frame(source, filename), None
    file = read_mspdi(source, filename)
    if file.calendar.workdays != MON_FRI:
        days = ", ".join(_DAY_NAMES[d] for d in sorted(file.calendar.workdays))
        raise MspdiFileError([RowError(None, f"the project calendar works {days}; a Worksmith project works "
                                             "Monday to Friday (the command line schedules any week)")],
                             Path(name or "").name)
    return file.plan.frame(), file


def read_plan_table(source: str | Path | bytes | IO[Any], filename: str | None = None) -> pd.DataFrame:
    """The table of :func:`read_upload` (CSV, .xlsx or MS Project XML)."""
    return read_upload(source, filename)[0]


def table_mspdi(table: pd.DataFrame, start: date, calendar: WorkCalendar, name: str) -> bytes:
    """A plan-file table (e.g. a project's plan export) as MS Project XML scheduled from ``start``."""
    return mspdi_bytes(parse_plan(table, name), start, calendar, name=name)
