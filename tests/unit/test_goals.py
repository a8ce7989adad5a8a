"""Hand-worked examples for worksmith.goals: every expected number is worked out in the test from the inputs."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from worksmith.domain.goals import (
    CUT_LINE_COLUMNS,
    CUT_LINE_DETAIL_COLUMNS,
    ROLL_UP_COLUMNS,
    GoalStatus,
    capacity_cut_line,
    capacity_cut_line_detail,
    expected_progress,
    goal_status,
    kr_frame,
    kr_progress,
    period_days,
    rank_initiatives,
    roll_up,
)
from worksmith.errors import ValidationError, WorksmithError

Q2_START, Q2_END = date(2026, 4, 1), date(2026, 6, 30)  # 30 + 31 + 30 = 91 days
DAY_50 = date(2026, 5, 20)  # 30 April days + 20 May days = day 50 of 91


def assert_clean(df: pd.DataFrame) -> None:
    """No NaN, NA or inf anywhere: undefined numbers must be None."""
    for column in df.columns:
        for value in df[column].tolist():
            if value is None or isinstance(value, (str, bool, date)):
                continue
            if isinstance(value, float):
                assert math.isfinite(value), f"{column}: {value}"
            assert value is not pd.NA and value is not pd.NaT, column


def goal(id, title, parent_id=None, weight=1.0, archived=False, start=Q2_START, end=Q2_END):
    return {"id": id, "parent_id": parent_id, "title": title, "weight": weight, "period_start": start,
            "period_end": end, "archived": archived}


def kr(id, goal_id, title, start, target, current, direction="up", weight=1.0):
    return {"id": id, "goal_id": goal_id, "title": title, "start_value": start, "target_value": target,
            "current_value": current, "direction": direction, "weight": weight}


GOAL_COLUMNS = ["id", "parent_id", "title", "weight", "period_start", "period_end", "archived"]
KR_COLUMNS = ["id", "goal_id", "title", "start_value", "target_value", "current_value", "direction", "weight"]


def frames(goals, krs):
    return pd.DataFrame(goals, columns=GOAL_COLUMNS), pd.DataFrame(krs, columns=KR_COLUMNS)


class TestKrProgress:
    def test_up(self):
        # raise NPS from 20 to 50, now 26: (26 − 20) / (50 − 20) = 6 / 30 = 0.2
        assert kr_progress(20, 50, 26, "up") == pytest.approx(0.2)

    def test_down(self):
        # reduce churn from 8 % to 5 %, now 6.5 %: (6.5 − 8) / (5 − 8) = −1.5 / −3 = 0.5
        assert kr_progress(8, 5, 6.5, "down") == 0.5

    def test_down_clamped_below_when_worse_than_start(self):
        # churn rose to 9 %: (9 − 8) / (5 − 8) = −0.33 → 0
        assert kr_progress(8, 5, 9, "down") == 0.0

    def test_down_clamped_above_when_past_target(self):
        # churn fell to 4 %: (4 − 8) / (5 − 8) = 1.33 → 1
        assert kr_progress(8, 5, 4, "down") == 1.0

    def test_up_clamped_both_ends(self):
        assert kr_progress(20, 50, 10, "up") == 0.0  # (10 − 20) / 30 = −0.33
        assert kr_progress(20, 50, 80, "up") == 1.0  # (80 − 20) / 30 = 2

    def test_numbers_win_over_a_contradicting_direction(self):
        # "down" typed with target 8 above start 5: the numbers say higher is better, (6.5 − 5) / (8 − 5) = 0.5
        assert kr_progress(5, 8, 6.5, "down") == 0.5
        # direction left at "up" for a reduce-churn KR: still 0.5
        assert kr_progress(8, 5, 6.5, "up") == 0.5

    @pytest.mark.parametrize(
        ("direction", "current", "expected"),
        [("up", 5, 1.0), ("up", 6, 1.0), ("up", 4, 0.0), ("down", 5, 1.0), ("down", 4, 1.0), ("down", 6, 0.0)],
    )
    def test_target_equals_start(self, direction, current, expected):
        # keep at 5: done when at or past 5 in the right direction
        assert kr_progress(5, 5, current, direction) == expected

    def test_unknown_direction_refused(self):
        with pytest.raises(ValidationError, match="direction"):
            kr_progress(0, 1, 0.5, "sideways")

    @pytest.mark.parametrize("bad", [float("nan"), float("inf"), None, "lots"])
    def test_non_finite_refused(self, bad):
        with pytest.raises(ValidationError, match="current"):
            kr_progress(0, 1, bad, "up")

    def test_huge_values_do_not_overflow(self):
        # target − start overflows to inf; halving both keeps the ratio: 0 is half-way from −1e308 to 1e308
        assert kr_progress(-1e308, 1e308, 0, "up") == 0.5


class TestKrFrame:
    def test_adds_progress_and_explanation(self):
        krs = pd.DataFrame([kr(1, 1, "Churn", 8, 5, 6.5, "down"), kr(2, 1, "NPS", 20, 50, 80)], columns=KR_COLUMNS)
        out = kr_frame(krs)
        assert out["progress"].tolist() == [0.5, 1.0]
        assert out["explanation"].tolist() == ["(6.5 − 8) / (5 − 8) = 0.50",
                                               "(80 − 20) / (50 − 20) = 2.00 → clamped to 1.00"]
        assert "progress" not in krs.columns  # input untouched
        assert list(out.columns[: len(KR_COLUMNS)]) == KR_COLUMNS

    def test_direction_optional_and_mismatch_explained(self):
        krs = pd.DataFrame({"start_value": [5.0], "target_value": [8.0], "current_value": [6.5],
                            "direction": ["down"]})
        out = kr_frame(krs)
        assert out["progress"].tolist() == [0.5]
        assert "direction 'down' ignored" in out["explanation"].iloc[0]
        assert kr_frame(krs.drop(columns="direction"))["progress"].tolist() == [0.5]

    def test_bad_row_named(self):
        krs = pd.DataFrame([kr(1, 1, "Churn", 8, 5, float("nan"))], columns=KR_COLUMNS)
        with pytest.raises(ValidationError, match="Key result 'Churn'") as info:
            kr_frame(krs)
        assert info.value.row == 0


class TestExpectedProgress:
    def test_day_50_of_91(self):
        assert period_days(Q2_START, Q2_END, DAY_50) == (50, 91)
        assert expected_progress(Q2_START, Q2_END, DAY_50) == pytest.approx(50 / 91)

    def test_first_and_last_day(self):
        assert expected_progress(Q2_START, Q2_END, Q2_START) == pytest.approx(1 / 91)
        assert expected_progress(Q2_START, Q2_END, Q2_END) == 1.0

    def test_clamped_outside_the_period(self):
        assert expected_progress(Q2_START, Q2_END, date(2026, 3, 31)) == 0.0
        assert expected_progress(Q2_START, Q2_END, date(2027, 1, 1)) == 1.0

    def test_one_day_period(self):
        assert expected_progress(Q2_START, Q2_START, Q2_START) == 1.0

    def test_timestamps_accepted(self):
        assert expected_progress(pd.Timestamp(Q2_START), pd.Timestamp(Q2_END), pd.Timestamp(DAY_50)) == \
            pytest.approx(50 / 91)

    def test_end_before_start_refused(self):
        with pytest.raises(ValidationError, match="before period_start"):
            expected_progress(Q2_END, Q2_START, DAY_50)


class TestGoalStatus:
    @pytest.mark.parametrize(
        ("progress", "expected", "status"),
        [
            (0.21, 0.3, "on track"),  # ratio 0.7 exactly: the boundary is on track
            (0.07, 0.1, "on track"),  # 0.7000000000000001
            (0.20, 0.3, "at risk"),  # 0.667
            (0.12, 0.3, "at risk"),  # 0.4 exactly: the boundary is at risk
            (0.04, 0.1, "at risk"),  # 0.39999999999999997 in floating point, still 0.4
            (0.11, 0.3, "off track"),  # 0.367
            (0.0, 0.5, "off track"),
            (0.9, 0.5, "on track"),  # ahead of time: ratio 1.8
        ],
    )
    def test_thresholds(self, progress, expected, status):
        result = goal_status(progress, expected)
        assert result.status == status
        assert result.ratio == pytest.approx(progress / expected)

    def test_done_whatever_the_time(self):
        assert goal_status(1.0, 0.2) == GoalStatus("done", 5.0)
        assert goal_status(1.0, 0.0) == GoalStatus("done", None)

    def test_period_not_started(self):
        assert goal_status(0.0, 0.0) == GoalStatus("on track", None)

    def test_no_data(self):
        assert goal_status(None, 0.5) == GoalStatus("no data", None)
        assert goal_status(float("nan"), 0.5) == GoalStatus("no data", None)

    def test_unpacks_as_a_pair(self):
        status, ratio = goal_status(0.3, 0.6)
        assert (status, ratio) == ("at risk", 0.5)


class TestRollUp:
    def test_brief_example(self):
        # Goal 1 has KR Churn (8 → 5, now 6.5: 0.5) and child goal X (KR 0 → 100 now 30: 0.3), weights 1 and 1:
        # (0.5 × 1 + 0.3 × 1) / 2 = 0.40; expected on day 50 of 91 = 0.549; 0.40 / 0.549 = 0.728 → on track
        goals, krs = frames([goal(1, "Retain"), goal(2, "X", parent_id=1)],
                            [kr(1, 1, "Churn", 8, 5, 6.5, "down"), kr(2, 2, "Revenue", 0, 100, 30)])
        out = roll_up(goals, krs, DAY_50)
        assert list(out.columns) == ROLL_UP_COLUMNS
        top = out.iloc[0]
        assert top["progress"] == pytest.approx(0.4)
        assert top["expected"] == pytest.approx(50 / 91)
        assert top["ratio"] == pytest.approx(0.4 / (50 / 91))
        assert top["status"] == "on track"
        assert top["explanation"] == ("(0.50 × 1 (KR 'Churn' 8 → 5, now 6.5) + 0.30 × 1 (goal 'X')) / 2 = 0.40; "
                                      "expected 0.55 (day 50 of 91); 0.40 / 0.55 = 0.73 ≥ 0.7 → on track")
        child = out.iloc[1]
        assert child["progress"] == pytest.approx(0.3)
        assert child["status"] == "at risk"  # 0.3 / 0.549 = 0.546
        assert_clean(out)

    def test_kr_weights(self):
        # KR A 0.2 weight 3, KR B 1.0 weight 1: (0.6 + 1.0) / 4 = 0.4
        goals, krs = frames([goal(1, "G")], [kr(1, 1, "A", 0, 10, 2, weight=3), kr(2, 1, "B", 0, 10, 10, weight=1)])
        assert roll_up(goals, krs, DAY_50)["progress"].iloc[0] == pytest.approx(0.4)

    def test_missing_weight_counts_one(self):
        goals, krs = frames([goal(1, "G")], [kr(1, 1, "A", 0, 10, 2, weight=None), kr(2, 1, "B", 0, 10, 10, weight=1)])
        assert roll_up(goals, krs, DAY_50)["progress"].iloc[0] == pytest.approx(0.6)  # (0.2 + 1.0) / 2

    def test_zero_total_weight_counts_equal(self):
        goals, krs = frames([goal(1, "G")], [kr(1, 1, "A", 0, 10, 2, weight=0), kr(2, 1, "B", 0, 10, 10, weight=0)])
        out = roll_up(goals, krs, DAY_50)
        assert out["progress"].iloc[0] == pytest.approx(0.6)
        assert out["explanation"].iloc[0].startswith("all weights 0, so equal weights: (0.20 (KR 'A'")

    def test_child_goal_weight(self):
        # parent: own KR 1.0 (weight 1) and child goal at 0.25 with goal weight 3: (1.0 + 0.75) / 4 = 0.4375
        goals, krs = frames([goal(1, "P"), goal(2, "C", parent_id=1, weight=3)],
                            [kr(1, 1, "Own", 0, 4, 4), kr(2, 2, "Child", 0, 4, 1)])
        out = roll_up(goals, krs, DAY_50).set_index("id")
        assert out.loc[1, "progress"] == pytest.approx(0.4375)
        assert out.loc[1, "n_krs"] == 1 and out.loc[1, "n_children"] == 1

    def test_three_levels(self):
        # grandchild 0.5 → child (only the grandchild) 0.5 → top: (0.5 + KR 0.1) / 2 = 0.3
        goals, krs = frames([goal(1, "Top"), goal(2, "Mid", parent_id=1), goal(3, "Leaf", parent_id=2)],
                            [kr(1, 3, "L", 0, 10, 5), kr(2, 1, "T", 0, 10, 1)])
        out = roll_up(goals, krs, DAY_50)
        assert out["id"].tolist() == [1, 2, 3]
        assert out["depth"].tolist() == [0, 1, 2]
        assert out["progress"].tolist() == pytest.approx([0.3, 0.5, 0.5])

    def test_goal_without_data(self):
        goals, krs = frames([goal(1, "Empty")], [])
        out = roll_up(goals, krs, DAY_50)
        assert out["progress"].tolist() == [None]
        assert out["ratio"].tolist() == [None]
        assert out["status"].tolist() == ["no data"]
        assert_clean(out)

    def test_child_without_data_is_left_out(self):
        # parent KR 0.5; child goal has nothing → parent stays 0.5, and says why
        goals, krs = frames([goal(1, "P"), goal(2, "Empty", parent_id=1)], [kr(1, 1, "K", 0, 2, 1)])
        out = roll_up(goals, krs, DAY_50).set_index("id")
        assert out.loc[1, "progress"] == 0.5
        assert "goal 'Empty' has no data and is left out" in out.loc[1, "explanation"]
        assert out.loc[2, "status"] == "no data"

    def test_parent_with_only_empty_children_has_no_data(self):
        goals, krs = frames([goal(1, "P"), goal(2, "C", parent_id=1)], [])
        assert roll_up(goals, krs, DAY_50)["status"].tolist() == ["no data", "no data"]

    def test_archived_goals_and_their_krs_left_out(self):
        # goal 2 archived: its KR (1.0) does not count; its child 3 becomes a top goal
        goals, krs = frames([goal(1, "P"), goal(2, "Old", parent_id=1, archived=True), goal(3, "C", parent_id=2)],
                            [kr(1, 1, "K", 0, 10, 2), kr(2, 2, "Gone", 0, 10, 10), kr(3, 3, "L", 0, 10, 6)])
        out = roll_up(goals, krs, DAY_50)
        assert out["id"].tolist() == [1, 3]
        assert out["parent_id"].tolist() == [None, None]
        assert out["depth"].tolist() == [0, 0]
        assert out["progress"].tolist() == pytest.approx([0.2, 0.6])

    def test_depth_first_order_keeps_sibling_order(self):
        goals, krs = frames([goal(5, "B-child", parent_id=2), goal(1, "A"), goal(2, "B"), goal(3, "A-child", 1),
                             goal(4, "A-grandchild", 3)], [])
        out = roll_up(goals, krs, DAY_50)
        assert out["id"].tolist() == [1, 3, 4, 2, 5]
        assert out["depth"].tolist() == [0, 1, 2, 0, 1]
        assert out["parent_id"].tolist() == [None, 1, 3, None, 2]

    def test_float_ids_from_pandas(self):
        # ids read back through pandas often come as floats (1.0) with NaN for "no parent"
        goals = pd.DataFrame({"id": [1.0, 2.0], "parent_id": [float("nan"), 1.0], "title": ["P", "C"],
                              "period_start": [Q2_START] * 2, "period_end": [Q2_END] * 2})
        krs = pd.DataFrame({"goal_id": [2.0], "start_value": [0.0], "target_value": [4.0], "current_value": [1.0]})
        out = roll_up(goals, krs, DAY_50)
        assert out["id"].tolist() == [1, 2]
        assert out["progress"].tolist() == [0.25, 0.25]

    def test_before_the_period(self):
        goals, krs = frames([goal(1, "G")], [kr(1, 1, "K", 0, 10, 0)])
        out = roll_up(goals, krs, date(2026, 3, 1))
        assert (out["expected"].iloc[0], out["status"].iloc[0], out["ratio"].iloc[0]) == (0.0, "on track", None)
        assert "period starts Wed 1 Apr 2026" in out["explanation"].iloc[0]

    def test_after_the_period(self):
        goals, krs = frames([goal(1, "G")], [kr(1, 1, "K", 0, 10, 10)])
        out = roll_up(goals, krs, date(2026, 8, 1))
        assert out["status"].iloc[0] == "done"
        assert "period ended Tue 30 Jun 2026" in out["explanation"].iloc[0]

    def test_empty_frames(self):
        goals, krs = frames([], [])
        out = roll_up(goals, krs, DAY_50)
        assert out.empty and list(out.columns) == ROLL_UP_COLUMNS

    def test_cycle_refused_with_names(self):
        goals, krs = frames([goal(1, "Top"), goal(2, "A", parent_id=3), goal(3, "B", parent_id=2)], [])
        with pytest.raises(ValidationError, match=r"cycle: 2 'A' → 3 'B' → 2 'A'") as info:
            roll_up(goals, krs, DAY_50)
        assert info.value.field == "parent_id"
        assert isinstance(info.value, WorksmithError)

    def test_self_parent_refused(self):
        goals, krs = frames([goal(7, "Loop", parent_id=7)], [])
        with pytest.raises(ValidationError, match=r"7 'Loop' → 7 'Loop'"):
            roll_up(goals, krs, DAY_50)

    def test_duplicate_id_refused(self):
        goals, krs = frames([goal(1, "A"), goal(1, "B")], [])
        with pytest.raises(ValidationError, match="appears twice"):
            roll_up(goals, krs, DAY_50)

    def test_negative_weight_refused(self):
        goals, krs = frames([goal(1, "G")], [kr(1, 1, "K", 0, 10, 5, weight=-1)])
        with pytest.raises(ValidationError, match="Key result 'K'.*negative"):
            roll_up(goals, krs, DAY_50)

    def test_missing_column_refused(self):
        goals, krs = frames([goal(1, "G")], [])
        with pytest.raises(ValidationError, match="period_end"):
            roll_up(goals.drop(columns="period_end"), krs, DAY_50)

    def test_inputs_not_modified(self):
        goals, krs = frames([goal(1, "G")], [kr(1, 1, "K", 0, 10, 5)])
        before_g, before_k = goals.copy(), krs.copy()
        roll_up(goals, krs, DAY_50)
        pd.testing.assert_frame_equal(goals, before_g)
        pd.testing.assert_frame_equal(krs, before_k)


CANDIDATE_COLUMNS = ["id", "name", "value", "alignment", "cost", "effort_hours", "risk"]


def candidates(*rows):
    return pd.DataFrame(list(rows), columns=CANDIDATE_COLUMNS)


class TestRankInitiatives:
    # A: best on everything; B: middle (cost worst); C: worst except cost (middle)
    ABC = candidates((1, "A", 5, 1.0, 100, 50, 1), (2, "B", 3, 0.5, 300, 100, 3), (3, "C", 1, 0.0, 200, 150, 5))

    def test_equal_weights(self):
        # normalised (1 = best): value A1 B.5 C0 · alignment A1 B.5 C0 · cost↓ (100..300) A1 B0 C.5
        # effort↓ (50..150) A1 B.5 C0 · risk↓ (1..5) A1 B.5 C0
        # scores: A 100; B 100 × 2/5 = 40; C 100 × 0.5/5 = 10
        out = rank_initiatives(self.ABC, {})
        assert out["name"].tolist() == ["A", "B", "C"]
        assert out["rank"].tolist() == [1, 2, 3]
        assert out["score"].tolist() == pytest.approx([100, 40, 10])
        assert out.loc[2, "n_cost"] == 0.5
        assert out.loc[1, "explanation"] == ("score = 100 × (1×0.50 value + 1×0.50 alignment + 1×0.00 cost↓ + "
                                             "1×0.50 effort_hours↓ + 1×0.50 risk↓) / 5 = 40")

    def test_weights_change_the_order(self):
        # cost weight 3, the others 1 (missing keys count 1), total 7:
        # B = 100 × (0.5 + 0.5 + 0 + 0.5 + 0.5) / 7 = 28.57; C = 100 × (3 × 0.5) / 7 = 21.43
        out = rank_initiatives(self.ABC, {"cost": 3})
        assert out["score"].tolist() == pytest.approx([100, 200 / 7, 150 / 7])
        # only cost counts: C (0.5) overtakes B (0)
        out = rank_initiatives(self.ABC, {"value": 0, "alignment": 0, "cost": 1, "effort_hours": 0, "risk": 0})
        assert out["name"].tolist() == ["A", "C", "B"]
        assert out["score"].tolist() == pytest.approx([100, 50, 0])

    def test_all_weights_zero_count_equal(self):
        zero = {"value": 0, "alignment": 0, "cost": 0, "effort_hours": 0, "risk": 0}
        out = rank_initiatives(self.ABC, zero)
        assert out["score"].tolist() == pytest.approx([100, 40, 10])
        assert out["explanation"].iloc[0].startswith("all weights 0")

    def test_tie_broken_by_value_then_input_order(self):
        # only value and cost count: P (value 5, cost 200) and Q (value 1, cost 100) both score 50
        weights = {"value": 1, "alignment": 0, "cost": 1, "effort_hours": 0, "risk": 0}
        out = rank_initiatives(candidates((1, "Q", 1, 0.5, 100, 10, 2), (2, "P", 5, 0.5, 200, 10, 2)), weights)
        assert out["score"].tolist() == [50, 50]
        assert out["name"].tolist() == ["P", "Q"]
        # identical candidates keep input order
        out = rank_initiatives(candidates((9, "X", 3, 0.5, 1, 1, 1), (4, "Y", 3, 0.5, 1, 1, 1)))
        assert out["name"].tolist() == ["X", "Y"]

    def test_single_candidate_scores_100(self):
        out = rank_initiatives(candidates((1, "Only", 2, 0.1, 999, 10, 4)))
        assert out["score"].tolist() == [100.0]

    def test_empty(self):
        out = rank_initiatives(candidates())
        assert out.empty and {"rank", "score", "explanation"} <= set(out.columns)

    @pytest.mark.parametrize(("column", "bad"), [("value", 6), ("alignment", 1.5), ("risk", 0), ("cost", -1)])
    def test_out_of_range_refused(self, column, bad):
        frame = self.ABC.copy()
        frame.loc[1, column] = bad
        with pytest.raises(ValidationError, match=f"Candidate 'B': {column}") as info:
            rank_initiatives(frame)
        assert info.value.row == 1

    def test_unknown_criterion_refused(self):
        with pytest.raises(ValidationError, match="Unknown criterion 'valeu'"):
            rank_initiatives(self.ABC, {"valeu": 2})


DEMAND_COLUMNS = ["id", "name", "team_id", "month", "hours"]
APR, MAY = date(2026, 4, 1), date(2026, 5, 1)


class TestCapacityCutLine:
    # free: team 1 has 100 h in April and May, team 2 has 50 h in April, team 3 nothing
    FREE = pd.DataFrame({"team_id": [1, 1, 2], "month": [APR, MAY, APR], "free_hours": [100.0, 100.0, 50.0]})
    DEMAND = pd.DataFrame([
        (1, "A", 1, APR, 60.0), (1, "A", 2, APR, 30.0),  # fits: 60 ≤ 100, 30 ≤ 50
        (2, "B", 1, APR, 50.0),  # 60 + 50 = 110 > 100: short 10, skipped
        (3, "C", 1, APR, 40.0), (3, "C", 1, MAY, 80.0),  # 60 + 40 = 100 ≤ 100 (exactly full), 80 ≤ 100: fits
        (4, "D", 3, APR, 10.0),  # team 3 has no free hours: short 10
    ], columns=DEMAND_COLUMNS)

    def test_skipped_candidate_consumes_nothing(self):
        out = capacity_cut_line(self.DEMAND, self.FREE)
        assert list(out.columns) == CUT_LINE_COLUMNS
        assert out["name"].tolist() == ["A", "B", "C", "D"]
        assert out["rank"].tolist() == [1, 2, 3, 4]
        assert out["hours"].tolist() == [90, 50, 120, 10]
        assert out["fits"].tolist() == [True, False, True, False]
        assert out["above_line"].tolist() == [True, False, False, False]
        assert out["committed_hours"].tolist() == [90, 90, 210, 210]
        b = out.iloc[1]
        assert (b["shortfall_team"], b["shortfall_month"], b["shortfall_hours"]) == (1, APR, 10.0)
        assert b["explanation"] == ("does not fit: team 1 in Apr 2026 has 100 h free, 60 h already committed by "
                                    "earlier candidates, this needs 50 h → short 10 h; skipped, commits no hours")
        assert out.iloc[0]["shortfall_team"] is None and out.iloc[0]["shortfall_hours"] is None
        d = out.iloc[3]
        assert (d["shortfall_team"], d["shortfall_hours"]) == (3, 10.0)
        assert_clean(out)

    def test_detail_shows_cumulative_hours(self):
        detail = capacity_cut_line_detail(self.DEMAND, self.FREE)
        assert list(detail.columns) == CUT_LINE_DETAIL_COLUMNS
        t1_april = detail[(detail["team_id"] == 1) & (detail["month"] == APR)]
        assert t1_april["name"].tolist() == ["A", "B", "C"]
        assert t1_april["committed_before"].tolist() == [0, 60, 60]
        assert t1_april["committed_after"].tolist() == [60, 60, 100]
        assert t1_april["short_hours"].tolist() == [0, 10, 0]

    def test_rank_column_and_month_formats(self):
        # rows out of order but with a rank column; months as strings and mid-month dates
        demand = pd.DataFrame({"rank": [2, 1], "id": ["b", "a"], "name": ["B", "A"], "team_id": [1, 1],
                               "month": ["2026-04", date(2026, 4, 17)], "hours": [30.0, 80.0]})
        free = pd.DataFrame({"team_id": [1], "month": [pd.Timestamp("2026-04-01")], "free_hours": [100.0]})
        out = capacity_cut_line(demand, free)
        assert out["id"].tolist() == ["a", "b"]
        assert out["fits"].tolist() == [True, False]
        assert out["shortfall_hours"].iloc[1] == pytest.approx(10)

    def test_a_smaller_later_candidate_still_fits(self):
        demand = pd.DataFrame([(1, "Big", 1, APR, 150.0), (2, "Small", 1, APR, 20.0)], columns=DEMAND_COLUMNS)
        out = capacity_cut_line(demand, self.FREE)
        assert out["fits"].tolist() == [False, True]
        assert out["above_line"].tolist() == [False, False]

    def test_candidate_without_demand_fits(self):
        demand = pd.DataFrame([(1, "Free", 1, APR, 0.0)], columns=DEMAND_COLUMNS)
        out = capacity_cut_line(demand, self.FREE)
        assert out["fits"].tolist() == [True] and out["hours"].tolist() == [0]
        assert out["explanation"].tolist() == ["fits: needs no hours"]

    def test_empty(self):
        out = capacity_cut_line(pd.DataFrame(columns=DEMAND_COLUMNS), self.FREE)
        assert out.empty and list(out.columns) == CUT_LINE_COLUMNS

    def test_negative_hours_refused(self):
        demand = pd.DataFrame([(1, "Odd", 1, APR, -5.0)], columns=DEMAND_COLUMNS)
        with pytest.raises(ValidationError, match="negative hours"):
            capacity_cut_line(demand, self.FREE)
