"""Hand-worked examples for worksmith.domain.initiatives: ranking, the capacity cut line and its edge cases, and the
planning inputs (candidate value from ROI, alignment, next quarter, monthly spread, operation hours)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from worksmith.domain.initiatives import (
    CUT_LINE_COLUMNS,
    CUT_LINE_DETAIL_COLUMNS,
    alignment_score,
    candidate_value,
    capacity_cut_line,
    capacity_cut_line_detail,
    next_quarter,
    operation_hours,
    rank_initiatives,
    spread_monthly,
)
from worksmith.errors import ValidationError


def assert_clean(df: pd.DataFrame) -> None:
    """No NaN, NA or inf anywhere: undefined numbers must be None."""
    bad = [(c, v) for c in df.columns for v in df[c].tolist()
           if v is pd.NA or v is pd.NaT or (isinstance(v, float) and not math.isfinite(v))]
    assert not bad, bad


CANDIDATE_COLUMNS = ["id", "name", "value", "alignment", "cost", "effort_hours", "risk"]


def candidates(*rows):
    return pd.DataFrame(list(rows), columns=CANDIDATE_COLUMNS)


class TestRankInitiatives:
    # A: best on everything; B: middle (cost worst); C: worst except cost (middle)
    ABC = candidates((1, "A", 5, 1.0, 100, 50, 1), (2, "B", 3, 0.5, 300, 100, 3), (3, "C", 1, 0.0, 200, 150, 5))
    REFS = {"cost": 100, "effort_hours": 100}  # half marks at 100 and 100 h: easy numbers

    def test_equal_weights_on_absolute_scales(self):
        # value (v − 1)/4 · alignment as is · risk (5 − r)/4 · cost 100/(100 + c) · effort 100/(100 + h)
        # A: 1 + 1 + 0.5 + 2/3 + 1 = 4.1667 → 83.3; B: .5 + .5 + .25 + .5 + .5 = 2.25 → 45;
        # C: 0 + 0 + 1/3 + 0.4 + 0 = 0.7333 → 14.7
        out = rank_initiatives(self.ABC, {}, self.REFS)
        assert out["name"].tolist() == ["A", "B", "C"]
        assert out["rank"].tolist() == [1, 2, 3]
        assert out["score"].tolist() == pytest.approx([250 / 3, 45, 220 / 15])
        assert out.loc[2, "n_cost"] == pytest.approx(1 / 3)
        assert out.loc[1, "explanation"] == ("score = 100 × (1×0.50 value + 1×0.50 alignment + 1×0.25 cost↓ + "
                                             "1×0.50 effort_hours↓ + 1×0.50 risk↓) / 5 = 45")
        assert out["estimated"].all() and out["needs"].isna().all()

    def test_default_references(self):
        # half marks at 50,000 and 500 h: a candidate at exactly both, value 3, alignment 0.5, risk 3 scores 50
        out = rank_initiatives(candidates((1, "Mid", 3, 0.5, 50_000, 500, 3)))
        assert out["score"].tolist() == [50.0]

    def test_adding_candidates_changes_no_other_score(self):
        before = rank_initiatives(self.ABC, {}, self.REFS).set_index("name")["score"]
        # an empty candidate (a converted request: €0 and 0 h) and an extreme one
        more = pd.concat([self.ABC, candidates((4, "Empty", 3, 0.5, 0, 0, 3), (5, "Huge", 1, 0, 1e9, 1e5, 5))],
                         ignore_index=True)
        after = rank_initiatives(more, {}, self.REFS).set_index("name")["score"]
        assert after[["A", "B", "C"]].tolist() == pytest.approx(before[["A", "B", "C"]].tolist())

    def test_a_candidate_without_an_estimate_is_not_scored(self):
        more = pd.concat([candidates((4, "Empty", 3, 0.5, 0, 0, 3), (6, "No hours", 5, 1, 1000, None, 1)),
                          self.ABC], ignore_index=True)
        out = rank_initiatives(more, {}, self.REFS)
        # ranked ones first, then the two that need an estimate in input order, without rank or score
        assert out["name"].tolist() == ["A", "B", "C", "Empty", "No hours"]
        assert out["rank"].tolist() == [1, 2, 3, None, None]
        assert out["score"].tolist()[3:] == [None, None]
        assert out["estimated"].tolist() == [True, True, True, False, False]
        assert out["needs"].tolist()[3:] == ["no hours and no cost", "no hours"]
        assert out.loc[3, "explanation"].startswith("needs an estimate (no hours and no cost)")
        assert out.loc[3, "n_value"] is None

    def test_weights_change_the_order(self):
        # cost weight 3, the others 1, total 7: A = 100 × (1 + 1 + 3 × .5 + 2/3 + 1) / 7 = 73.8;
        # B = 100 × (.5 + .5 + 3 × .25 + .5 + .5) / 7 = 39.3; C = 100 × (3 × 1/3 + 0.4) / 7 = 20
        out = rank_initiatives(self.ABC, {"cost": 3}, self.REFS)
        assert out["score"].tolist() == pytest.approx([100 * (4.5 + 2 / 3) / 7, 100 * 2.75 / 7, 20])
        # only cost counts: C (1/3) overtakes B (1/4)
        out = rank_initiatives(self.ABC, {"value": 0, "alignment": 0, "cost": 1, "effort_hours": 0, "risk": 0},
                               self.REFS)
        assert out["name"].tolist() == ["A", "C", "B"]
        assert out["score"].tolist() == pytest.approx([50, 100 / 3, 25])

    def test_all_weights_zero_count_equal(self):
        zero = {"value": 0, "alignment": 0, "cost": 0, "effort_hours": 0, "risk": 0}
        out = rank_initiatives(self.ABC, zero, self.REFS)
        assert out["score"].tolist() == pytest.approx([250 / 3, 45, 220 / 15])
        assert out["explanation"].iloc[0].startswith("all weights 0")

    def test_tie_broken_by_value_then_input_order(self):
        # only value and risk count: P (value 5, risk 5) and Q (value 1, risk 1) both score 50
        weights = {"value": 1, "alignment": 0, "cost": 0, "effort_hours": 0, "risk": 1}
        out = rank_initiatives(candidates((1, "Q", 1, 0.5, 100, 10, 1), (2, "P", 5, 0.5, 200, 10, 5)), weights)
        assert out["score"].tolist() == [50, 50]
        assert out["name"].tolist() == ["P", "Q"]
        # identical candidates keep input order
        out = rank_initiatives(candidates((9, "X", 3, 0.5, 1, 1, 1), (4, "Y", 3, 0.5, 1, 1, 1)))
        assert out["name"].tolist() == ["X", "Y"]

    def test_a_single_candidate_is_scored_on_its_own_numbers(self):
        # no longer 100 just for being alone: value 2 → .25, alignment .1, cost 100/1099, effort 100/110, risk 4 → .25
        out = rank_initiatives(candidates((1, "Only", 2, 0.1, 999, 10, 4)), {}, self.REFS)
        assert out["score"].tolist() == pytest.approx([100 * (0.25 + 0.1 + 100 / 1099 + 100 / 110 + 0.25) / 5])

    def test_empty(self):
        out = rank_initiatives(candidates())
        assert out.empty and {"rank", "score", "explanation", "estimated"} <= set(out.columns)

    def test_bad_reference_refused(self):
        with pytest.raises(ValidationError, match="reference for cost"):
            rank_initiatives(self.ABC, {}, {"cost": 0})

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


DEMAND = ["id", "name", "team_id", "month", "hours"]
JAN, FEB, MAR = date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)


class TestCutLineEdgeCases:
    FREE = pd.DataFrame({"team_id": ["Eng", "Eng", "Ops"], "month": [JAN, FEB, JAN], "free_hours": [100.0, 50, 40]})

    def test_exactly_full_fits_and_the_next_hour_does_not(self):
        demand = pd.DataFrame([(1, "A", "Eng", JAN, 100.0), (2, "B", "Eng", JAN, 0.5)], columns=DEMAND)
        out = capacity_cut_line(demand, self.FREE)
        assert out["fits"].tolist() == [True, False]
        assert out.iloc[1]["shortfall_hours"] == pytest.approx(0.5)

    def test_the_worst_shortfall_is_named_first(self):
        # C is short 5 h for Ops in Jan (45 > 40) and 160 h for Eng in Feb (210 > 50): Feb is named first, then Jan
        demand = pd.DataFrame([(3, "C", "Ops", JAN, 45.0), (3, "C", "Eng", FEB, 210.0)], columns=DEMAND)
        row = capacity_cut_line(demand, self.FREE).iloc[0]
        assert (row["shortfall_team"], row["shortfall_month"], row["shortfall_hours"]) == ("Eng", FEB, 160.0)
        assert row["explanation"] == ("does not fit: team Eng in Feb 2027 has 50 h free, 0 h already committed by "
                                      "earlier candidates, this needs 210 h → short 160 h; also short: team Ops in "
                                      "Jan 2027 5 h; skipped, commits no hours")

    def test_equal_shortfalls_name_the_earlier_month(self):
        demand = pd.DataFrame([(3, "C", "Eng", FEB, 55.0), (3, "C", "Ops", JAN, 45.0)], columns=DEMAND)
        row = capacity_cut_line(demand, self.FREE).iloc[0]
        assert (row["shortfall_team"], row["shortfall_month"], row["shortfall_hours"]) == ("Ops", JAN, 5.0)

    def test_work_in_a_month_without_capacity_listed_does_not_fit(self):
        # the candidate's work falls in April, outside the months with free hours listed: judged there, 0 free
        demand = pd.DataFrame([(1, "Later", "Eng", date(2027, 4, 1), 10.0)], columns=DEMAND)
        row = capacity_cut_line(demand, self.FREE).iloc[0]
        assert not row["fits"] and row["shortfall_month"] == date(2027, 4, 1)

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
