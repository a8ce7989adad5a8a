"""MPXJ (the Java library behind most MS Project readers; dev-only dependency ``mpxj`` + ``JPype1``) as an
independent reader of our MS Project XML export, and its MicrosoftScheduler (a re-implementation of MS Project's
scheduling) as an independent check of the dates: on our export and on the hand-made fixture, whose saved dates
were worked out by hand. Skipped, with the reason, where Java or the package is missing."""

from __future__ import annotations

import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from worksmith.domain.calendar import WorkCalendar
from worksmith.domain.schedule import compute_schedule
from worksmith.exchange.mspdi import mspdi_bytes, read_mspdi
from worksmith.exchange.planfile import parse_plan, read_plan

if shutil.which("java") is None:
    pytest.skip("no Java runtime on this machine: MPXJ needs one (apt install default-jre-headless)",
                allow_module_level=True)
jpype = pytest.importorskip("jpype", reason="JPype1 is not installed (pip install -r requirements-dev.txt)")
pytest.importorskip("mpxj", reason="mpxj is not installed (pip install -r requirements-dev.txt)")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
START = date(2026, 3, 2)
CALENDAR = WorkCalendar(holidays=frozenset({date(2026, 3, 10)}))


@pytest.fixture(scope="module")
def mpxj():
    if not jpype.isJVMStarted():
        jpype.startJVM()
    from org.mpxj import Duration, TimeUnit  # noqa: PLC0415  (Java classes exist only once the JVM runs)
    from org.mpxj.cpm import MicrosoftScheduler  # noqa: PLC0415
    from org.mpxj.reader import UniversalProjectReader  # noqa: PLC0415

    def read(path: Path):
        return UniversalProjectReader().read(str(path))

    def schedule(project) -> None:
        for task in project.getTasks():
            if task.getActualDuration() is None:
                task.setActualDuration(Duration.getInstance(0, TimeUnit.DAYS))
            if task.getRemainingDuration() is None:
                task.setRemainingDuration(task.getDuration())
        MicrosoftScheduler().schedule(project, project.getProjectProperties().getStartDate())

    return read, schedule


def _plan():
    frame = read_plan(FIXTURES / "plan_textbook.csv").frame()
    frame["predecessors"] = ["", "", "1FS+2d", "1", "2SS+1d,3", "4", "5FF-1d,6", "7", "2SF+3d"]
    frame.loc[1, "start_no_earlier_than"] = 2
    frame.loc[8, "duration_days"] = 0  # a milestone
    return parse_plan(frame, "textbook")


def _at(value) -> datetime:
    return datetime.fromisoformat(str(value.toString()))


def _edge(when: datetime, calendar: WorkCalendar) -> datetime:
    """The start of a working day as the end of the working day before (MS Project saves either for one instant)."""
    if when.time() != time(8):
        return when
    day = when.date() - timedelta(days=1)
    while not calendar.is_working(day):
        day -= timedelta(days=1)
    return datetime.combine(day, time(17))


def _dates(project, calendar: WorkCalendar = CALENDAR) -> dict[int, tuple]:
    """Early/late dates (as day ends) and total slack in days of every task that is not a summary."""
    from org.mpxj import TimeUnit  # noqa: PLC0415

    props = project.getProjectProperties()
    return {int(t.getUniqueID()): (*(_edge(_at(v), calendar) for v in (t.getEarlyStart(), t.getEarlyFinish(),
                                                                       t.getLateStart(), t.getLateFinish())),
                                   float(t.getTotalSlack().convertUnits(TimeUnit.DAYS, props).getDuration()))
            for t in project.getTasks() if not t.getSummary()}


def test_mpxj_reads_every_task_link_constraint_milestone_and_phase(mpxj, tmp_path):
    read, _ = mpxj
    plan = _plan()
    path = tmp_path / "plan.xml"
    path.write_bytes(mspdi_bytes(plan, START, CALENDAR, name="Textbook"))
    project = read(path)
    tasks = {int(t.getUniqueID()): t for t in project.getTasks()}
    for row in plan.rows:
        task = tasks[row.id]
        assert str(task.getName()) == row.name
        assert float(task.getDuration().getDuration()) == row.duration_days
        assert str(task.getDuration().getUnits()) == "d"
        assert bool(task.getMilestone()) == (row.duration_days == 0)
        assert str(task.getParentTask().getName()) == row.phase  # the phase is the summary task above it
        links = sorted((int(r.getPredecessorTask().getUniqueID()), str(r.getType()), float(r.getLag().getDuration()))
                       for r in task.getPredecessors())
        assert links == sorted((link.pred, link.type, float(link.lag)) for link in row.links)
        if row.start_no_earlier_than is None:
            assert str(task.getConstraintType()) == "AS_SOON_AS_POSSIBLE"
        else:
            assert str(task.getConstraintType()) == "START_NO_EARLIER_THAN"
            assert _at(task.getConstraintDate()).date() == CALENDAR.date_of(row.start_no_earlier_than, START)
        people = [str(a.getResource().getName()) for a in task.getResourceAssignments()]
        assert people == ([row.assignee] if row.assignee else [])
    assert sorted(str(t.getName()) for t in project.getTasks() if t.getSummary() and t.getOutlineLevel() == 1) == [
        "Build", "Design", "Verify"]
    assert [(str(e.getFromDate()), str(e.getToDate()), bool(e.getWorking()))
            for e in project.getDefaultCalendar().getCalendarExceptions()] == [("2026-03-10", "2026-03-10", False)]


def test_mpxj_ms_project_scheduler_agrees_with_our_export(mpxj, tmp_path):
    read, schedule = mpxj
    path = tmp_path / "plan.xml"
    path.write_bytes(mspdi_bytes(_plan(), START, CALENDAR))
    saved = _dates(read(path))
    project = read(path)
    schedule(project)
    assert _dates(project) == saved
    result = compute_schedule(_plan().tasks, _plan().deps)
    assert {k: v[4] for k, v in saved.items()} == {k: float(t.total_float) for k, t in result.tasks.items()}


@pytest.mark.parametrize("name", ["handmade-phases.xml", "mspdirelations.xml"])
def test_mpxj_ms_project_scheduler_agrees_with_the_fixtures_saved_dates(mpxj, name):
    read, schedule = mpxj
    path = FIXTURES / "mspdi" / name
    calendar = read_mspdi(path).calendar  # and Worksmith reproduces the same saved dates (checked on import)
    saved = _dates(read(path), calendar)
    project = read(path)
    schedule(project)
    assert _dates(project, calendar) == saved
