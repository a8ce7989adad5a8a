"""More hand-worked examples for worksmith.goals: roll-up edge cases, the cut line, and the planning inputs
(candidate value from ROI, alignment, values as of a day, next quarter, monthly spread, operation hours)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from worksmith.domain.goals import (
    alignment_score,
    candidate_value,
    capacity_cut_line,
    capacity_cut_line_detail,
    next_quarter,
    operation_hours,
    roll_up,
    spread_monthly,
    values_as_of,
)
from worksmith.errors import ValidationError

Q4 = (date(2026, 10, 1), date(2026, 12, 31))  # 92 days
MID_NOV = date(2026, 11, 15)  # day 31 + 15 = 46 of 92: expected exactly 0.5

GOAL_COLUMNS = ["id", "parent_id", "title", "weight", "period_start", "period_end", "archived"]
KR_COLUMNS = ["id", "goal_id", "title", "start_value", "target_value", "current_value", "direction", "weight"]


def goals(*rows):
    return pd.DataFrame([(i, p, t, w, *Q4, False) for i, p, t, w in rows], columns=GOAL_COLUMNS)


def krs(*rows):
    return pd.DataFrame(rows, columns=KR_COLUMNS)


class TestRollUpEdgeCases:
    def test_reduce_churn_goal_with_weighted_down_krs(self):
        # churn 8 → 5 %, now 6.5: (6.5 − 8) / (5 − 8) = 0.5; cost 100 → 80, now 95: (95 − 100) / (80 − 100) = 0.25
        # weights 3 and 1: (0.5 × 3 + 0.25 × 1) / 4 = 0.4375; expected 0.5 → ratio 0.875 → on track
        out = roll_up(goals((1, None, "Keep customers", 1.0)),
                      krs((1, 1, "Churn", 8, 5, 6.5, "down", 3.0), (2, 1, "Cost", 100, 80, 95, "down", 1.0)), MID_NOV)
        row = out.iloc[0]
        assert row["progress"] == pytest.approx(0.4375)
        assert row["expected"] == pytest.approx(0.5)
        assert row["status"] == "on track"
        assert "0.50 × 3 (KR 'Churn' 8 → 5, now 6.5)" in row["explanation"]

    def test_over_achievement_is_clamped_before_the_mean(self):
        # KR A at 300 % counts 1, not 3: (1 + 0) / 2 = 0.5, not (3 + 0) / 2 = 1.5
        out = roll_up(goals((1, None, "G", 1.0)),
                      krs((1, 1, "A", 0, 10, 30, "up", 1.0), (2, 1, "B", 0, 10, 0, "up", 1.0)), MID_NOV)
        assert out.iloc[0]["progress"] == pytest.approx(0.5)
        assert out.iloc[0]["status"] == "on track"  # 0.5 / 0.5 = 1

    def test_worse_than_start_counts_zero_not_negative(self):
        # NPS fell from 30 to 20 (target 50): −0.5 → 0; with B at 0.6 the mean is 0.3, not 0.05
        out = roll_up(goals((1, None, "G", 1.0)),
                      krs((1, 1, "NPS", 30, 50, 20, "up", 1.0), (2, 1, "B", 0, 10, 6, "up", 1.0)), MID_NOV)
        assert out.iloc[0]["progress"] == pytest.approx(0.3)
        assert out.iloc[0]["status"] == "at risk"  # 0.3 / 0.5 = 0.6

    def test_zero_weight_kr_does_not_count(self):
        # (1 × 1 + 0 × 0) / 1 = 1 ... A done with weight 1, B at 0 with weight 0
        out = roll_up(goals((1, None, "G", 1.0)),
                      krs((1, 1, "A", 0, 10, 10, "up", 1.0), (2, 1, "B", 0, 10, 0, "up", 0.0)), MID_NOV)
        assert out.iloc[0]["progress"] == pytest.approx(1.0) and out.iloc[0]["status"] == "done"

    def test_child_weights_against_own_krs(self):
        # parent KR 0.2 (w 1); child A 1.0 (goal weight 2); child B 0.0 (goal weight 1): (0.2 + 2 + 0) / 4 = 0.55
        out = roll_up(goals((1, None, "P", 1.0), (2, 1, "A", 2.0), (3, 1, "B", 1.0)),
                      krs((1, 1, "p", 0, 10, 2, "up", 1.0), (2, 2, "a", 0, 10, 10, "up", 1.0),
                          (3, 3, "b", 0, 10, 0, "up", 1.0)), MID_NOV).set_index("title")
        assert out.loc["P", "progress"] == pytest.approx(0.55)
        assert out.loc["B", "status"] == "off track"  # 0 / 0.5

    def test_empty_goal_in_a_tree(self):
        # the empty child is "no data" and is left out of its parent's mean: parent = its own KR = 0.4
        out = roll_up(goals((1, None, "P", 1.0), (2, 1, "Empty", 1.0)),
                      krs((1, 1, "p", 0, 10, 4, "up", 1.0)), MID_NOV).set_index("title")
        assert out.loc["Empty", "status"] == "no data" and out.loc["Empty", "progress"] is None
        assert out.loc["P", "progress"] == pytest.approx(0.4)
        assert "goal 'Empty' has no data and is left out" in out.loc["P", "explanation"]

    def test_no_goals_at_all(self):
        out = roll_up(goals(), krs(), MID_NOV)
        assert out.empty


DEMAND = ["id", "name", "team_id", "month", "hours"]
JAN, FEB, MAR = date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)


class TestCutLineEdgeCases:
    FREE = pd.DataFrame({"team_id": ["Eng", "Eng", "Ops"], "month": [JAN, FEB, JAN], "free_hours": [100.0, 50, 40]})

    def test_exactly_full_fits_and_the_next_hour_does_not(self):
        demand = pd.DataFrame([(1, "A", "Eng", JAN, 100.0), (2, "B", "Eng", JAN, 0.5)], columns=DEMAND)
        out = capacity_cut_line(demand, self.FREE)
        assert out["fits"].tolist() == [True, False]
        assert out.iloc[1]["shortfall_hours"] == pytest.approx(0.5)

    def test_first_shortfall_is_the_earliest_month(self):
        # C is short in Feb (60 > 50) and in Jan for Ops (45 > 40): January comes first
        demand = pd.DataFrame([(3, "C", "Eng", FEB, 60.0), (3, "C", "Ops", JAN, 45.0)], columns=DEMAND)
        row = capacity_cut_line(demand, self.FREE).iloc[0]
        assert (row["shortfall_team"], row["shortfall_month"], row["shortfall_hours"]) == ("Ops", JAN, 5.0)

    def test_cumulative_over_several_candidates(self):
        # 30 + 30 + 30 = 90 ≤ 100 in Jan; the fourth (20) would make 110: short 10
        demand = pd.DataFrame([(i, f"C{i}", "Eng", JAN, h) for i, h in ((1, 30.0), (2, 30.0), (3, 30.0), (4, 20.0))],
                              columns=DEMAND)
        detail = capacity_cut_line_detail(demand, self.FREE)
        assert detail["committed_after"].tolist() == [30, 60, 90, 90]
        assert detail["short_hours"].tolist() == [0, 0, 0, 10]

    def test_team_without_free_hours(self):
        demand = pd.DataFrame([(1, "A", "Design", MAR, 1.0)], columns=DEMAND)
        row = capacity_cut_line(demand, self.FREE).iloc[0]
        assert not row["fits"] and row["shortfall_team"] == "Design" and row["shortfall_hours"] == 1.0


class TestCandidateValue:
    def test_from_roi(self):
        # benefit 40,000 / cost 10,000 = 4 → ROI 300 %, value 1 + log2(4) = 3
        value, text = candidate_value(10_000, 40_000, 5)
        assert value == 3.0
        assert text == "ROI (40,000 − 10,000) / 10,000 = 300 %; 1 + log₂(4.00) = 3.00"

    def test_break_even_and_loss_score_one(self):
        assert candidate_value(10_000, 10_000, 4)[0] == 1.0  # 1 + log2(1) = 1
        value, text = candidate_value(10_000, 5_000, 4)  # 1 + log2(0.5) = 0 → clamped to 1
        assert value == 1.0 and "clamped to 1.00" in text and "−50 %" in text

    def test_capped_at_five(self):
        assert candidate_value(1_000, 100_000, 1)[0] == 5.0  # 1 + log2(100) = 7.6

    def test_without_roi_the_value_score_is_used(self):
        assert candidate_value(10_000, 0, 4) == (4.0, "no expected benefit entered, so the value score: 4")
        assert candidate_value(0, 50_000, 2) == (2.0, "no cost entered, so the value score: 2")

    def test_bad_value_score_refused(self):
        with pytest.raises(ValidationError) as err:
            candidate_value(1, 1, 7)
        assert err.value.field == "value_score"


def test_alignment_score():
    assert alignment_score(None, None) == (0.0, "serves no (active) goal → 0")
    assert alignment_score("Grow", "off track") == (1.0, "serves 'Grow' (off track) → 1")
    assert alignment_score("Grow", "at risk")[0] == 0.75
    assert alignment_score("Grow", "on track")[0] == 0.5
    assert alignment_score("Grow", "done")[0] == 0.25


def test_values_as_of():
    kr = pd.DataFrame({"id": [1, 2], "start_value": [10.0, 0.0], "current_value": [7.0, 3.0]})
    checks = pd.DataFrame({"id": [1, 2, 3, 4], "key_result_id": [1, 1, 1, 2],
                           "day": [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 9), date(2026, 11, 20)],
                           "value": [9.0, 8.5, 8.0, 3.0]})
    out = values_as_of(kr, checks, date(2026, 11, 12))
    # KR 1: two check-ins on 9 Nov, the later id (8.0) wins; KR 2: its only check-in is after the day → start
    assert out["current_value"].tolist() == [8.0, 0.0]
    assert kr["current_value"].tolist() == [7.0, 3.0]  # input untouched


@pytest.mark.parametrize(("today", "quarter"), [
    (date(2026, 11, 25), (date(2027, 1, 1), date(2027, 3, 31))),
    (date(2026, 1, 1), (date(2026, 4, 1), date(2026, 6, 30))),
    (date(2026, 3, 31), (date(2026, 4, 1), date(2026, 6, 30))),
    (date(2026, 8, 15), (date(2026, 10, 1), date(2026, 12, 31))),
])
def test_next_quarter(today, quarter):
    assert next_quarter(today) == quarter


class TestSpreadMonthly:
    def test_split_by_working_days(self):
        # Thu 29 Jan – Wed 4 Feb 2026: Thu, Fri in January (2 days), Mon–Wed in February (3): 10 h → 4 h and 6 h
        items = pd.DataFrame({"id": [7], "start": [date(2026, 1, 29)], "finish": [date(2026, 2, 4)], "hours": [10.0]})
        out = spread_monthly(items)
        assert out.to_dict("records") == [{"id": 7, "month": date(2026, 1, 1), "hours": 4.0},
                                          {"id": 7, "month": date(2026, 2, 1), "hours": 6.0}]

    def test_holidays_take_no_hours(self):
        # Thu 24 Dec 2026 – Mon 4 Jan 2027 with 25 Dec and 1 Jan off: Dec 24, 28–31 (5 days), Jan 4 (1 day) → 10 h, 2 h
        items = pd.DataFrame({"start": [date(2026, 12, 24)], "finish": [date(2027, 1, 4)], "hours": [12.0]})
        out = spread_monthly(items, [date(2026, 12, 25), date(2027, 1, 1)])
        assert out["hours"].tolist() == [10.0, 2.0]

    def test_weekend_window_and_missing_finish(self):
        # a milestone on Saturday 31 Jan 2026 with 3 h: no working day, all in January
        items = pd.DataFrame({"start": [date(2026, 1, 31)], "finish": [None], "hours": [3.0]})
        assert spread_monthly(items).to_dict("records") == [{"month": date(2026, 1, 1), "hours": 3.0}]

    def test_zero_hours_dropped_and_bad_rows_refused(self):
        zero = pd.DataFrame({"start": [date(2026, 1, 5)], "finish": [date(2026, 1, 9)], "hours": [0.0]})
        assert spread_monthly(zero).empty
        backwards = pd.DataFrame({"start": [date(2026, 1, 9)], "finish": [date(2026, 1, 5)], "hours": [1.0]})
        with pytest.raises(ValidationError, match="finishes"):
            spread_monthly(backwards)
        negative = pd.DataFrame({"start": [date(2026, 1, 5)], "finish": [date(2026, 1, 5)], "hours": [-1.0]})
        with pytest.raises(ValidationError, match="negative"):
            spread_monthly(negative)


def test_operation_hours():
    ops = pd.DataFrame({"id": [1, 2], "demand_hours_per_week": [10.0, 50.0], "active": [True, False]})
    recurring = pd.DataFrame({"operation_id": [1, 1, 2], "cadence": ["weekly", "monthly", "weekly"],
                              "hours": [2.0, 8.0, 5.0],
                              "anchor": [date(2026, 2, 2), date(2026, 1, 15), date(2026, 2, 2)]})
    # February 2026: 20 working days → 10 × 20 / 5 = 40 h; weekly Mondays 2, 9, 16, 23 → 4 × 2 = 8 h;
    # monthly on the 15th → 1 × 8 = 8 h; total 56 h. The inactive operation plans nothing.
    out = operation_hours(ops, recurring, date(2026, 2, 1), date(2026, 2, 28))
    assert out.to_dict() == {1: 56.0, 2: 0.0}
    assert all(math.isfinite(v) for v in out)
