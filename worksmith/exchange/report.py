"""The project status report: one Markdown or HTML document a stakeholder can read without Worksmith (pure).

Contents: the RAG status with its reasons, key figures, the Gantt chart as an image, milestones, open risks and
the latest status updates. The chart is rendered offline with ``vl-convert-python`` (SVG inline in HTML, PNG as a
data URI in Markdown); without that package the report says so instead of showing the chart.
"""

from __future__ import annotations

import base64
import html
import importlib.util
from dataclasses import dataclass, field
from datetime import date
from typing import Any

if importlib.util.find_spec("vl_convert") is not None:  # optional: without it the report says so
    import vl_convert as vlc
else:
    vlc = None

RAG_ICONS = {"green": "🟢", "amber": "🟡", "red": "🔴", "done": "✔️", "not started": "⚪"}
RAG_COLOURS = {"green": "#2E7D32", "amber": "#F9A825", "red": "#C62828", "done": "#546E7A", "not started": "#90A4AE"}


@dataclass
class StatusReport:
    """What a status report says. ``figures`` are (label, value) pairs; tables are lists of dicts whose keys are
    the column headers, in order."""

    project: str
    day: date
    rag: str
    reasons: list[str]
    figures: list[tuple[str, str]]
    milestones: list[dict[str, Any]] = field(default_factory=list)
    risks: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    gantt_svg: str | None = None
    gantt_png: bytes | None = None
    summary: str = ""
    workspace: str = "Worksmith"


def chart_images(spec_json: str) -> tuple[str | None, bytes | None]:
    """Render a Vega-Lite spec (JSON text) to (SVG text, PNG bytes), or (None, None) without vl-convert."""
    if vlc is None:
        return None, None
    return vlc.vegalite_to_svg(spec_json), vlc.vegalite_to_png(spec_json, scale=1.5)


def _md_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _md_table(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return ["_None._", ""]
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_md_cell(r.get(h, "")) for h in head) + " |" for r in rows]
    return [*lines, ""]


def render_markdown(report: StatusReport) -> str:
    """The report as Markdown (GitHub flavour); the Gantt chart as an embedded PNG."""
    icon = RAG_ICONS.get(report.rag, "")
    lines = [f"# Status report — {report.project}", "",
             f"{report.workspace} · {report.day:%A} {report.day.day} {report.day:%B %Y}", "",
             f"## Status: {icon} {report.rag.upper()}", ""]
    lines += [f"- {reason}" for reason in report.reasons] + [""]
    if report.summary:
        lines += [f"> {report.summary}", ""]
    lines += ["## Key figures", ""]
    lines += _md_table([{"Figure": label, "Value": value} for label, value in report.figures])
    lines += ["## Schedule", ""]
    if report.gantt_png:
        data = base64.b64encode(report.gantt_png).decode("ascii")
        lines += [f"![Gantt chart of {report.project}](data:image/png;base64,{data})", ""]
    else:
        lines += ["_Gantt image not available (install vl-convert-python to include it)._", ""]
    lines += ["## Milestones", ""] + _md_table(report.milestones)
    lines += ["## Open risks", ""] + _md_table(report.risks)
    lines += ["## Latest status updates", ""] + _md_table(report.updates)
    return "\n".join(lines)


def _html_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p><em>None.</em></p>"
    head = list(rows[0])
    out = ["<table><thead><tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in head) + "</tr></thead><tbody>"]
    out += ["<tr>" + "".join(f"<td>{html.escape(str(r.get(h, '')))}</td>" for h in head) + "</tr>" for r in rows]
    return "".join(out) + "</tbody></table>"


STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:1100px;margin:2em auto;color:#263238;
padding:0 1em}
h1{margin-bottom:.1em} .sub{color:#607D8B;margin-top:0}
.rag{display:inline-block;padding:.3em .9em;border-radius:1em;color:#fff;font-weight:700;letter-spacing:.05em}
table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em} th,td{border-bottom:1px solid #CFD8DC;padding:.4em .6em;
text-align:left;vertical-align:top} th{background:#ECEFF1} .chart svg{max-width:100%;height:auto}
blockquote{border-left:4px solid #CFD8DC;margin:0;padding:.2em 1em;color:#455A64}
"""


def render_html(report: StatusReport) -> str:
    """The report as a self-contained HTML page; the Gantt chart as inline SVG."""
    e = html.escape
    colour = RAG_COLOURS.get(report.rag, "#90A4AE")
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Status report — {e(report.project)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Status report — {e(report.project)}</h1>",
        f"<p class='sub'>{e(report.workspace)} · {report.day:%A} {report.day.day} {report.day:%B %Y}</p>",
        f"<h2>Status: <span class='rag' style='background:{colour}'>{RAG_ICONS.get(report.rag, '')} "
        f"{e(report.rag.upper())}</span></h2>",
        "<ul>" + "".join(f"<li>{e(r)}</li>" for r in report.reasons) + "</ul>",
    ]
    if report.summary:
        parts.append(f"<blockquote>{e(report.summary)}</blockquote>")
    parts += ["<h2>Key figures</h2>", _html_table([{"Figure": k, "Value": v} for k, v in report.figures]),
              "<h2>Schedule</h2>"]
    if report.gantt_svg:
        parts.append(f"<div class='chart'>{report.gantt_svg}</div>")
    else:
        parts.append("<p><em>Gantt image not available (install vl-convert-python to include it).</em></p>")
    parts += ["<h2>Milestones</h2>", _html_table(report.milestones), "<h2>Open risks</h2>",
              _html_table(report.risks), "<h2>Latest status updates</h2>", _html_table(report.updates),
              "</body></html>"]
    return "\n".join(parts)
