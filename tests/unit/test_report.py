"""The status report document (Markdown and HTML), pure."""

from __future__ import annotations

import base64
from datetime import date

import altair as alt
import pandas as pd
import pytest

from worksmith.exchange.report import StatusReport, chart_images, render_html, render_markdown


def report(**extra) -> StatusReport:
    values = dict(
        project="Mobile app v2", day=date(2026, 11, 25), rag="red",
        reasons=["forecast finish 24 Dec is 7 working days after the target 15 Dec"],
        figures=[("Forecast finish", "Thu 24 Dec"), ("Budget used", "66 %")],
        milestones=[{"Milestone": "#10 Release", "Date": "Thu 24 Dec 2026", "Status": "upcoming"}],
        risks=[{"Risk": "Offline sync | conflicts", "P × I": "4 × 4 = 16", "Level": "high"}],
        updates=[], summary="API took longer.", workspace="Northwind Studio")
    return StatusReport(**{**values, **extra})


def test_markdown_has_every_section_and_escapes_table_pipes():
    png = b"\x89PNG fake"
    md = render_markdown(report(gantt_png=png))
    assert md.startswith("# Status report — Mobile app v2\n\nNorthwind Studio · Wednesday 25 November 2026")
    assert "## Status: 🔴 RED" in md
    assert "- forecast finish 24 Dec is 7 working days after the target 15 Dec" in md
    assert "> API took longer." in md
    assert "| Forecast finish | Thu 24 Dec |" in md
    assert "| Offline sync \\| conflicts | 4 × 4 = 16 | high |" in md
    assert f"(data:image/png;base64,{base64.b64encode(png).decode()})" in md
    assert md.rstrip().endswith("_None._")  # no status updates


def test_html_is_self_contained_and_escaped():
    html = render_html(report(project="R&D <pilot>", gantt_svg="<svg id='g'></svg>"))
    assert html.startswith("<!doctype html>")
    assert "<title>Status report — R&amp;D &lt;pilot&gt;</title>" in html
    assert "background:#C62828" in html and "🔴 RED" in html
    assert "<div class='chart'><svg id='g'></svg></div>" in html
    assert "<td>Offline sync | conflicts</td>" in html


def test_missing_chart_is_said_not_hidden():
    assert "Gantt image not available" in render_markdown(report())
    assert "Gantt image not available" in render_html(report())


def test_chart_images_renders_svg_and_png_offline():
    pytest.importorskip("vl_convert")
    chart = alt.Chart(pd.DataFrame({"a": [1, 2]})).mark_bar().encode(x="a:Q")
    svg, png = chart_images(chart.to_json())
    assert svg.lstrip().startswith("<svg") and png[:4] == b"\x89PNG"
