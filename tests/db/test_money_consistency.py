"""One truth per figure: every view that shows a project's planned to date, spent, forecast, variance and forecast
finish shows the same numbers, in the same words, on the demo (SQLite and PostgreSQL)."""

from __future__ import annotations

import pandas as pd
import pytest

from worksmith import demo, fmt
from worksmith.store.db import read_session
from worksmith.views import budget_owner, budget_roi, budgets, overview
from worksmith.views.portfolio import portfolio
from worksmith.views.projects import portfolio_view
from worksmith.views.workspace import settings


@pytest.fixture
def seeded(engine, today):
    demo.seed(engine, "S", today=today)
    return engine


def test_every_view_gives_a_project_the_same_money(seeded, today):
    with read_session(seeded) as s:
        cur = settings(s)["currency"]
        health = portfolio(s, today=today).set_index("id")
        data = budgets.load(s, today)
        evms = {int(p["id"]): e for p, e in budgets.project_rows(data)}
        org = budgets.organisation(s, today=today)
        owners = {pid: budget_owner.owner_view(s, owner=f"project:{pid}", today=today) for pid in health.index}
        projects = portfolio_view(s, today=today).table.set_index("id")
        over = org.over_budget.set_index("project")
    for pid, e in evms.items():
        row, tiles = health.loc[pid], {x.label: x for x in owners[pid].metrics}
        # planned to date and spent: the portfolio's health and Budgets' PV / AC are one figure
        assert row["planned_to_date"] == pytest.approx(e.pv)
        assert row["spent"] == pytest.approx(e.ac)
        assert tiles["Budget (BAC)"].delta == f"{fmt.money(e.pv, cur)} planned to date"
        assert tiles["Actual cost (AC)"].value == fmt.money(row["spent"], cur)
        if e.pv:
            assert tiles["Actual cost (AC)"].delta == f"{budgets.pct((e.ac - e.pv) / e.pv)} vs planned to date"
        cost = [r for r in row["reasons"] if "planned to date" in r]
        for reason in cost:  # the portfolio's words carry the same amounts, with the currency
            assert f"spent {fmt.money(e.ac, cur)} is {fmt.percent(e.ac / e.pv - 1)} over the " \
                   f"{fmt.money(e.pv, cur)} planned to date" == reason
        # forecast: the tile, the headline and the organisation's table
        assert tiles["Forecast (EAC, CPI-based)"].value == fmt.money(e.metrics["EAC"], cur)
        assert fmt.money(e.metrics["EAC"], cur) in owners[pid].chart_title
        if row["name"] in over.index:
            assert over.loc[row["name"], "eac_text"] == fmt.money(e.metrics["EAC"], cur)
            assert over.loc[row["name"], "bottom_up_text"] == tiles["Forecast (bottom-up)"].value
        # forecast finish: the schedule's, on Budgets and on Projects
        finish = row["forecast_finish"]
        if pd.isna(finish):  # no scheduled tasks yet: "—" everywhere
            assert e.forecast_finish is None and tiles["Forecast finish"].value == fmt.DASH
            assert projects.loc[pid, "finish"] == fmt.DASH
            continue
        assert e.forecast_finish == finish
        assert tiles["Forecast finish"].value == f"{finish.day} {finish:%b %Y}"
        assert projects.loc[pid, "finish"] == fmt.day(finish)
        assert "Earned-value projection" in tiles["Forecast finish"].help


def test_erp_migration_reads_the_same_everywhere(seeded, today):
    with read_session(seeded) as s:
        health = portfolio(s, today=today).set_index("name")
        erp = int(health.loc["ERP migration", "id"])
        tiles = {x.label: x for x in budget_owner.owner_view(s, owner=f"project:{erp}", today=today).metrics}
        attention = overview.overview(s, today=today).attention
    reason = "spent €95,843 is 15 % over the €83,110 planned to date"
    assert health.loc["ERP migration", "reasons"] == [reason]
    assert reason in attention.set_index("item").loc["Project · ERP migration", "why"]
    assert tiles["Budget (BAC)"].delta == "€83,110 planned to date"
    assert tiles["Actual cost (AC)"].delta == "+15 % vs planned to date"
    assert tiles["Forecast finish"].value == "29 Dec 2026"  # the schedule's; the EV projection is in the help
    assert "Earned-value projection (start + planned duration / SPI): Sat 26 Dec 2026" in tiles["Forecast finish"].help


def test_organisation_figures_state_their_scope_and_the_forecast_covers_the_spending(seeded, today):
    with read_session(seeded) as s:
        data = budgets.load(s, today)
        rows = budgets.project_rows(data)
        org = budgets.organisation_of(data, rows)
        ov = overview.overview(s, today=today)
    tiles = {x.label: x for x in org.metrics}
    assert set(tiles) == {"Planned 2026 to date · all budgets", "Spent 2026 to date · all budgets",
                          "Variance 2026 to date", "Forecast at completion · open projects", "Budget alerts"}
    assert all("Scope:" in tiles[k].help for k in list(tiles)[:4])
    live = [e for p, e in rows if p["status"] in budgets.ALERT_STATUSES]
    forecast, spent = sum(budgets.forecast_of(e) for e in live), sum(e.ac for e in live)
    assert forecast >= spent  # same scope (open projects, lifetime): a forecast never below the actuals
    assert tiles["Forecast at completion · open projects"].value == fmt.money(forecast, "€")
    assert f"{fmt.money(spent, '€')} spent so far" in tiles["Forecast at completion · open projects"].delta
    # the Overview's spending tile is the Budgets figure, in the same words and with the same noise rule
    spent_tile = {x.label: x for x in ov.metrics}["Spent 2026 to date · all budgets"]
    assert spent_tile.value == tiles["Spent 2026 to date · all budgets"].value
    ytd = budgets.year_to_date(data)
    assert spent_tile.delta_color == ("inverse" if abs(ytd["variance"]) >= max(1_000, 0.02 * ytd["plan_ytd"])
                                      else "off")


def test_attention_ranks_real_problems_first(seeded, today):
    with read_session(seeded) as s:
        attention = overview.overview(s, today=today).attention
    ranks = [0 if x.endswith("off track") else 1 if x.endswith("at risk") else 2 for x in attention["status"]]
    assert ranks == sorted(ranks)
    assert not any("CPI 0.00" in why for why in attention["why"])  # no CPI verdict before work has started


def test_portfolio_sums_in_sql_what_the_budget_data_sums(seeded, today):
    """Projects and the Overview take a project's spent and planned to date by two roads — summed by the database
    (Projects, Compare) or from the loaded budget data (Overview) — and must land on the same figures."""
    with read_session(seeded) as s:
        in_sql = portfolio(s, today=today).set_index("id")
        loaded = portfolio(s, today=today, money=budgets.load(s, today)).set_index("id")
    assert (in_sql["spent"] > 0).sum() >= 5 and (in_sql["planned_to_date"] > 0).sum() >= 5
    for column in ("spent", "planned_to_date", "budget_used"):
        assert in_sql[column].tolist() == pytest.approx(loaded[column].tolist(), rel=1e-12, nan_ok=True), column
    for column in ("health", "reasons", "forecast_finish", "slip_days"):
        assert in_sql[column].tolist() == loaded[column].tolist(), column


def test_the_budgets_page_reads_organisation_and_roi_together_as_each_alone(seeded, today):
    """The Budgets page takes both views from one read (budget_roi.organisation_and_roi): the same figures, words
    and tables as organisation() and value_and_roi() each give alone."""
    with read_session(seeded) as s:
        org, roi = budget_roi.organisation_and_roi(s, today=today)
        org_alone, roi_alone = budgets.organisation(s, today=today), budget_roi.value_and_roi(s, today=today)
    assert [(x.label, x.value, x.delta) for x in org.metrics] == \
        [(x.label, x.value, x.delta) for x in org_alone.metrics]
    pd.testing.assert_frame_equal(org.over_budget, org_alone.over_budget)
    pd.testing.assert_frame_equal(org.alerts, org_alone.alerts)
    assert roi.title == roi_alone.title and [x.value for x in roi.metrics] == [x.value for x in roi_alone.metrics]
    pd.testing.assert_frame_equal(roi.table, roi_alone.table)
    assert len(roi.table) >= 5
