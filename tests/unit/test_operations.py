"""Unit tests for worksmith.domain.operations and its charts — tiny literal inputs, expectations worked out by
hand in the comments.

Calendar notes: 2026 is not a leap year (28 Feb), 2028 is (29 Feb). Thu 15 Jan 2026, Wed 15 Apr 2026.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from worksmith.charts.operations import items_per_stage, time_in_stage
from worksmith.domain import operations as ops
from worksmith.errors import ValidationError
from worksmith.status import CRITICAL, STATUS_COLOURS

STAGES = ["Submitted", "Triage", "In progress", "Done"]


def at(day: int, month: int = 11, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


# --- cadence / next due ---------------------------------------------------------------------------------------


class TestNextDue:
    def test_monthly_on_the_31st_falls_on_the_last_day_of_february(self):
        # anchor 31 Jan; on 10 Feb the next occurrence is Feb's last day, 28 Feb (2026 is not a leap year)
        assert ops.next_due("monthly", date(2026, 1, 31), date(2026, 2, 10)) == date(2026, 2, 28)

    def test_monthly_after_a_clamped_month_goes_back_to_the_31st(self):
        # 28 Feb was the clamped occurrence; on 1 Mar the next one is 31 Mar, not 28 Mar
        assert ops.next_due("monthly", date(2026, 1, 31), date(2026, 3, 1)) == date(2026, 3, 31)

    def test_monthly_on_the_30th_in_a_leap_year(self):
        # anchor 30 Jan 2028: February has 29 days in 2028 -> 29 Feb
        assert ops.next_due("monthly", date(2028, 1, 30), date(2028, 2, 1)) == date(2028, 2, 29)

    def test_monthly_on_the_31st_in_a_30_day_month(self):
        # anchor 31 Mar; April has 30 days -> 30 Apr
        assert ops.next_due("monthly", date(2026, 3, 31), date(2026, 4, 2)) == date(2026, 4, 30)

    def test_due_today_is_next_due_today(self):
        assert ops.next_due("monthly", date(2026, 1, 15), date(2026, 3, 15)) == date(2026, 3, 15)

    def test_quarterly_steps_three_months_from_the_anchor(self):
        # anchor Thu 15 Jan; the day after, the next one is 15 Apr (Jan + 3 months), not 15 Feb
        assert ops.next_due("quarterly", date(2026, 1, 15), date(2026, 1, 16)) == date(2026, 4, 15)

    def test_quarterly_crosses_the_year_end(self):
        # anchor 15 Jan: occurrences 15 Apr, 15 Jul, 15 Oct, 15 Jan 2027; on 16 Oct 2026 the next is 15 Jan 2027
        assert ops.next_due("quarterly", date(2026, 1, 15), date(2026, 10, 16)) == date(2027, 1, 15)

    def test_quarterly_on_the_30th_clamps_to_the_end_of_february(self):
        # anchor 30 Nov 2025: + 3 months = Feb 2026, which has 28 days -> 28 Feb; then 30 May
        assert ops.next_due("quarterly", date(2025, 11, 30), date(2025, 12, 1)) == date(2026, 2, 28)
        assert ops.next_due("quarterly", date(2025, 11, 30), date(2026, 3, 1)) == date(2026, 5, 30)

    def test_quarterly_on_the_31st_at_quarter_ends(self):
        # anchor 31 Mar: 30 Jun, 30 Sep, 31 Dec (each clamped or not to the month's length)
        assert ops.next_due("quarterly", date(2026, 3, 31), date(2026, 4, 1)) == date(2026, 6, 30)
        assert ops.next_due("quarterly", date(2026, 3, 31), date(2026, 7, 1)) == date(2026, 9, 30)
        assert ops.next_due("quarterly", date(2026, 3, 31), date(2026, 10, 1)) == date(2026, 12, 31)

    def test_weekly_keeps_the_anchor_weekday(self):
        # anchor Mon 5 Jan; on Wed 14 Jan the next Monday occurrence is 19 Jan
        assert ops.next_due("weekly", date(2026, 1, 5), date(2026, 1, 14)) == date(2026, 1, 19)

    def test_anchor_in_the_future_is_the_next_due_date(self):
        assert ops.next_due("quarterly", date(2027, 2, 1), date(2026, 11, 25)) == date(2027, 2, 1)

    def test_unknown_cadence_is_refused(self):
        with pytest.raises(ValidationError, match="fortnightly"):
            ops.next_due("fortnightly", date(2026, 1, 1), date(2026, 1, 2))


class TestWeeklyHours:
    @pytest.mark.parametrize(("cadence", "hours", "expected"), [
        ("weekly", 4, 4.0),                # 4 × 52 / 52
        ("monthly", 13, 3.0),              # 13 × 12 / 52 = 3
        ("quarterly", 39, 3.0),            # 39 × 4 / 52 = 3
        ("Monthly", 26, 6.0),              # case-insensitive
    ])
    def test_average_per_week(self, cadence, hours, expected):
        assert ops.weekly_hours(cadence, hours) == pytest.approx(expected)

    def test_unknown_cadence_is_refused(self):
        with pytest.raises(ValidationError, match="daily"):
            ops.weekly_hours("daily", 1)

    def test_run_hours_per_week_counts_active_operations_only(self):
        operations = pd.DataFrame({"id": [1, 2], "active": [True, False], "demand_hours_per_week": [10.0, 50.0]})
        recurring = pd.DataFrame({"operation_id": [1, 1, 2], "cadence": ["weekly", "monthly", "weekly"],
                                  "hours": [2.0, 13.0, 99.0]})
        # op 1: 10 standing + 2 weekly + 13 × 12 / 52 = 3 -> 15; op 2 is inactive
        assert ops.run_hours_per_week(operations, recurring) == pytest.approx(15.0)

    def test_recurring_schedule_is_soonest_first(self):
        rec = pd.DataFrame({"name": ["Close", "Patch"], "cadence": ["monthly", "weekly"], "hours": [24.0, 4.0],
                            "anchor": [date(2026, 5, 26), date(2026, 5, 29)]})
        out = ops.recurring_schedule(rec, date(2026, 11, 25))
        # Patch: Fridays from Fri 29 May -> Fri 27 Nov (2 days); Close: the 26th -> Thu 26 Nov (1 day)
        assert out["name"].tolist() == ["Close", "Patch"]
        assert out["next_due"].tolist() == [date(2026, 11, 26), date(2026, 11, 27)]
        assert out["days_until"].tolist() == [1, 2]
        assert out["hours_per_week"].tolist() == pytest.approx([24 * 12 / 52, 4.0])

    def test_recurring_schedule_of_nothing(self):
        out = ops.recurring_schedule(pd.DataFrame(columns=["name", "cadence", "hours", "anchor"]), date(2026, 1, 1))
        assert out.empty and {"next_due", "days_until", "hours_per_week"} <= set(out.columns)


# --- workflow transitions -------------------------------------------------------------------------------------


class TestTransitions:
    @pytest.mark.parametrize("i", range(len(STAGES)))
    @pytest.mark.parametrize("j", range(len(STAGES)))
    def test_every_pair_one_forward_or_any_back(self, i, j):
        # the rule, exhaustively over a 4-stage workflow: legal iff j == i + 1 (one step on) or j < i (back)
        legal = j == i + 1 or j < i
        if legal:
            ops.check_move(STAGES, STAGES[i], STAGES[j])
        else:
            with pytest.raises(ValidationError):
                ops.check_move(STAGES, STAGES[i], STAGES[j])
        assert (STAGES[j] in ops.allowed_moves(STAGES, STAGES[i])) == legal

    def test_skipping_forward_names_the_skipped_stages(self):
        with pytest.raises(ValidationError, match="skip 'Triage', 'In progress'"):
            ops.check_move(STAGES, "Submitted", "Done")

    def test_same_stage_is_refused(self):
        with pytest.raises(ValidationError, match="already in 'Triage'"):
            ops.check_move(STAGES, "Triage", "Triage")

    def test_unknown_target_is_refused(self):
        with pytest.raises(ValidationError, match="'Closed' is not a stage"):
            ops.check_move(STAGES, "Triage", "Closed")

    def test_reopening_a_done_item_back_to_the_start(self):
        ops.check_move(STAGES, "Done", "Submitted")  # any earlier stage

    def test_item_in_a_removed_stage_may_only_go_to_the_first_stage(self):
        assert ops.allowed_moves(STAGES, "Waiting") == ["Submitted"]
        ops.check_move(STAGES, "Waiting", "Submitted")
        with pytest.raises(ValidationError, match="no longer in the workflow"):
            ops.check_move(STAGES, "Waiting", "Triage")

    def test_allowed_moves_in_workflow_order(self):
        assert ops.allowed_moves(STAGES, "Submitted") == ["Triage"]
        assert ops.allowed_moves(STAGES, "In progress") == ["Submitted", "Triage", "Done"]
        assert ops.allowed_moves(STAGES, "Done") == ["Submitted", "Triage", "In progress"]

    def test_neighbours(self):
        assert ops.neighbours(STAGES, "Submitted") == (None, "Triage")
        assert ops.neighbours(STAGES, "Triage") == ("Submitted", "In progress")
        assert ops.neighbours(STAGES, "Done") == ("In progress", None)
        assert ops.neighbours(STAGES, "Gone") == (None, None)


# --- ages, stays, bottlenecks ---------------------------------------------------------------------------------


def items_frame(*rows: tuple) -> pd.DataFrame:
    """(id, stage, created_at, stage_entered_at)"""
    return pd.DataFrame(rows, columns=["id", "stage", "created_at", "stage_entered_at"])


def moves_frame(*rows: tuple) -> pd.DataFrame:
    """(item_id, to_stage, at)"""
    return pd.DataFrame([(n, *r) for n, r in enumerate(rows, start=1)], columns=["id", "item_id", "to_stage", "at"])


TODAY = date(2026, 11, 25)


class TestAgesAndStays:
    def test_item_ages_count_calendar_days(self):
        items = items_frame((1, "Triage", at(10), at(20, hour=23)))
        out = ops.item_ages(items, TODAY)
        # created 10 Nov -> 15 days; entered 20 Nov (23:00, still 20 Nov) -> 5 days in stage
        assert out[["age_days", "days_in_stage"]].values.tolist() == [[15, 5]]

    def test_naive_timestamps_are_taken_as_utc(self):
        items = items_frame((1, "Triage", datetime(2026, 11, 24, 23, 30), datetime(2026, 11, 25, 0, 30)))
        assert ops.item_ages(items, TODAY)[["age_days", "days_in_stage"]].values.tolist() == [[1, 0]]

    def test_future_timestamps_age_zero(self):
        items = items_frame((1, "Triage", at(27), at(27)))
        assert ops.item_ages(items, TODAY)["age_days"].tolist() == [0]

    def test_stays_end_at_the_next_move(self):
        moves = moves_frame((1, "Submitted", at(1)), (1, "Triage", at(2)), (1, "In progress", at(6, hour=21)),
                            (2, "Submitted", at(3)))
        stays = ops.stage_stays(moves)
        # item 1: Submitted 1 -> 2 Nov = 1 day; Triage 2 Nov 09:00 -> 6 Nov 21:00 = 4.5 days; its current stay and
        # item 2's only stay are not finished
        assert stays[["item_id", "stage"]].values.tolist() == [[1, "Submitted"], [1, "Triage"]]
        assert stays["days"].tolist() == pytest.approx([1.0, 4.5])

    def test_stays_sort_moves_by_time_not_by_row_order(self):
        moves = moves_frame((1, "Triage", at(4)), (1, "Submitted", at(1)))
        assert ops.stage_stays(moves)[["stage", "days"]].values.tolist() == [["Submitted", 3.0]]

    def test_no_history_no_stays(self):
        assert ops.stage_stays(pd.DataFrame(columns=["id", "item_id", "to_stage", "at"])).empty


class TestStageStatsAndBottleneck:
    def setup_method(self):
        # now: A in Triage 12 days, B in Triage 2 days, C in Submitted 6 days, D done
        self.items = items_frame((1, "Triage", at(10), at(13)), (2, "Triage", at(20), at(23)),
                                 (3, "Submitted", at(19), at(19)), (4, "Done", at(1), at(20)))
        # history: Submitted stays of 3 and 1 days; Triage stays of 6 days; In progress 1 day
        self.moves = moves_frame((1, "Submitted", at(10)), (1, "Triage", at(13)),
                                 (2, "Submitted", at(22)), (2, "Triage", at(23)),
                                 (4, "Submitted", at(1)), (4, "Triage", at(4)), (4, "In progress", at(10)),
                                 (4, "Done", at(11)))

    def test_stage_stats(self):
        stats = ops.stage_stats(STAGES, self.items, self.moves, TODAY).set_index("stage")
        assert stats["items"].tolist() == [1, 2, 0, 1]
        assert stats.loc["Triage", "oldest_days"] == 12
        assert stats.loc["Triage", "mean_wait_days"] == 7  # (12 + 2) / 2
        # Submitted: stays 3 (item 1), 1 (item 2), 3 (item 4) -> 7/3; Triage: 6 (item 4); In progress: 1
        assert stats.loc["Submitted", "avg_days_in_stage"] == pytest.approx(7 / 3)
        assert stats.loc["Triage", "avg_days_in_stage"] == pytest.approx(6)
        assert stats.loc["In progress", "avg_days_in_stage"] == pytest.approx(1)
        assert math.isnan(stats.loc["Done", "avg_days_in_stage"])
        assert stats["status"].tolist() == ["at risk", "off track", "", "done"]  # 6 d ≥ 5; 12 d ≥ 10; none; last

    def test_bottleneck_is_the_open_stage_with_most_items(self):
        b = ops.bottleneck(ops.stage_stats(STAGES, self.items, self.moves, TODAY))
        assert (b.most_stage, b.most_items, b.oldest_stage, b.oldest_days) == ("Triage", 2, "Triage", 12)
        assert (b.slowest_stage, b.slowest_days) == ("Triage", 6)
        assert b.finding == "Triage holds the most open items (2), including the oldest (12 days in stage)"

    def test_done_items_are_never_the_bottleneck(self):
        items = items_frame(*[(n, "Done", at(1), at(2)) for n in range(5)], (9, "Triage", at(24), at(24)))
        b = ops.bottleneck(ops.stage_stats(STAGES, items, moves_frame(), TODAY))
        assert b.most_stage == "Triage" and b.most_items == 1

    def test_oldest_elsewhere_is_named(self):
        items = items_frame((1, "Triage", at(24), at(24)), (2, "Triage", at(24), at(24)),
                            (3, "In progress", at(1), at(5)))
        b = ops.bottleneck(ops.stage_stats(STAGES, items, moves_frame(), TODAY))
        assert b.finding == "Triage holds the most open items (2); the oldest waits in In progress (20 days)"

    def test_tied_stays_have_no_single_slowest_stage(self):
        moves = moves_frame((1, "Submitted", at(1)), (1, "Triage", at(3)), (1, "In progress", at(5)))
        b = ops.bottleneck(ops.stage_stats(STAGES, items_frame(), moves, TODAY))
        assert b.slowest_stage is None and b.slowest_days == 2
        assert b.finding == "No open items: nothing is waiting"


# --- process templates ----------------------------------------------------------------------------------------


CHECKLIST = [{"name": "Order laptop", "offset_days": -5, "hours": 2, "assignee_id": 7},
             {"name": "Welcome", "offset_days": 0, "hours": 1, "assignee_id": None},
             {"name": "30-day check-in", "offset_days": 30, "hours": 1.5, "assignee_id": 8}]


class TestTemplates:
    def test_due_dates_are_relative_to_the_start(self):
        rows = ops.instantiate_checklist(CHECKLIST, case=" Ann Lee ", start=date(2026, 3, 2), stage="Offer signed")
        # Mon 2 Mar − 5 days = Wed 25 Feb; + 0 = 2 Mar; + 30 = Wed 1 Apr
        assert [r["due"] for r in rows] == [date(2026, 2, 25), date(2026, 3, 2), date(2026, 4, 1)]
        assert [r["title"] for r in rows] == ["Ann Lee: Order laptop", "Ann Lee: Welcome", "Ann Lee: 30-day check-in"]
        assert {r["case"] for r in rows} == {"Ann Lee"} and {r["stage"] for r in rows} == {"Offer signed"}
        assert [r["owner_id"] for r in rows] == [7, None, 8]
        assert [r["estimate_hours"] for r in rows] == [2.0, 1.0, 1.5]

    def test_a_case_needs_a_name(self):
        with pytest.raises(ValidationError, match="Name the case"):
            ops.instantiate_checklist(CHECKLIST, case="  ", start=date(2026, 3, 2), stage="S")

    def test_no_checklist_no_case(self):
        with pytest.raises(ValidationError, match="no checklist"):
            ops.instantiate_checklist([], case="Ann", start=date(2026, 3, 2), stage="S")

    def test_validate_checklist_drops_blank_rows_and_defaults_numbers(self):
        rows = [{"name": "  Tour ", "offset_days": None, "hours": float("nan"), "assignee_id": float("nan")},
                {"name": "", "offset_days": 3, "hours": 1}, {"name": None}]
        assert ops.validate_checklist(rows) == [{"name": "Tour", "offset_days": 0, "hours": 0.0, "assignee_id": None}]

    @pytest.mark.parametrize("row", [{"name": "X", "offset_days": 1.5, "hours": 1},
                                     {"name": "X", "offset_days": "soon", "hours": 1},
                                     {"name": "X", "offset_days": 1, "hours": -1}])
    def test_validate_checklist_refuses_bad_numbers(self, row):
        with pytest.raises(ValidationError, match="row 1 'X'"):
            ops.validate_checklist([row])


# --- automation rules -----------------------------------------------------------------------------------------


IT_RULE = {"id": 1, "name": "IT", "trigger": "request_approved", "condition": {"type": "IT"},
           "action": "create_work_item", "params": {"operation_id": 3, "owner_id": 15}, "active": True}


class TestAutomation:
    def test_request_rule_matches_its_type_case_insensitively(self):
        assert ops.rule_matches(IT_RULE, "request_approved", {"type": " it "})
        assert not ops.rule_matches(IT_RULE, "request_approved", {"type": "HR"})
        assert not ops.rule_matches(IT_RULE, "task_overdue", {"type": "IT"})

    def test_inactive_rule_never_matches(self):
        assert not ops.rule_matches({**IT_RULE, "active": False}, "request_approved", {"type": "IT"})

    def test_rule_without_condition_matches_every_request(self):
        rule = {**IT_RULE, "condition": {}}
        assert ops.rule_matches(rule, "request_approved", {"type": "Marketing"})
        assert ops.rule_matches({**IT_RULE, "condition": {"type": ""}}, "request_approved", {"type": "HR"})

    def test_matching_rules_run_in_id_order(self):
        rules = [{**IT_RULE, "id": 5}, {**IT_RULE, "id": 2}, {**IT_RULE, "id": 3, "condition": {"type": "HR"}}]
        assert [r["id"] for r in ops.matching_rules(rules, "request_approved", {"type": "IT"})] == [2, 5]

    def test_valid_rules(self):
        ops.validate_rule("request_approved", {"type": "IT"}, "create_work_item", {"operation_id": 3})
        ops.validate_rule("task_overdue", {}, "flag_overview", {"grace_days": 2})
        ops.validate_rule("task_overdue", {}, "flag_overview", {})

    @pytest.mark.parametrize(("trigger", "condition", "action", "params", "message"), [
        ("request_rejected", {}, "create_work_item", {"operation_id": 1}, "Unknown trigger"),
        ("request_approved", {}, "flag_overview", {}, "can only create a work item"),
        ("request_approved", {}, "create_work_item", {}, "Choose the operation"),
        ("request_approved", {"goal": 1}, "create_work_item", {"operation_id": 1}, "only match on the request type"),
        ("task_overdue", {}, "flag_overview", {"grace_days": -1}, "Grace days"),
        ("task_overdue", {}, "flag_overview", {"grace_days": 1.5}, "Grace days"),
    ])
    def test_invalid_rules(self, trigger, condition, action, params, message):
        with pytest.raises(ValidationError, match=message):
            ops.validate_rule(trigger, condition, action, params)

    def test_rules_read_as_sentences(self):
        assert ops.describe_rule(IT_RULE, {3: "IT support"}, {15: "Charlotte"}) == (
            "When a request of type IT is approved, create a work item in IT support owned by Charlotte.")
        overdue = {"trigger": "task_overdue", "action": "flag_overview", "params": {"grace_days": 2}}
        assert ops.describe_rule(overdue, {}, {}) == ("When a project task or a work item is overdue by more than "
                                                      "2 days, flag it on the Overview.")

    def test_overdue_tasks_and_items_most_late_first(self):
        tasks = pd.DataFrame({"name": ["API", "Done one", "Later", "Unscheduled"], "project": ["App"] * 4,
                              "finish_date": [date(2026, 11, 18), date(2026, 11, 1), date(2026, 11, 30), None],
                              "percent_complete": [95.0, 100.0, 0.0, 0.0]})
        items = pd.DataFrame({"title": ["Laptop", "Closed", "Fresh"], "operation": ["IT"] * 3,
                              "stage": ["Triage", "Done", "Triage"],
                              "due": [date(2026, 11, 10), date(2026, 11, 1), date(2026, 11, 24)],
                              "open": [True, False, True]})
        out = ops.overdue(tasks, items, TODAY)
        # Laptop 15 days late (> 10: off track), API 7, Fresh 1; done/closed/later/undated are not overdue
        assert out["item"].tolist() == ["Work item · Laptop (IT)", "Task · API (App)", "Work item · Fresh (IT)"]
        assert out["days_late"].tolist() == [15, 7, 1]
        assert out["level"].tolist() == ["off track", "at risk", "at risk"]
        assert out["page"].tolist() == ["operations", "projects", "operations"]
        # a grace of 7 days keeps only what is more than 7 days late
        assert ops.overdue(tasks, items, TODAY, grace_days=7)["days_late"].tolist() == [15]


# --- approval rules -------------------------------------------------------------------------------------------


class TestApprovalRules:
    def decide(self, status: str, decision: str, reason: str = "", decider: int | None = 2, requester: int = 1):
        ops.check_decision(status, decision, reason=reason, decider_id=decider, requester_id=requester)

    def test_submitted_may_be_approved_rejected_or_converted(self):
        self.decide("submitted", "approve")
        self.decide("submitted", "reject", reason="No budget this quarter")
        self.decide("submitted", "convert")

    def test_approved_may_be_converted(self):
        self.decide("approved", "convert")

    @pytest.mark.parametrize("reason", ["", "   ", "\n"])
    def test_reject_needs_a_reason(self, reason):
        with pytest.raises(ValidationError, match="Give a reason"):
            self.decide("submitted", "reject", reason=reason)

    @pytest.mark.parametrize("status", ["approved", "rejected", "converted"])
    @pytest.mark.parametrize("decision", ["approve", "reject"])
    def test_a_decision_cannot_be_taken_twice(self, status, decision):
        with pytest.raises(ValidationError, match="already decided"):
            self.decide(status, decision, reason="because")

    @pytest.mark.parametrize("status", ["rejected", "converted"])
    def test_convert_only_submitted_or_approved(self, status):
        with pytest.raises(ValidationError, match="Only a submitted or approved request can be converted"):
            self.decide(status, "convert")

    def test_a_decision_needs_a_named_person(self):
        with pytest.raises(ValidationError, match="Acting as"):
            self.decide("submitted", "approve", decider=None)

    def test_nobody_decides_on_their_own_request(self):
        with pytest.raises(ValidationError, match="your own request"):
            self.decide("submitted", "approve", decider=1, requester=1)

    def test_unknown_decision(self):
        with pytest.raises(ValidationError, match="Unknown decision"):
            self.decide("submitted", "postpone")


# --- charts ---------------------------------------------------------------------------------------------------


class TestCharts:
    def stats(self) -> pd.DataFrame:
        items = items_frame((1, "Triage", at(10), at(13)), (2, "Submitted", at(24), at(24)), (3, "Done", at(1), at(2)))
        moves = moves_frame((1, "Submitted", at(10)), (1, "Triage", at(13)))
        return ops.stage_stats(STAGES, items, moves, TODAY)

    def test_items_per_stage_in_workflow_order_with_status_colours(self):
        spec = items_per_stage(self.stats(), "Triage holds the most open items (1), including the oldest (12 days "
                                             "in stage)").to_dict()
        # a long finding wraps onto two lines at the comma
        assert spec["title"] == ["Triage holds the most open items (1),", "including the oldest (12 days in stage)"]
        bars = spec["layer"][0]["encoding"]
        assert bars["y"]["sort"] == STAGES
        assert bars["color"]["scale"]["range"] == [STATUS_COLOURS[s] for s in ("on track", "at risk", "off track",
                                                                               "done")]
        rows = {r["stage"]: r for r in next(iter(spec["datasets"].values()))}
        # Triage: 12 days in stage -> off track, labelled with its oldest wait; the done stage shows a count only
        assert (rows["Triage"]["status"], rows["Triage"]["label"]) == ("off track", "1 · oldest 12 d")
        assert rows["Done"]["label"] == "1" and rows["In progress"]["label"] == "0"
        assert {t["title"] for t in bars["tooltip"]} >= {"Items now", "Oldest in stage (days)"}

    def test_time_in_stage_highlights_the_slowest_and_leaves_out_the_last_stage(self):
        spec = time_in_stage(self.stats(), "Items stay longest in Submitted", "Submitted").to_dict()
        rows = next(iter(spec["datasets"].values()))
        assert [r["stage"] for r in rows] == ["Submitted", "Triage", "In progress"]
        assert [r["kind"] for r in rows] == ["slowest", "other", "other"]
        assert rows[0]["avg"] == 3.0  # 10 -> 13 Nov
        assert spec["layer"][0]["encoding"]["color"]["scale"]["range"][0] == CRITICAL
        assert spec["layer"][0]["encoding"]["x"]["title"] == "Average days in stage (from the move history)"
