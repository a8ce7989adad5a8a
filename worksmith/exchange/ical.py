"""Calendars people can subscribe to or import: iCalendar (RFC 5545) files built with the ``icalendar`` library.

Three feeds, each one ``.ics`` file of all-day events (``DTSTART;VALUE=DATE``, ``DTEND`` = the day after the last
day, as RFC 5545 defines for all-day events):

* **project**: its milestones (tasks of 0 days, on their scheduled date) and its task deadlines (each task's
  scheduled finish date);
* **person**: the tasks assigned to them (scheduled start to finish) and their recurring work, one event per
  recurring task carrying its RRULE (DTSTART = its first occurrence), so the calendar app repeats it;
* **workspace**: the milestones of every project not cancelled.

Tasks without scheduled dates are left out (the schedule has not run). Every UID is stable
(``task-17-deadline@worksmith``), so a re-imported or re-fetched feed updates events instead of duplicating them.
Every file is checked before it is handed out: parsed back with ``icalendar`` and every event's date compared with
the source (:func:`check_calendar`); a mismatch raises instead of shipping a wrong calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar
from sqlmodel import Session

from worksmith.domain.calendar import cadence_rule, next_dates
from worksmith.errors import NotFoundError, WorksmithError
from worksmith.store import models as m
from worksmith.views.tables import frame

PRODID = "-//Worksmith//Calendar feed//EN"


class CalendarError(WorksmithError):
    """The calendar built does not read back as it was written (a bug: nothing is handed out)."""


@dataclass(frozen=True)
class Event:
    """One all-day event: ``first``..``last`` inclusive, repeated by ``rrule`` when set."""

    uid: str
    summary: str
    first: date
    last: date
    description: str = ""
    rrule: str = ""


def calendar_bytes(name: str, events: list[Event], stamp: datetime | None = None) -> bytes:
    """The events as one ``.ics`` file, checked by parsing it back (:func:`check_calendar`)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    moment = stamp or datetime.now(UTC)
    for e in events:
        ev = icalendar.Event()
        ev.add("uid", e.uid)
        ev.add("dtstamp", moment)
        ev.add("summary", e.summary)
        ev.add("dtstart", e.first)
        ev.add("dtend", e.last + timedelta(days=1))
        if e.description:
            ev.add("description", e.description)
        if e.rrule:
            ev.add("rrule", icalendar.vRecur.from_ical(e.rrule))
        cal.add_component(ev)
    data = cal.to_ical()
    check_calendar(data, events)
    return data


def read_events(data: bytes) -> dict[str, tuple[date, date, str]]:
    """UID -> (DTSTART, last day = DTEND − 1 day, RRULE text) of every event in an ``.ics`` file."""
    out = {}
    for ev in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        start, end = ev.decoded("dtstart"), ev.decoded("dtend")
        rule = ev.get("rrule")
        out[str(ev.get("uid"))] = (start, end - timedelta(days=1), rule.to_ical().decode() if rule else "")
    return out


def check_calendar(data: bytes, events: list[Event]) -> None:
    """Parse ``data`` back and compare every event's dates (and rule) with ``events``; raise on any difference."""
    found = read_events(data)
    problems = [f"{e.uid}: wrote {e.first}..{e.last} {e.rrule}, read {found.get(e.uid)}" for e in events
                if found.get(e.uid) is None or found[e.uid][:2] != (e.first, e.last)
                or _repeats(e.rrule, e.first) != _repeats(found[e.uid][2], found[e.uid][0])]
    if problems or len(found) != len(events):
        raise CalendarError("The calendar did not read back as written: " + "; ".join(problems[:5] or
                            [f"{len(found)} events read, {len(events)} written"]))


def _repeats(rule: str, first: date, n: int = 24) -> list[date]:
    """The first ``n`` dates of an event (just its day when it does not repeat), expanded by dateutil."""
    return next_dates(rule, first, first, n) if rule else [first]


def _tasks(session: Session, *where) -> list[dict]:
    tasks = frame(session, m.Task, *where, order_by=[m.Task.project_id, m.Task.position, m.Task.id])
    return [t for t in tasks.to_dict("records") if t["finish_date"] is not None and t["start_date"] is not None]


def _project_names(session: Session) -> dict[int, str]:
    projects = frame(session, m.Project)
    return dict(zip(projects["id"], projects["name"], strict=True)) if len(projects) else {}


def _milestone(t: dict, project: str) -> Event:
    return Event(f"task-{t['id']}-milestone@worksmith", f"◆ {t['name']} ({project})", t["start_date"],
                 t["start_date"], f"Milestone of {project}")


def project_events(session: Session, *, project_id: int) -> list[Event]:
    """Milestones and task deadlines of one project."""
    project = session.get(m.Project, project_id)
    if project is None:
        raise NotFoundError(f"Project {project_id} does not exist (it may have been deleted) — reload.")
    out = []
    for t in _tasks(session, m.Task.project_id == project_id):
        if int(t["duration_days"]) == 0:
            out.append(_milestone(t, project.name))
        else:
            out.append(Event(f"task-{t['id']}-deadline@worksmith", f"Due: {t['name']} ({project.name})",
                             t["finish_date"], t["finish_date"], f"Deadline of a task in {project.name}"))
    return out


def person_events(session: Session, *, person_id: int) -> list[Event]:
    """A person's tasks (start to finish) and recurring work (one repeating event per recurring task)."""
    if session.get(m.Person, person_id) is None:
        raise NotFoundError(f"Person {person_id} does not exist (they may have been deleted) — reload.")
    names = _project_names(session)
    out = [Event(f"task-{t['id']}@worksmith", f"{t['name']} ({names.get(t['project_id'], '')})", t["start_date"],
                 max(t["finish_date"], t["start_date"]), f"{float(t['estimate_hours']):g} h estimated")
           for t in _tasks(session, m.Task.assignee_id == person_id)]
    recurring = frame(session, m.RecurringTask, m.RecurringTask.assignee_id == person_id)
    ops = frame(session, m.Operation)
    op_names = dict(zip(ops["id"], ops["name"], strict=True)) if len(ops) else {}
    for r in recurring.to_dict("records"):
        rule = (r.get("rrule") or "").strip() or cadence_rule(r["cadence"], r["anchor"])
        first = next_dates(rule, r["anchor"], r["anchor"], 1)
        if first:
            out.append(Event(f"recurring-{r['id']}@worksmith", f"{r['name']} ({op_names.get(r['operation_id'], '')})",
                             first[0], first[0], f"{float(r['hours']):g} h each time", rule))
    return out


def workspace_events(session: Session) -> list[Event]:
    """Milestones of every project that is not cancelled."""
    projects = frame(session, m.Project)
    live = {int(p["id"]): p["name"] for p in projects.to_dict("records") if p["status"] != "cancelled"}
    return [_milestone(t, live[t["project_id"]]) for t in _tasks(session, m.Task.duration_days == 0)
            if t["project_id"] in live]


def project_ics(session: Session, *, project_id: int, stamp: datetime | None = None) -> bytes:
    name = session.get(m.Project, project_id).name if session.get(m.Project, project_id) else ""
    return calendar_bytes(f"{name} — Worksmith", project_events(session, project_id=project_id), stamp)


def person_ics(session: Session, *, person_id: int, stamp: datetime | None = None) -> bytes:
    events = person_events(session, person_id=person_id)
    return calendar_bytes(f"{session.get(m.Person, person_id).name} — Worksmith", events, stamp)


def workspace_ics(session: Session, *, stamp: datetime | None = None) -> bytes:
    return calendar_bytes("Milestones — Worksmith", workspace_events(session), stamp)
