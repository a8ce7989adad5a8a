"""Unit tests for worksmith.domain.schedule: hand-checked networks, every dependency type, dates (the calendar itself is
tested in test_calendar.py)."""

from __future__ import annotations

from datetime import date

import pytest

from worksmith.domain.calendar import WorkCalendar
from worksmith.domain.schedule import (
    Dep,
    ProjectSpec,
    TaskSpec,
    bench_network,
    compute_portfolio,
    compute_schedule,
    schedule_dates,
    to_frame,
)
from worksmith.errors import CycleError, ScheduleError, ValidationError

FRI = date(2025, 1, 3)  # Friday
SAT = date(2025, 1, 4)
MON = date(2025, 1, 6)


def offsets(result, task_id):
    r = result[task_id]
    return (r.es, r.ef, r.ls, r.lf, r.total_float, r.free_float, r.critical)


# --------------------------------------------------------------------------------------- textbook network
# Activity  dur  predecessors
#   A        3    -
#   B        4    -
#   C        2    A
#   D        5    A
#   E        3    B, C
#   F        2    D
#   G        4    E, F
#   H        1    G
#   I        2    B
# Forward:  A 0-3, B 0-4, C 3-5, D 3-8, E max(4,5)=5-8, F 8-10, G max(8,10)=10-14, H 14-15, I 4-6; PF = 15.
# Backward: H 14-15, G 10-14, F 8-10, E LF=G.LS=10 -> 7-10, D LF=F.LS=8 -> 3-8, C LF=E.LS=7 -> 5-7,
#           I LF=PF=15 -> 13-15, B LF=min(E.LS 7, I.LS 13)=7 -> 3-7, A LF=min(C.LS 5, D.LS 3)=3 -> 0-3.
# Total float LS-ES: A0 B3 C2 D0 E2 F0 G0 H0 I9 -> critical path A-D-F-G-H.
# Free float: A min(C.ES-A.EF, D.ES-A.EF)=0; B min(E.ES 5-4, I.ES 4-4)=0; C E.ES 5-5=0; D 0; E G.ES 10-8=2;
#             F 0; G 0; H PF-EF=0; I PF-EF=15-6=9.
TEXTBOOK_TASKS = [
    TaskSpec("A", 3, name="Requirements"),
    TaskSpec("B", 4),
    TaskSpec("C", 2),
    TaskSpec("D", 5),
    TaskSpec("E", 3),
    TaskSpec("F", 2),
    TaskSpec("G", 4),
    TaskSpec("H", 1, name="Launch"),
    TaskSpec("I", 2),
]
TEXTBOOK_DEPS = [
    Dep("A", "C"),
    Dep("A", "D"),
    Dep("B", "E"),
    Dep("C", "E"),
    Dep("D", "F"),
    Dep("E", "G"),
    Dep("F", "G"),
    Dep("G", "H"),
    Dep("B", "I"),
]
TEXTBOOK_EXPECTED = {
    #      es ef ls lf tf ff critical
    "A": (0, 3, 0, 3, 0, 0, True),
    "B": (0, 4, 3, 7, 3, 0, False),
    "C": (3, 5, 5, 7, 2, 0, False),
    "D": (3, 8, 3, 8, 0, 0, True),
    "E": (5, 8, 7, 10, 2, 2, False),
    "F": (8, 10, 8, 10, 0, 0, True),
    "G": (10, 14, 10, 14, 0, 0, True),
    "H": (14, 15, 14, 15, 0, 0, True),
    "I": (4, 6, 13, 15, 9, 9, False),
}


class TestTextbookNetwork:
    def test_offsets_and_floats_match_hand_computation(self):
        result = compute_schedule(TEXTBOOK_TASKS, TEXTBOOK_DEPS)
        assert result.project_finish == 15
        for task_id, expected in TEXTBOOK_EXPECTED.items():
            assert offsets(result, task_id) == expected, task_id

    def test_critical_path(self):
        result = compute_schedule(TEXTBOOK_TASKS, TEXTBOOK_DEPS)
        assert result.critical_ids() == ["A", "D", "F", "G", "H"]

    def test_free_float_differs_from_total_float(self):
        result = compute_schedule(TEXTBOOK_TASKS, TEXTBOOK_DEPS)
        # B can slip 3 days before the project finish moves, but any slip delays E's and I's early start.
        assert (result["B"].total_float, result["B"].free_float) == (3, 0)
        assert (result["C"].total_float, result["C"].free_float) == (2, 0)

    def test_result_independent_of_input_order(self):
        forward = compute_schedule(TEXTBOOK_TASKS, TEXTBOOK_DEPS)
        backward = compute_schedule(TEXTBOOK_TASKS[::-1], TEXTBOOK_DEPS[::-1])
        assert {k: offsets(forward, k) for k in forward.tasks} == {k: offsets(backward, k) for k in backward.tasks}
        assert list(backward.tasks) == [t.id for t in TEXTBOOK_TASKS[::-1]]  # input order kept

    def test_to_frame(self):
        result = compute_schedule(TEXTBOOK_TASKS, TEXTBOOK_DEPS)
        frame = to_frame(result, TEXTBOOK_TASKS)
        assert list(frame.columns) == [
            "id",
            "name",
            "duration",
            "es",
            "ef",
            "ls",
            "lf",
            "total_float",
            "free_float",
            "critical",
        ]
        assert frame["id"].tolist() == list("ABCDEFGHI")
        assert frame.loc[0, "name"] == "Requirements"
        assert frame["critical"].tolist() == [TEXTBOOK_EXPECTED[k][6] for k in "ABCDEFGHI"]
        assert frame["total_float"].tolist() == [TEXTBOOK_EXPECTED[k][4] for k in "ABCDEFGHI"]


# --------------------------------------------------------------------------------------- dependency types
# Two tasks P (first) and S (second), one dependency P -> S. Expected (es, ef, ls, lf) of P and S, and PF.
DEP_CASES = [
    # FS+2: S.ES >= P.EF + 2 = 5 -> S 5-7, PF 7. Back: P.LF <= S.LS - 2 = 3.
    pytest.param(3, 2, "FS", 2, (0, 3, 0, 3), (5, 7, 5, 7), 7, id="FS+2"),
    # FS-1 (lead): S.ES >= 3 - 1 = 2 -> 2-4, PF 4. Back: P.LF <= S.LS + 1 = 3; PF 4 -> P LF 3.
    pytest.param(3, 2, "FS", -1, (0, 3, 0, 3), (2, 4, 2, 4), 4, id="FS-1"),
    # FS-5 clamped at day 0: S.ES >= max(0, 3 - 5) = 0 -> 0-2, PF 3. Back: S LF 3 LS 1; P LF <= S.LS + 5 = 6 -> 3.
    pytest.param(3, 2, "FS", -5, (0, 3, 0, 3), (0, 2, 1, 3), 3, id="FS-5-clamped"),
    # SS+1: S.ES >= P.ES + 1 = 1 -> 1-5, PF 5. Back: P.LS <= S.LS - 1 = 0 -> P 0-3.
    pytest.param(3, 4, "SS", 1, (0, 3, 0, 3), (1, 5, 1, 5), 5, id="SS+1"),
    # SS+0 short successor: S 0-2, PF 10. Back: S LF 10 LS 8; P.LS <= 8 -> LF <= 18, PF 10 -> P 0-10.
    pytest.param(10, 2, "SS", 0, (0, 10, 0, 10), (0, 2, 8, 10), 10, id="SS+0"),
    # SS-2 clamped: S.ES >= 0 - 2 -> 0. S 0-4, PF 4. P: LS <= S.LS + 2 = 2, LF <= 5 and <= PF 4 -> 1-4.
    pytest.param(3, 4, "SS", -2, (0, 3, 1, 4), (0, 4, 0, 4), 4, id="SS-2-clamped"),
    # FF+2: S.EF >= P.EF + 2 = 5 -> S 3-5, PF 5. Back: P.LF <= S.LF - 2 = 3.
    pytest.param(3, 2, "FF", 2, (0, 3, 0, 3), (3, 5, 3, 5), 5, id="FF+2"),
    # FF-1: S.EF >= 2 -> S 0-2, PF 3. Back: S LF 3 LS 1; P.LF <= S.LF + 1 = 4, PF 3 -> 0-3.
    pytest.param(3, 2, "FF", -1, (0, 3, 0, 3), (0, 2, 1, 3), 3, id="FF-1"),
    # FF with a long successor: S.EF >= 1 -> ES = 1 - 5 < 0, clamped at 0: S 0-5, PF 5. P.LF <= S.LF = 5 -> 4-5.
    pytest.param(1, 5, "FF", 0, (0, 1, 4, 5), (0, 5, 0, 5), 5, id="FF-clamped"),
    # SF+3: S.EF >= P.ES + 3 = 3 -> S 1-3, PF 3. Back: P.LS <= S.LF - 3 = 0 -> P 0-2; S LF 3.
    pytest.param(2, 2, "SF", 3, (0, 2, 0, 2), (1, 3, 1, 3), 3, id="SF+3"),
    # SF+6 pushes S past P: S.EF >= 6 -> S 4-6, PF 6. P.LS <= S.LF - 6 = 0 -> P 0-2 (LF 2).
    pytest.param(2, 2, "SF", 6, (0, 2, 0, 2), (4, 6, 4, 6), 6, id="SF+6"),
    # SF-1 clamped: S.EF >= -1 -> ES 0, S 0-2, PF 2. P.LS <= S.LF + 1 = 3 -> LF <= 5, PF 2 -> 0-2.
    pytest.param(2, 2, "SF", -1, (0, 2, 0, 2), (0, 2, 0, 2), 2, id="SF-1-clamped"),
]


class TestDependencyTypes:
    @pytest.mark.parametrize(("p_dur", "s_dur", "typ", "lag", "p_expected", "s_expected", "finish"), DEP_CASES)
    def test_two_task_network(self, p_dur, s_dur, typ, lag, p_expected, s_expected, finish):
        result = compute_schedule([TaskSpec("P", p_dur), TaskSpec("S", s_dur)], [Dep("P", "S", typ, lag)])
        assert result.project_finish == finish
        p, s = result["P"], result["S"]
        assert (p.es, p.ef, p.ls, p.lf) == p_expected
        assert (s.es, s.ef, s.ls, s.lf) == s_expected

    def test_lowercase_type_accepted(self):
        result = compute_schedule([TaskSpec(1, 3), TaskSpec(2, 4)], [Dep(1, 2, "ss", 1)])
        assert result[2].es == 1

    def test_unknown_type_refused(self):
        with pytest.raises(ValidationError, match="type must be one of"):
            compute_schedule([TaskSpec(1, 3), TaskSpec(2, 4)], [Dep(1, 2, "XX", 0)])

    def test_pipe_laying_ss_ff_ladder(self):
        # Trench 10, Lay pipe 8 (SS+2, FF+2 from Trench), Backfill 6 (SS+2, FF+2 from Lay pipe).
        # Lay: SS gives ES>=2, FF gives EF>=12 -> ES>=4: 4-12. Backfill: ES>=6, EF>=14 -> ES>=8: 8-14. PF 14.
        # Back: Lay LF <= 14-2 = 12 (FF), LS <= 8-2 = 6 (SS) -> 4-12; Trench LF <= 10 (FF), LS <= 2 -> 0-10.
        # Everything critical; Trench's free float = min(SS slack 4-2=2, FF slack 12-12=0) = 0.
        tasks = [TaskSpec("trench", 10), TaskSpec("lay", 8), TaskSpec("backfill", 6)]
        deps = [
            Dep("trench", "lay", "SS", 2),
            Dep("trench", "lay", "FF", 2),
            Dep("lay", "backfill", "SS", 2),
            Dep("lay", "backfill", "FF", 2),
        ]
        result = compute_schedule(tasks, deps)
        assert result.project_finish == 14
        assert offsets(result, "trench") == (0, 10, 0, 10, 0, 0, True)
        assert offsets(result, "lay") == (4, 12, 4, 12, 0, 0, True)
        assert offsets(result, "backfill") == (8, 14, 8, 14, 0, 0, True)

    def test_duplicate_dependencies_all_apply(self):
        # 1 -> 2 twice: FS+0 and FS+3; the stronger one drives: 2 starts at 2 + 3 = 5.
        result = compute_schedule([TaskSpec(1, 2), TaskSpec(2, 1)], [Dep(1, 2), Dep(1, 2, "FS", 3)])
        assert result[2].es == 5
        assert result[1].free_float == 0


# --------------------------------------------------------------------------------------- milestones, SNET
class TestMilestonesAndConstraints:
    def test_milestone_has_zero_duration(self):
        # A 0-3 -> M (0 days) 3-3 -> B 3-5. PF 5, all critical.
        result = compute_schedule(
            [TaskSpec("A", 3), TaskSpec("M", 0), TaskSpec("B", 2)], [Dep("A", "M"), Dep("M", "B")]
        )
        assert offsets(result, "M") == (3, 3, 3, 3, 0, 0, True)
        assert result["B"].es == 3

    def test_lone_milestone_and_empty_plan(self):
        assert compute_schedule([], []).project_finish == 0
        result = compute_schedule([TaskSpec("kickoff", 0)], [])
        assert result.project_finish == 0
        assert offsets(result, "kickoff") == (0, 0, 0, 0, 0, 0, True)

    def test_snet_delays_start(self):
        # B (2) after A (3) but not before day 6: ES = max(3, 6) = 6 -> 6-8, PF 8.
        # A: LF <= B.LS = 6 -> LS 3, TF 3, free float = B.ES - A.EF = 3.
        result = compute_schedule([TaskSpec("A", 3), TaskSpec("B", 2, snet=6)], [Dep("A", "B")])
        assert offsets(result, "B") == (6, 8, 6, 8, 0, 0, True)
        assert offsets(result, "A") == (0, 3, 3, 6, 3, 3, False)

    def test_snet_below_driving_predecessor_has_no_effect(self):
        result = compute_schedule([TaskSpec("A", 3), TaskSpec("B", 2, snet=1)], [Dep("A", "B")])
        assert result["B"].es == 3

    def test_free_float_never_exceeds_total_float(self):
        # A (10) -> B (1) SS, B not before day 5. The SS link has slack 5 at early dates, but A ends the
        # project (EF 10 = PF), so A cannot slip at all: free float is capped at total float 0.
        result = compute_schedule([TaskSpec("A", 10), TaskSpec("B", 1, snet=5)], [Dep("A", "B", "SS", 0)])
        assert offsets(result, "A") == (0, 10, 0, 10, 0, 0, True)
        assert offsets(result, "B") == (5, 6, 9, 10, 4, 4, False)

    def test_negative_lags_never_start_before_day_zero(self):
        tasks = [TaskSpec(1, 1), TaskSpec(2, 3), TaskSpec(3, 2)]
        deps = [Dep(1, 2, "FS", -4), Dep(1, 3, "SF", -9)]
        result = compute_schedule(tasks, deps)
        assert all(r.es >= 0 for r in result.tasks.values())
        assert (result[2].es, result[3].es) == (0, 0)


# --------------------------------------------------------------------------------------- validation
class TestValidation:
    def test_cycle_names_tasks_in_order(self):
        tasks = [TaskSpec(12, 2, name="Design"), TaskSpec(13, 2, name="Build"), TaskSpec(14, 1, name="Launch")]
        with pytest.raises(CycleError) as info:
            compute_schedule(tasks, [Dep(13, 14), Dep(14, 12), Dep(12, 13)])
        assert info.value.cycle == [12, 13, 14, 12]
        message = str(info.value)
        assert "12 → 13 → 14 → 12" in message
        assert "12 'Design'" in message

    def test_cycle_reported_is_a_real_cycle_among_other_tasks(self):
        # 1 -> 2 -> 3 -> 4 -> 2 and 4 -> 5: the loop is 2, 3, 4.
        tasks = [TaskSpec(i, 1) for i in range(1, 6)]
        deps = [Dep(1, 2), Dep(2, 3), Dep(3, 4), Dep(4, 2), Dep(4, 5)]
        with pytest.raises(CycleError) as info:
            compute_schedule(tasks, deps)
        assert info.value.cycle == [2, 3, 4, 2]

    def test_self_dependency_is_a_cycle(self):
        with pytest.raises(CycleError) as info:
            compute_schedule([TaskSpec(5, 1, name="Review")], [Dep(5, 5, "SS", 0)])
        assert info.value.cycle == [5, 5]
        assert "5 'Review'" in str(info.value)

    def test_cycle_is_a_schedule_error(self):
        with pytest.raises(ScheduleError):
            compute_schedule([TaskSpec(1, 1), TaskSpec(2, 1)], [Dep(1, 2), Dep(2, 1)])

    def test_unknown_predecessor(self):
        with pytest.raises(ScheduleError, match="unknown task 99") as info:
            compute_schedule([TaskSpec(7, 1, name="Build")], [Dep(99, 7)])
        assert "predecessor of 7 'Build'" in str(info.value)
        assert not isinstance(info.value, CycleError)

    def test_unknown_successor(self):
        with pytest.raises(ScheduleError, match="unknown task 8"):
            compute_schedule([TaskSpec(7, 1)], [Dep(7, 8)])

    def test_negative_duration(self):
        with pytest.raises(ValidationError, match="duration") as info:
            compute_schedule([TaskSpec(3, -2, name="Oops")], [])
        assert info.value.field == "duration"
        assert "3 'Oops'" in str(info.value)

    @pytest.mark.parametrize("duration", [1.5, "2", True, None])
    def test_non_integer_duration(self, duration):
        with pytest.raises(ValidationError, match="whole number"):
            compute_schedule([TaskSpec(1, duration)], [])

    def test_non_integer_lag_and_snet(self):
        with pytest.raises(ValidationError, match="lag"):
            compute_schedule([TaskSpec(1, 1), TaskSpec(2, 1)], [Dep(1, 2, "FS", 0.5)])
        with pytest.raises(ValidationError, match="start-no-earlier-than"):
            compute_schedule([TaskSpec(1, 1, snet="3")], [])

    def test_duplicate_task_ids(self):
        with pytest.raises(ValidationError, match="more than once") as info:
            compute_schedule([TaskSpec(1, 1), TaskSpec(1, 2)], [])
        assert info.value.field == "id"


class TestScheduleDates:
    def test_friday_start_three_days_finishes_tuesday(self):
        cal = WorkCalendar()
        result = compute_schedule([TaskSpec("t", 3)], [])
        assert schedule_dates(result, cal, FRI)["t"] == (FRI, date(2025, 1, 7))

    def test_early_and_late_dates_with_milestone(self):
        # From Friday 3 Jan 2025: A 0-3 = Fri 3 .. Tue 7; M (milestone) at day 3 = Wed 8 (start = finish);
        # B (2, after M) 3-5 = Wed 8 .. Thu 9; C (1, no links) 0-1 = Fri 3, late 4-5 = Thu 9.
        tasks = [TaskSpec("A", 3), TaskSpec("M", 0), TaskSpec("B", 2), TaskSpec("C", 1)]
        result = compute_schedule(tasks, [Dep("A", "M"), Dep("M", "B")])
        cal = WorkCalendar()
        early = schedule_dates(result, cal, FRI)
        assert early["A"] == (FRI, date(2025, 1, 7))
        assert early["M"] == (date(2025, 1, 8), date(2025, 1, 8))
        assert early["B"] == (date(2025, 1, 8), date(2025, 1, 9))
        assert early["C"] == (FRI, FRI)
        late = schedule_dates(result, cal, FRI, late=True)
        assert late["C"] == (date(2025, 1, 9), date(2025, 1, 9))
        assert late["A"] == early["A"]

    def test_textbook_dates_from_a_saturday(self):
        result = compute_schedule(TEXTBOOK_TASKS, TEXTBOOK_DEPS)
        dates = schedule_dates(result, WorkCalendar(), SAT)
        # Day 0 = Mon 6 Jan; H is day 14 = Fri 24 Jan (two weeks later + 4 days).
        assert dates["A"] == (MON, date(2025, 1, 8))
        assert dates["H"] == (date(2025, 1, 24), date(2025, 1, 24))


# --------------------------------------------------------------------------------------- portfolio
class TestPortfolio:
    def test_cross_project_dependency_and_start_offsets(self):
        # Project A starts Mon 6 Jan (global day 0): a1 3 days 0-3, a2 2 days 3-5.
        # Project B starts Wed 8 Jan (= global day 2): b1 2 days 2-4; b2 after b1 and after a2: 5-6;
        # b3 has its own SNET 1 (relative to B) = global 3: 3-4.
        projects = [
            ProjectSpec("A", MON, [TaskSpec("a1", 3), TaskSpec("a2", 2)]),
            ProjectSpec("B", date(2025, 1, 8), [TaskSpec("b1", 2), TaskSpec("b2", 1), TaskSpec("b3", 1, snet=1)]),
        ]
        deps = [Dep("a1", "a2"), Dep("b1", "b2"), Dep("a2", "b2")]
        result = compute_portfolio(projects, deps, WorkCalendar())
        s = result.schedule
        assert result.base_start == MON
        assert result.project_offsets == {"A": 0, "B": 2}
        assert (s["b1"].es, s["b1"].ef) == (2, 4)
        assert (s["b2"].es, s["b2"].ef) == (5, 6)
        assert s["b3"].es == 3
        assert result.task_project["b2"] == "B"
        assert result.project_finish("A") == 5 and result.project_finish("B") == 6
        assert result.dates(WorkCalendar())["b2"] == (date(2025, 1, 13), date(2025, 1, 13))

    def test_weekend_project_start_and_earliest_base(self):
        # B starts Saturday 11 Jan -> its day 0 is Mon 13 Jan = global day 5 after Mon 6 Jan.
        projects = [
            ProjectSpec("B", date(2025, 1, 11), [TaskSpec("b", 1)]),
            ProjectSpec("A", SAT, [TaskSpec("a", 1)]),
        ]
        result = compute_portfolio(projects, [])
        assert result.base_start == MON
        assert result.project_offsets == {"B": 5, "A": 0}
        assert result.schedule["b"].es == 5

    def test_task_ids_must_be_unique_across_projects(self):
        projects = [ProjectSpec("A", MON, [TaskSpec(1, 1)]), ProjectSpec("B", MON, [TaskSpec(1, 1)])]
        with pytest.raises(ValidationError, match="unique across the portfolio"):
            compute_portfolio(projects, [])

    def test_tuple_ids_and_cross_project_cycle(self):
        projects = [
            ProjectSpec("A", MON, [TaskSpec(("A", 1), 1)]),
            ProjectSpec("B", MON, [TaskSpec(("B", 1), 1)]),
        ]
        with pytest.raises(CycleError):
            compute_portfolio(projects, [Dep(("A", 1), ("B", 1)), Dep(("B", 1), ("A", 1))])


# --------------------------------------------------------------------------------------- performance
class TestPerformance:
    def test_bench_network_is_deterministic_and_acyclic(self):
        tasks, deps = bench_network(500, 1000, seed=3)
        again = bench_network(500, 1000, seed=3)
        assert (tasks, deps) == again
        assert len(tasks) == 500 and len(deps) == 1000
        assert all(d.pred < d.succ for d in deps)
        assert {d.type for d in deps} == {"FS", "SS", "FF", "SF"}
        compute_schedule(tasks, deps)

    def test_30k_tasks_60k_dependencies_schedule_completely(self):
        # speed is measured by `python -m worksmith bench`, not asserted here (timed tests flake on shared CPUs)
        tasks, deps = bench_network(30_000, 60_000, seed=1)
        result = compute_schedule(tasks, deps)
        assert len(result) == 30_000
        assert result.project_finish == max(r.ef for r in result.tasks.values())

    def test_deep_chain_has_no_recursion_limit(self):
        n = 30_000
        tasks = [TaskSpec(i, 1) for i in range(n)]
        deps = [Dep(i, i + 1) for i in range(n - 1)]
        result = compute_schedule(tasks, deps)
        assert result.project_finish == n
        assert len(result.critical_ids()) == n

    def test_long_cycle_is_found_without_recursion(self):
        n = 20_000
        tasks = [TaskSpec(i, 1) for i in range(n)]
        deps = [Dep(i, (i + 1) % n) for i in range(n)]
        with pytest.raises(CycleError) as info:
            compute_schedule(tasks, deps)
        assert len(info.value.cycle) == n + 1
