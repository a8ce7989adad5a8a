"""Operations charts: where work waits in a workflow (items per stage, time in stage). DataFrames in, charts out."""

from __future__ import annotations

import altair as alt
import pandas as pd

from worksmith.charts import status_scale
from worksmith.charts.memo import remembered
from worksmith.status import ACCENT, BASELINE, CRITICAL, chip
from worksmith.values import is_missing

STAGE_STATUSES = ["on track", "at risk", "off track", "done"]


def _title(text: str, width: int = 58) -> str | list[str]:
    """Long findings wrap onto two lines (Vega-Lite titles do not wrap by themselves) at the first '; ' or ', '."""
    for sep in ("; ", ", "):
        if len(text) > width and sep in text:
            head, tail = text.split(sep, 1)
            return [head + sep.strip(), tail]
    return text


def _stage_frame(stats: pd.DataFrame) -> pd.DataFrame:
    out = stats.copy()
    out["status"] = [s or "on track" for s in out["status"]]
    out["chip"] = [chip(s) for s in out["status"]]
    out["oldest"] = [None if is_missing(v) else v for v in out["oldest_days"].astype(float)]
    out["label"] = [f"{n}" + ("" if o is None or n == 0 or final else f" · oldest {o:.0f} d")
                    for n, o, final in zip(out["items"], out["oldest"], out["final"].astype(bool), strict=True)]
    out["avg"] = [None if is_missing(v) else round(v, 1) for v in out["avg_days_in_stage"].astype(float)]
    return out


@remembered
def items_per_stage(stats: pd.DataFrame, title: str) -> alt.Chart:
    """Horizontal bars: items now in each stage (workflow order), coloured by how long the oldest has waited.

    ``stats``: ``worksmith.domain.operations.stage_stats`` output.
    """
    data = _stage_frame(stats)
    order = data.sort_values("position")["stage"].tolist()
    base = alt.Chart(data).encode(y=alt.Y("stage:N", sort=order, title="Stage (workflow order)"))
    tooltip = [alt.Tooltip("stage:N", title="Stage"), alt.Tooltip("items:Q", title="Items now"),
               alt.Tooltip("oldest:Q", title="Oldest in stage (days)", format=".0f"),
               alt.Tooltip("mean_wait_days:Q", title="Mean wait now (days)", format=".1f"),
               alt.Tooltip("avg:Q", title="Average stay, history (days)", format=".1f"),
               alt.Tooltip("chip:N", title="Oldest wait")]
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        x=alt.X("items:Q", title="Items in stage now", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("status:N", scale=status_scale(STAGE_STATUSES), title="Oldest wait",
                        legend=alt.Legend(orient="top")),
        tooltip=tooltip)
    labels = base.mark_text(align="left", dx=5, fontSize=13).encode(x="items:Q", text="label:N", tooltip=tooltip)
    return (bars + labels).properties(title=_title(title), height=alt.Step(44))


@remembered
def time_in_stage(stats: pd.DataFrame, title: str, highlight: str | None = None) -> alt.Chart:
    """Horizontal bars: the average finished stay per stage from the move history; ``highlight`` in red."""
    data = _stage_frame(stats)
    data = data[~data["final"].astype(bool)]
    data["kind"] = ["slowest" if s == highlight else "other" for s in data["stage"]]
    order = data.sort_values("position")["stage"].tolist()
    base = alt.Chart(data).encode(y=alt.Y("stage:N", sort=order, title="Stage (workflow order)"))
    tooltip = [alt.Tooltip("stage:N", title="Stage"), alt.Tooltip("avg:Q", title="Average stay (days)", format=".1f"),
               alt.Tooltip("finished_stays:Q", title="Finished stays counted")]
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        x=alt.X("avg:Q", title="Average days in stage (from the move history)"),
        color=alt.Color("kind:N", scale=alt.Scale(domain=["slowest", "other"], range=[CRITICAL, ACCENT]),
                        legend=alt.Legend(title=None, orient="top", labelExpr="datum.label == 'slowest' ? "
                                                                             "'slowest stage' : 'other stages'")),
        tooltip=tooltip)
    labels = base.mark_text(align="left", dx=5, fontSize=13, color="#37474F").encode(
        x="avg:Q", text=alt.Text("avg:Q", format=".1f"), tooltip=tooltip)
    empty = data["avg"].isna().all()
    layer = (bars + labels) if not empty else bars.encode(color=alt.value(BASELINE))
    return layer.properties(title=_title(title), height=alt.Step(44))
