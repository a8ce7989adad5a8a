"""Status names, shapes and colours: one vocabulary for every page, chart and report (UX.md).

Never colour alone: every status also has a shape from ordinary text fonts (no emoji font needed) and its name.
"""

from __future__ import annotations

ON_TRACK, AT_RISK, OFF_TRACK, DONE, NOT_STARTED = "on track", "at risk", "off track", "done", "not started"
NOT_PLANNED = "not planned"  # a project with nothing to track yet (no tasks or no budget): next steps instead of a RAG

STATUS_COLOURS = {
    ON_TRACK: "#2E7D32",
    AT_RISK: "#F9A825",
    OFF_TRACK: "#C62828",
    DONE: "#546E7A",
    NOT_STARTED: "#90A4AE",
    NOT_PLANNED: "#8D6E63",
}
STATUS_ICONS = {ON_TRACK: "●", AT_RISK: "▲", OFF_TRACK: "■", DONE: "✔", NOT_STARTED: "○", NOT_PLANNED: "◇"}
# Streamlit markdown colour names closest to the status colours, for coloured text
MARKDOWN_COLOURS = {ON_TRACK: "green", AT_RISK: "orange", OFF_TRACK: "red", DONE: "gray", NOT_STARTED: "gray",
                     NOT_PLANNED: "violet"}
CRITICAL = "#C62828"
BASELINE = "#CFD8DC"
ACCENT = "#1565C0"


def chip(status: str, label: str | None = None) -> str:
    """'at risk' -> '▲ at risk' (an unknown status gets the 'not started' shape)."""
    return f"{STATUS_ICONS.get(status, STATUS_ICONS[NOT_STARTED])} {label or status}"


def status_of(text: str) -> str | None:
    """The status a label ends with ('■ off track' -> 'off track'), or None."""
    text = str(text)
    return next((status for status in STATUS_COLOURS if text.endswith(status)), None)
