"""The Projects → Risk tab in AppTest on the demo: the headline, the metrics, the three charts, the drivers list, the
"Estimate uncertainty" helper (assumed ranges, labelled) and the Overview's P80 column."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

HEADLINE = re.compile(r"^### P80 finish \d{1,2} [A-Z][a-z]{2} — (\d+ %|< 1 %|> 99 %) chance of making the "
                      r"\d{1,2} [A-Z][a-z]{2} target$")


def _open(app: AppTest, **view: str) -> AppTest:
    app.run()
    app.switch_page("pages/projects.py").run()
    for key, value in view.items():
        app.session_state[key] = value
        app.query_params[key] = value
    app.run()
    return app


def _ok(app: AppTest) -> None:
    assert not app.exception, "\n".join(e.message for e in app.exception)
    assert not app.error, [e.value for e in app.error]


def _headline(app: AppTest) -> str:
    found = [md.value for md in app.markdown if md.value.startswith("### P80 finish")]
    assert found, [md.value for md in app.markdown]
    return found[0]


def test_risk_tab_on_the_demo_shows_the_headline_and_the_charts(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, project="Mobile app v2", tab="Risk")
    _ok(app)
    headline = _headline(app)
    assert HEADLINE.match(headline), headline
    assert "15 Dec target" in headline  # the demo's target end of Mobile app v2
    labels = [mt.label for mt in app.metric]
    assert labels[-5:] == ["P80 finish", "Chance of making the target", "Forecast finish (plan)", "P50 · P95",
                           "Uncertain tasks"]
    by = {mt.label: mt.value for mt in app.metric}
    assert by["Forecast finish (plan)"] == "Thu 24 Dec"  # the deterministic finish, as the Forecast finish tile
    assert len(app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")) == 3  # histogram, S-curve, ranking
    drivers = [md.value for md in app.markdown if md.value.startswith("1. ")]
    assert drivers and "critical path in" in drivers[0]
    assert not [w for w in app.warning if w.value.startswith("Assumed")]  # the demo has its own estimates


def test_the_helper_assumes_ranges_and_says_so(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, project="Mobile app v2", tab="Risk")
    before = _headline(app)
    toggle = [t for t in app.toggle if t.label == "Assume a range for tasks without an estimate"][0]
    assert toggle.value is False  # the project has estimates: the helper is off until asked
    toggle.set_value(True).run()
    _ok(app)
    # every not-done task with days already has an estimate in the demo: nothing to assume, same forecast
    assert _headline(app) == before
    high = [n for n in app.number_input if n.label == "Pessimistic: + %"][0]
    assert high.value == 50 and [n for n in app.number_input if n.label == "Optimistic: − %"][0].value == 20


def test_a_project_without_estimates_gets_an_assumed_forecast(app: AppTest, workspace) -> None:
    workspace(demo=True)
    _open(app, project="Customer portal", tab="Risk")  # proposed: no three-point estimates in the demo
    _ok(app)
    assert HEADLINE.match(_headline(app))
    assumed = [w.value for w in app.warning if w.value.startswith("Assumed")]
    assert assumed and "(−20 % / +50 %)" in assumed[0]
    assert [t for t in app.toggle if t.label == "Assume a range for tasks without an estimate"][0].value is True


def test_overview_shows_the_p80_finish_next_to_the_forecast(app: AppTest, workspace) -> None:
    workspace(demo=True)
    app.run()
    _ok(app)
    shown = [d for d in app.dataframe if "p80_finish" in d.value][0]
    table = shown.value
    cols = list(table.columns)
    assert cols.index("p80_finish") == cols.index("finish") + 1
    visible = list(shown.proto.column_order)  # what the table shows, in order (a column left out is hidden)
    assert visible.index("p80_finish") == visible.index("finish") + 1
    row = table[table["project"] == "Mobile app v2"].iloc[0]
    assert row["finish"] == "Thu 24 Dec 2026" and row["p80_finish"].endswith("2027")
    assert (table.loc[table["status"] != "active", "p80_finish"] == "—").all()
