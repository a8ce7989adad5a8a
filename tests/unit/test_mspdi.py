"""MS Project XML (MSPDI) import and export (worksmith.exchange.mspdi): a real file saved by MS Project (MPXJ's
mspdirelations.xml), a hand-made file with phases, a 'not before' date, lags in days and weeks, a milestone and
holidays (saved dates worked out by hand, checked by MPXJ in test_mspdi_mpxj.py), a file of refusals, hostile XML,
and export -> import round trips."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worksmith.__main__ import main
from worksmith.domain.calendar import WorkCalendar
from worksmith.domain.schedule import compute_schedule
from worksmith.errors import ValidationError
from worksmith.exchange.mspdi import (
    MspdiFileError,
    compare_saved,
    mspdi_bytes,
    read_mspdi,
    read_plan_table,
    read_upload,
    table_mspdi,
)
from worksmith.exchange.planfile import parse_plan, read_plan, schedule_plan
from worksmith.exchange.planread import frame_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RELATIONS = FIXTURES / "mspdi" / "mspdirelations.xml"
PHASES = FIXTURES / "mspdi" / "handmade-phases.xml"
REFUSED = FIXTURES / "mspdi" / "handmade-refused.xml"


def _schedule(plan) -> dict[int, tuple[int, int, int, int, int]]:
    result = compute_schedule(plan.tasks, plan.deps)
    return {t.id: (t.es, t.ef, t.ls, t.lf, t.total_float) for t in result.tasks.values()}


def test_a_file_saved_by_ms_project_reproduces_its_saved_dates():
    f = read_mspdi(RELATIONS)
    assert f.start == date(2006, 9, 21) and f.calendar == WorkCalendar()
    assert [(r.id, r.name, r.duration_days, r.predecessors) for r in f.plan.rows] == [
        (1, "Task 1", 1, ""), (2, "Task 2", 1, "1"), (3, "Task 3", 1, "2SS+1d"), (4, "Task 4", 1, "3FF"),
        (5, "Task 5", 1, "4SF")]
    # what MS Project saved (Task 5: EarlyFinish 2006-09-25T08:00 = the end of Friday, TotalSlack 4800 = 1 day)
    assert _schedule(f.plan) == {1: (0, 1, 0, 1, 0), 2: (1, 2, 1, 2, 0), 3: (2, 3, 2, 3, 0), 4: (2, 3, 2, 3, 0),
                                 5: (1, 2, 2, 3, 1)}
    assert {k: (s.es, s.ef, s.ls, s.lf, s.total_float) for k, s in f.saved.items()} == _schedule(f.plan)
    assert compare_saved(f) == []


def test_the_hand_made_file_brings_phases_lags_constraint_milestone_holidays_and_people():
    f = read_mspdi(PHASES)
    assert f.name == "Clinic relaunch" and f.start == date(2026, 3, 2)
    assert f.holidays == [date(2026, 3, 10), date(2026, 4, 3), date(2026, 4, 6)]  # Easter range: weekend skipped
    rows = {r.id: r for r in f.plan.rows}
    assert [(r.id, r.phase) for r in f.plan.rows] == [(1, "Design"), (2, "Design"), (3, "Build"), (4, "Build"),
                                                      (5, ""), (6, "")]
    assert rows[3].predecessors == "1FS+2d"  # LinkLag 9600 tenths of minutes, LagFormat 7
    assert rows[4].predecessors == "2SS+5d" and rows[4].start_no_earlier_than == 9  # 1 week; SNET Mon 16 Mar
    assert rows[5].duration_days == 0 and rows[5].predecessors == "3,4"
    assert rows[6].predecessors == "2FF-2d" and rows[6].name == 'Signage & "wayfinding"'
    assert (rows[1].assignee, rows[1].estimate_hours, rows[2].assignee, rows[3].assignee) == ("Ana Ruiz", 24,
                                                                                             "Ben Okafor", "")
    # worked out by hand in the fixture (day 5 = Mon 9 Mar, the 10th is a holiday, day 9 = Mon 16 Mar)
    assert _schedule(f.plan) == {1: (0, 3, 1, 4, 1), 2: (0, 4, 4, 8, 4), 3: (5, 10, 6, 11, 1),
                                 4: (9, 11, 9, 11, 0), 5: (11, 11, 11, 11, 0), 6: (0, 3, 8, 11, 8)}
    table = schedule_plan(f.plan, f.start, f.calendar)
    assert list(table["finish_date"]) == ["2026-03-04", "2026-03-05", "2026-03-16", "2026-03-17", "2026-03-18",
                                          "2026-03-04"]


def test_every_item_worksmith_cannot_represent_is_listed_and_nothing_is_read():
    with pytest.raises(MspdiFileError) as caught:
        read_mspdi(REFUSED)
    text = str(caught.value)
    assert text.startswith("MS Project file 'handmade-refused.xml' refused, nothing imported: 13 items")
    for item in ["works 4 hours on Friday but a day is 8 hours", "recurring exception 'Christmas'",
                 "Task UID 2 'Waits', link from UID 1: an elapsed lag (LagFormat 8",
                 "Task UID 2 'Waits', link from UID 3: a percentage lag (LagFormat 19)",
                 "Task UID 3 'Night work' has its own task calendar", "the constraint 'Must Start On'",
                 "Task UID 5 'By hand' is manually scheduled", "4 working hours is not a whole number of working days",
                 "'Gate' is marked a milestone but lasts 2 days", "'Gate' has a deadline",
                 "the constraint 'As Late As Possible'", "2 resources (Ana Ruiz, Ben Okafor)",
                 "'Calendar days': an elapsed duration (DurationFormat 8"]:
        assert item in text, item
    assert isinstance(caught.value, ValidationError) and len(caught.value.errors) == 13


def test_saved_dates_worksmith_does_not_reproduce_refuse_the_file():
    data = PHASES.read_bytes().replace(b"<LateStart>2026-03-13T08:00:00</LateStart>",
                                       b"<LateStart>2026-03-12T08:00:00</LateStart>")
    with pytest.raises(MspdiFileError, match=r"Task UID 6 'Signage & \"wayfinding\"': MS Project saved late start "
                                             r"day 7, Worksmith computes day 8"):
        read_mspdi(data, "edited.xml")
    assert read_mspdi(data, "edited.xml", check_saved=False).plan.rows  # the check alone refused it


@pytest.mark.parametrize("data, why", [
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
     b'<Project xmlns="http://schemas.microsoft.com/project"><Name>&lol2;</Name></Project>', "declares a DTD"),
    (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b'<Project xmlns="http://schemas.microsoft.com/project"><Name>&x;</Name></Project>', "declares a DTD"),
    (b"<Project><Tasks>", "not well-formed XML"),
    (b"<html><body/></html>", "not an MS Project file"),
])
def test_hostile_or_foreign_xml_is_refused_with_a_reason(data, why):
    with pytest.raises(ValidationError, match=why):
        read_mspdi(data, "upload.xml")


def _textbook(snet: bool = True):
    plan = read_plan(FIXTURES / "plan_textbook.csv")
    frame = plan.frame()
    frame["predecessors"] = ["", "", "1FS+2d", "1", "2SS+1d,3", "4", "5FF-1d,6", "7", "2SF+3d"]
    if snet:
        frame.loc[1, "start_no_earlier_than"] = 2
    return parse_plan(frame, "textbook")


def test_export_then_import_gives_the_same_plan_and_dates():
    plan = _textbook()
    cal = WorkCalendar(holidays=frozenset({date(2026, 3, 10), date(2026, 3, 14)}))  # a Tuesday, a Saturday
    data = mspdi_bytes(plan, date(2026, 3, 2), cal, name="Textbook")
    back = read_mspdi(data, "textbook.xml")  # compare_saved passes: the dates we wrote are the ones we compute
    assert back.start == date(2026, 3, 2) and back.holidays == [date(2026, 3, 10)] and back.name == "Textbook"
    assert back.plan.frame().sort_values("id").reset_index(drop=True).equals(plan.frame())
    assert _schedule(back.plan) == _schedule(plan)
    assert schedule_plan(back.plan, back.start, back.calendar).equals(schedule_plan(plan, date(2026, 3, 2), cal))


def test_a_six_day_week_schedules_on_the_command_line_but_not_into_a_project():
    plan = _textbook(snet=False)
    data = mspdi_bytes(plan, date(2026, 3, 2), WorkCalendar(frozenset(range(6))))
    assert read_mspdi(data, "six.xml").calendar.workdays == frozenset(range(6))
    with pytest.raises(MspdiFileError, match="works Monday, Tuesday, Wednesday, Thursday, Friday, Saturday"):
        read_plan_table(data, "six.xml")
    table, project = read_upload(mspdi_bytes(plan, date(2026, 3, 2)), "five.xml")
    assert project is not None and list(table["id"]) == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert read_upload((FIXTURES / "plan_textbook.csv").read_bytes(), "plan.csv")[1] is None


def test_the_project_download_writes_the_plan_table():
    table = schedule_plan(_textbook(), date(2026, 3, 2))  # the export table: extra columns are ignored
    back = read_mspdi(table_mspdi(table, date(2026, 3, 2), WorkCalendar(), "Site <new>"), "x.xml")
    assert back.name == "Site <new>" and len(back.plan.rows) == 9


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_any_plan_survives_export_and_import(data):
    n = data.draw(st.integers(1, 12))
    ids = data.draw(st.lists(st.integers(0, 500), min_size=n, max_size=n, unique=True))
    rows = []
    for i, tid in enumerate(ids):
        preds = data.draw(st.lists(st.sampled_from(ids[:i]), unique=True, max_size=3)) if i else []
        links = [f"{p}{data.draw(st.sampled_from(['FS', 'SS', 'FF', 'SF']))}{data.draw(st.integers(-3, 10)):+d}d"
                 for p in preds]
        name = data.draw(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12))
        rows.append({"id": tid, "name": name, "duration_days": data.draw(st.integers(0, 9)),
                     "phase": data.draw(st.sampled_from(["", "Design", "Build & test"])),
                     "predecessors": ",".join(links), "assignee": data.draw(st.sampled_from(["", "Ana", "Ben"])),
                     "estimate_hours": data.draw(st.sampled_from([None, 4, 12.5])),
                     "start_no_earlier_than": data.draw(st.sampled_from([None, 0, 3, 11]))})
    plan = parse_plan(frame_of({c: [r[c] for r in rows] for c in rows[0]}), "random")
    start = data.draw(st.dates(date(2020, 1, 1), date(2030, 12, 31)))
    cal = WorkCalendar(holidays=frozenset(data.draw(st.lists(st.dates(start, date(2031, 6, 1)), max_size=5))))
    back = read_mspdi(mspdi_bytes(plan, start, cal), "random.xml")
    mine = sorted((r.id, r.name.strip(), r.phase, r.duration_days, r.links, r.assignee, r.estimate_hours,
                   r.start_no_earlier_than) for r in plan.rows)
    theirs = sorted((r.id, r.name, r.phase, r.duration_days, r.links, r.assignee, r.estimate_hours,
                     r.start_no_earlier_than) for r in back.plan.rows)
    assert theirs == mine
    assert _schedule(back.plan) == _schedule(plan)


def test_the_command_line_reads_and_writes_ms_project_xml(tmp_path, capsys):
    out = tmp_path / "out.csv"
    assert main(["schedule", str(PHASES), "-o", str(out)]) == 0
    assert "Scheduled 6 tasks: project finish day 11, 2 critical, from 2026-03-02" in capsys.readouterr().out
    assert out.read_text().splitlines()[4].startswith("4,Inspection,Build,2,2SS+5d,,,9,9,11,9,11,0,true,2026-03-16")
    xml = tmp_path / "plan.xml"
    assert main(["schedule", str(FIXTURES / "plan_textbook.csv"), "-o", str(xml), "--start", "2026-03-02"]) == 0
    again = tmp_path / "again.csv"
    assert main(["schedule", str(xml), "-o", str(again)]) == 0
    first = tmp_path / "first.csv"
    assert main(["schedule", str(FIXTURES / "plan_textbook.csv"), "-o", str(first), "--start", "2026-03-02"]) == 0
    assert again.read_text() == first.read_text().replace('"5, 6"', '"5,6"')  # the links written in one way
    capsys.readouterr()
    assert main(["schedule", str(REFUSED), "-o", str(tmp_path / "no.csv")]) == 2
    err = capsys.readouterr().err
    assert "refused, nothing imported: 13 items" in err and not (tmp_path / "no.csv").exists()
