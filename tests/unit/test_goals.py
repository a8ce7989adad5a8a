"""Hand-worked examples for worksmith.domain.goals: every expected number is worked out in the test from the inputs
(key-result progress, expected progress, status, roll-up and its edge cases, values as of a day)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from worksmith.domain.goals import (
    ROLL_UP_COLUMNS,
    GoalStatus,
    expected_progress,
    goal_status,
    kr_frame,
    kr_progress,
    period_days,
    roll_up,
    values_as_of,
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

    def test_summary_leads_with_plain_words(self):
        # the same tree: plain words first, the formula stays in the explanation. Churn 0.5 / 0.549 = 0.91 is not
        # behind; child X 0.3 / 0.549 = 0.55 would be at risk → behind
        goals, krs = frames([goal(1, "Retain"), goal(2, "X", parent_id=1)],
                            [kr(1, 1, "Churn", 8, 5, 6.5, "down"), kr(2, 2, "Revenue", 0, 100, 30)])
        out = roll_up(goals, krs, DAY_50)
        assert out["summary"].tolist() == [
            "0.40 done vs 0.55 expected by now: 0 of 1 key result behind, 1 of 1 child goal behind",
            "0.30 done vs 0.55 expected by now: 1 of 1 key result behind"]
        assert all("×" not in s and "=" not in s for s in out["summary"])

    def test_summary_counts_key_results_behind_and_no_data(self):
        # three KRs 0.1, 0.2, 0.9 on day 50 of 91 (expected 0.549): 0.1 and 0.2 are behind, 0.9 is not
        goals, krs = frames([goal(1, "G"), goal(2, "Empty")],
                            [kr(1, 1, "A", 0, 10, 1), kr(2, 1, "B", 0, 10, 2), kr(3, 1, "C", 0, 10, 9)])
        out = roll_up(goals, krs, DAY_50).set_index("title")
        assert out.loc["G", "summary"] == "0.40 done vs 0.55 expected by now: 2 of 3 key results behind"
        assert out.loc["Empty", "summary"] == "no key results or child goals with data yet"

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


Q4 = (date(2026, 10, 1), date(2026, 12, 31))  # 92 days
MID_NOV = date(2026, 11, 15)  # day 31 + 15 = 46 of 92: expected exactly 0.5


def q4_goals(*rows):
    return pd.DataFrame([(i, p, t, w, *Q4, False) for i, p, t, w in rows], columns=GOAL_COLUMNS)


def q4_krs(*rows):
    return pd.DataFrame(rows, columns=KR_COLUMNS)


class TestRollUpEdgeCases:
    def test_reduce_churn_goal_with_weighted_down_krs(self):
        # churn 8 → 5 %, now 6.5: (6.5 − 8) / (5 − 8) = 0.5; cost 100 → 80, now 95: (95 − 100) / (80 − 100) = 0.25
        # weights 3 and 1: (0.5 × 3 + 0.25 × 1) / 4 = 0.4375; expected 0.5 → ratio 0.875 → on track
        out = roll_up(q4_goals((1, None, "Keep customers", 1.0)),
                      q4_krs((1, 1, "Churn", 8, 5, 6.5, "down", 3.0), (2, 1, "Cost", 100, 80, 95, "down", 1.0)),
                      MID_NOV)
        row = out.iloc[0]
        assert row["progress"] == pytest.approx(0.4375)
        assert row["expected"] == pytest.approx(0.5)
        assert row["status"] == "on track"
        assert "0.50 × 3 (KR 'Churn' 8 → 5, now 6.5)" in row["explanation"]

    def test_over_achievement_is_clamped_before_the_mean(self):
        # KR A at 300 % counts 1, not 3: (1 + 0) / 2 = 0.5, not (3 + 0) / 2 = 1.5
        out = roll_up(q4_goals((1, None, "G", 1.0)),
                      q4_krs((1, 1, "A", 0, 10, 30, "up", 1.0), (2, 1, "B", 0, 10, 0, "up", 1.0)), MID_NOV)
        assert out.iloc[0]["progress"] == pytest.approx(0.5)
        assert out.iloc[0]["status"] == "on track"  # 0.5 / 0.5 = 1

    def test_worse_than_start_counts_zero_not_negative(self):
        # NPS fell from 30 to 20 (target 50): −0.5 → 0; with B at 0.6 the mean is 0.3, not 0.05
        out = roll_up(q4_goals((1, None, "G", 1.0)),
                      q4_krs((1, 1, "NPS", 30, 50, 20, "up", 1.0), (2, 1, "B", 0, 10, 6, "up", 1.0)), MID_NOV)
        assert out.iloc[0]["progress"] == pytest.approx(0.3)
        assert out.iloc[0]["status"] == "at risk"  # 0.3 / 0.5 = 0.6

    def test_zero_weight_kr_does_not_count(self):
        # (1 × 1 + 0 × 0) / 1 = 1 ... A done with weight 1, B at 0 with weight 0
        out = roll_up(q4_goals((1, None, "G", 1.0)),
                      q4_krs((1, 1, "A", 0, 10, 10, "up", 1.0), (2, 1, "B", 0, 10, 0, "up", 0.0)), MID_NOV)
        assert out.iloc[0]["progress"] == pytest.approx(1.0) and out.iloc[0]["status"] == "done"

    def test_child_weights_against_own_krs(self):
        # parent KR 0.2 (w 1); child A 1.0 (goal weight 2); child B 0.0 (goal weight 1): (0.2 + 2 + 0) / 4 = 0.55
        out = roll_up(q4_goals((1, None, "P", 1.0), (2, 1, "A", 2.0), (3, 1, "B", 1.0)),
                      q4_krs((1, 1, "p", 0, 10, 2, "up", 1.0), (2, 2, "a", 0, 10, 10, "up", 1.0),
                          (3, 3, "b", 0, 10, 0, "up", 1.0)), MID_NOV).set_index("title")
        assert out.loc["P", "progress"] == pytest.approx(0.55)
        assert out.loc["B", "status"] == "off track"  # 0 / 0.5

    def test_empty_goal_in_a_tree(self):
        # the empty child is "no data" and is left out of its parent's mean: parent = its own KR = 0.4
        out = roll_up(q4_goals((1, None, "P", 1.0), (2, 1, "Empty", 1.0)),
                      q4_krs((1, 1, "p", 0, 10, 4, "up", 1.0)), MID_NOV).set_index("title")
        assert out.loc["Empty", "status"] == "no data" and out.loc["Empty", "progress"] is None
        assert out.loc["P", "progress"] == pytest.approx(0.4)
        assert "goal 'Empty' has no data and is left out" in out.loc["P", "explanation"]

    def test_no_goals_at_all(self):
        out = roll_up(q4_goals(), q4_krs(), MID_NOV)
        assert out.empty


def test_values_as_of():
    kr = pd.DataFrame({"id": [1, 2], "start_value": [10.0, 0.0], "current_value": [7.0, 3.0]})
    checks = pd.DataFrame({"id": [1, 2, 3, 4], "key_result_id": [1, 1, 1, 2],
                           "day": [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 9), date(2026, 11, 20)],
                           "value": [9.0, 8.5, 8.0, 3.0]})
    out = values_as_of(kr, checks, date(2026, 11, 12))
    # KR 1: two check-ins on 9 Nov, the later id (8.0) wins; KR 2: its only check-in is after the day → start
    assert out["current_value"].tolist() == [8.0, 0.0]
    assert kr["current_value"].tolist() == [7.0, 3.0]  # input untouched
