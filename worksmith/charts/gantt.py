"""Project charts: the Gantt chart, the 5×5 risk heat grid and the program timeline (DataFrames in, Altair out).

Gantt rows are built by :func:`gantt_rows`: a header row per phase (a thin dark summary bar from its first start
to its last finish) followed by its tasks. A task bar runs from its start date to the day after its finish date
(the finish day is worked); a milestone is a diamond on its date. Colour: critical path red
(:data:`worksmith.status.CRITICAL`), other open work blue, finished work grey — and the legend says which is which.
Baseline bars sit behind in light grey; the dashed rule is today. Connectors (:func:`gantt_links`) are elbows from
the predecessor's end (start for SS/SF) down to the successor's start (finish for FF/SF).
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from worksmith import fmt
from worksmith.charts import text_width, vega_date
from worksmith.charts.memo import remembered
from worksmith.domain.risks import risk_level
from worksmith.status import ACCENT, BASELINE, CRITICAL, STATUS_COLOURS

ROW_STEP = 22  # px per row: 150 tasks + phases stay readable (height grows with the rows)
KINDS = ["critical", "not critical", "done"]
KIND_COLOURS = [CRITICAL, ACCENT, STATUS_COLOURS["done"]]
PHASE_MARK = "▸ "
LEVEL_COLOURS = {"low": STATUS_COLOURS["on track"], "medium": STATUS_COLOURS["at risk"],
                 "high": STATUS_COLOURS["off track"]}
TODAY_COLOUR = "#37474F"


def _ts(value) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value)


def gantt_rows(tasks: pd.DataFrame) -> pd.DataFrame:
    """Chart rows from a project's tasks.

    ``tasks``: [id, ref, name, phase, phase_position, position, assignee, duration_days, start_date, finish_date,
    total_float, critical, percent_complete] and optionally [baseline_start, baseline_finish, finish_variance].
    Returns one row per phase header and per scheduled task, in plan order, with ``row`` (the y label),
    ``order``, ``kind`` ('phase' | 'task' | 'milestone'), ``colour`` (one of :data:`KINDS`, or 'phase'),
    ``start``/``end`` (end = finish + 1 day; a milestone's end = its start), baseline ``b_start``/``b_end`` and
    the tooltip texts.
    """
    columns = ["id", "row", "order", "kind", "colour", "phase", "start", "end", "b_start", "b_end", "start_txt",
               "finish_txt", "duration", "float_txt", "assignee", "complete", "baseline_txt", "variance_txt",
               "critical"]
    scheduled = tasks[tasks["start_date"].notna()].copy()
    if scheduled.empty:
        return pd.DataFrame(columns=columns)
    for col in ("baseline_start", "baseline_finish", "finish_variance"):
        if col not in scheduled.columns:
            scheduled[col] = None
    scheduled = scheduled.sort_values(["phase_position", "phase", "position", "ref"], kind="stable")
    rows = []
    for phase, group in scheduled.groupby(["phase_position", "phase"], sort=False):
        name = phase[1]
        start, finish = min(group["start_date"]), max(group["finish_date"])
        end = max(_ts(f) + pd.Timedelta(days=1 if d else 0) for f, d in zip(group["finish_date"],
                                                                            group["duration_days"], strict=True))
        rows.append(dict(id=None, row=f"{PHASE_MARK}{name}", kind="phase", colour="phase", phase=name,
                         start=_ts(start), end=end, b_start=None, b_end=None,
                         start_txt=fmt.day(start), finish_txt=fmt.day(finish), duration=fmt.DASH, float_txt=fmt.DASH,
                         assignee="", complete=fmt.DASH, baseline_txt=fmt.DASH, variance_txt=fmt.DASH,
                         critical=bool(group["critical"].any())))
        for t in group.itertuples():
            milestone = int(t.duration_days) == 0
            done = float(t.percent_complete) >= 100
            colour = "done" if done else "critical" if bool(t.critical) else "not critical"
            b_start, b_finish = _ts(t.baseline_start), _ts(t.baseline_finish)
            variance = t.finish_variance
            rows.append(dict(
                id=int(t.id), row=f"#{t.ref} {t.name}", kind="milestone" if milestone else "task", colour=colour,
                phase=name, start=_ts(t.start_date),
                end=_ts(t.start_date) if milestone else _ts(t.finish_date) + pd.Timedelta(days=1),
                b_start=b_start, b_end=(b_start if milestone else b_finish + pd.Timedelta(days=1))
                if b_start is not None and b_finish is not None else None,
                start_txt=fmt.day(t.start_date), finish_txt=fmt.day(t.finish_date),
                duration="milestone" if milestone else f"{int(t.duration_days)} working days",
                float_txt=fmt.DASH if pd.isna(t.total_float) else f"{int(t.total_float)} working days",
                assignee=t.assignee or "unassigned", complete=fmt.percent(float(t.percent_complete) / 100),
                baseline_txt=fmt.day(t.baseline_finish) if b_finish is not None else "no baseline",
                variance_txt=fmt.DASH if variance is None or pd.isna(variance) else
                ("on baseline" if int(variance) == 0 else f"{int(variance):+d} working days "
                 f"({'late' if int(variance) > 0 else 'early'})"),
                critical=bool(t.critical)))
    out = pd.DataFrame(rows, columns=columns)
    out["order"] = range(len(out))
    return out


def gantt_links(deps: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Elbow connectors, three points per dependency: [link, step, x, row, critical].

    ``deps``: [id, pred_id, succ_id, type]; only links whose both tasks are in ``rows`` are drawn. A link is
    'critical' when both its tasks are critical.
    """
    tasks = rows[rows["kind"] != "phase"].set_index("id")
    out = []
    for dep in deps.itertuples():
        if dep.pred_id not in tasks.index or dep.succ_id not in tasks.index:
            continue
        p, s = tasks.loc[dep.pred_id], tasks.loc[dep.succ_id]
        x0 = p["end"] if dep.type in ("FS", "FF") else p["start"]
        x1 = s["start"] if dep.type in ("FS", "SS") else s["end"]
        critical = bool(p["critical"] and s["critical"])
        for step, (x, row) in enumerate([(x0, p["row"]), (x0, s["row"]), (x1, s["row"])]):
            out.append((int(dep.id), step, x, row, critical))
    return pd.DataFrame(out, columns=["link", "step", "x", "row", "critical"])


def _today_rule(today: date, starts: pd.Series, ends: pd.Series) -> list[alt.Chart]:
    """The dashed today line, or nothing when today is far outside the plan (it would squash the bars)."""
    first, last = pd.Series(starts).dropna().min(), pd.Series(ends).dropna().max()
    if pd.isna(first) or not first - pd.Timedelta(days=14) <= pd.Timestamp(today) <= last + pd.Timedelta(days=14):
        return []
    frame = pd.DataFrame({"day": [pd.Timestamp(today)], "label": ["today"]})
    rule = alt.Chart(frame).mark_rule(strokeDash=[6, 4], color=TODAY_COLOUR, strokeWidth=1.5).encode(
        x="day:T", tooltip=[alt.Tooltip("day:T", title="Today", format="%a %d %b %Y")])
    text = alt.Chart(frame).mark_text(align="left", baseline="top", dx=4, y=2, color=TODAY_COLOUR,
                                      fontSize=12).encode(x="day:T", text="label:N")
    return [rule, text]


@remembered
def gantt_chart(rows: pd.DataFrame, links: pd.DataFrame | None = None, *, today: date, title: str,
                width: int | str = "container") -> alt.LayerChart:
    """The Gantt chart for :func:`gantt_rows` (and optional :func:`gantt_links`); height grows with the rows."""
    order = rows["row"].tolist()
    y = alt.Y("row:N", sort=order, title=None, scale=alt.Scale(paddingInner=0.25),
              axis=alt.Axis(labelLimit=320, labelFontSize=13, labelColor="#263238",
                            labelFontWeight=alt.expr(f"indexof(datum.value, '{PHASE_MARK.strip()}') == 0 "
                                                     "? 'bold' : 'normal'")))
    x_axis = alt.Axis(format="%d %b", title="Date", grid=True, tickCount="week", labelAngle=0, labelFontSize=12,
                      titleFontSize=13, orient="top" if len(rows) > 40 else "bottom")  # long plans: dates on top
    tooltip = [alt.Tooltip("row:N", title="Task"), alt.Tooltip("phase:N", title="Phase"),
               alt.Tooltip("start_txt:N", title="Start"), alt.Tooltip("finish_txt:N", title="Finish"),
               alt.Tooltip("duration:N", title="Duration"), alt.Tooltip("float_txt:N", title="Total float"),
               alt.Tooltip("assignee:N", title="Assignee"), alt.Tooltip("complete:N", title="Complete"),
               alt.Tooltip("baseline_txt:N", title="Baseline finish"),
               alt.Tooltip("variance_txt:N", title="Vs baseline")]
    ends = pd.concat([rows["start"], rows["end"], rows["b_start"], rows["b_end"]]).dropna()
    scale = alt.Scale(domain=[(ends.min() - pd.Timedelta(days=1)).isoformat(),
                              (ends.max() + pd.Timedelta(days=2)).isoformat()], nice=False) if len(ends) else \
        alt.Scale()
    colour = alt.Color("colour:N", title="Tasks", scale=alt.Scale(domain=KINDS, range=KIND_COLOURS),
                       legend=alt.Legend(orient="top", labelFontSize=12))
    base = alt.Chart(rows).encode(y=y)
    tasks = rows[rows["kind"] == "task"]
    layers: list[alt.Chart] = []
    baseline = rows[rows["b_start"].notna() & (rows["kind"] == "task")]
    if len(baseline):
        layers.append(alt.Chart(baseline).mark_bar(size=6, yOffset=8, color=BASELINE).encode(
            x=alt.X("b_start:T", axis=x_axis, scale=scale), x2="b_end:T", y=y,
            tooltip=[alt.Tooltip("row:N", title="Task"), alt.Tooltip("baseline_txt:N", title="Baseline finish"),
                     alt.Tooltip("variance_txt:N", title="Vs baseline")]))
    layers.append(base.transform_filter(alt.datum.kind == "phase").mark_bar(size=5, color=TODAY_COLOUR).encode(
        x=alt.X("start:T", axis=x_axis, scale=scale), x2="end:T", tooltip=[alt.Tooltip("row:N", title="Phase"),
                                                              alt.Tooltip("start_txt:N", title="Start"),
                                                              alt.Tooltip("finish_txt:N", title="Finish")]))
    if len(tasks):
        layers.append(base.transform_filter(alt.datum.kind == "task").mark_bar(size=13, cornerRadius=2).encode(
            x=alt.X("start:T", axis=x_axis, scale=scale), x2="end:T", color=colour, tooltip=tooltip))
    if links is not None and len(links):
        for critical, stroke in ((False, "#90A4AE"), (True, CRITICAL)):
            part = links[links["critical"] == critical]
            if len(part):
                layers.append(alt.Chart(part).mark_line(strokeWidth=1.2, opacity=0.8, color=stroke).encode(
                    x="x:T", y=alt.Y("row:N", sort=order), detail="link:N", order="step:Q"))
    miles = rows[rows["kind"] == "milestone"]
    if len(miles):
        layers.append(base.transform_filter(alt.datum.kind == "milestone").mark_point(
            shape="diamond", filled=True, size=190, opacity=1, stroke="white", strokeWidth=1).encode(
            x="start:T", color=colour, tooltip=tooltip))
    layers += _today_rule(today, rows["start"], rows["end"])
    return alt.layer(*layers).properties(title=title, width=width, height=alt.Step(ROW_STEP)).configure_axis(
        labelFontSize=12, titleFontSize=13).configure_title(fontSize=16, anchor="start")


# --------------------------------------------------------------------------------------------- risks
def risk_grid(risks: pd.DataFrame) -> pd.DataFrame:
    """All 25 probability × impact cells with the open risks in each: [probability, impact, score, level, count,
    titles]. Closed risks are left out."""
    open_risks = risks[risks["status"] != "closed"] if len(risks) else risks
    rows = []
    for p in range(1, 6):
        for i in range(1, 6):
            here = open_risks[(open_risks["probability"] == p) & (open_risks["impact"] == i)] if len(open_risks) \
                else open_risks
            rows.append((p, i, p * i, risk_level(p * i), len(here),
                         "; ".join(here["title"]) if len(here) else "no open risk"))
    return pd.DataFrame(rows, columns=["probability", "impact", "score", "level", "count", "titles"])


@remembered
def risk_heatmap(grid: pd.DataFrame, *, title: str) -> alt.LayerChart:
    """5×5 heat grid: cell colour = level of probability × impact, number = open risks in the cell."""
    base = alt.Chart(grid).encode(
        x=alt.X("impact:O", title="Impact (1 minor – 5 severe)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("probability:O", title="Probability (1 rare – 5 almost certain)", sort="descending"))
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("level:N", title="Risk level", scale=alt.Scale(domain=list(LEVEL_COLOURS),
                                                                       range=list(LEVEL_COLOURS.values())),
                        legend=alt.Legend(orient="top")),
        opacity=alt.condition(alt.datum.count > 0, alt.value(1.0), alt.value(0.28)),
        tooltip=[alt.Tooltip("probability:O", title="Probability"), alt.Tooltip("impact:O", title="Impact"),
                 alt.Tooltip("score:Q", title="Score (P × I)"), alt.Tooltip("level:N", title="Level"),
                 alt.Tooltip("count:Q", title="Open risks"), alt.Tooltip("titles:N", title="Risks")])
    text = base.transform_filter(alt.datum.count > 0).mark_text(fontSize=20, fontWeight="bold", color="white").encode(
        text="count:Q")
    return (cells + text).properties(title=title, width=360, height=360)


# --------------------------------------------------------------------------------------------- program
@remembered
def program_chart(items: pd.DataFrame, links: pd.DataFrame, *, today: date, title: str,
                  width: int | str = "container") -> alt.LayerChart:
    """Active projects on one timeline: critical tasks as bars, milestones as diamonds, cross-project links as
    lines from the driving task to the task that waits (red when the link drives it, i.e. no slack).

    ``items``: [project, task, kind, start, end, critical]; ``links``: [from_project, from_task, from_day,
    to_project, to_task, to_day, type, lag, slack, driving].
    """
    projects = sorted(items["project"].dropna().unique().tolist()) if len(items) else []
    y = alt.Y("project:N", title=None, sort=projects, axis=alt.Axis(labelLimit=260, labelFontSize=13))
    miles = items[items["kind"] == "milestone"]
    # room on the right (px): the last bar does not end on the chart's edge, the last milestone's name fits
    pad = int(max([16.0, *(text_width(t, 11) + 14 for t in miles["task"])]))
    x = alt.X("start:T", title="Date", axis=alt.Axis(format="%d %b", tickCount="week", labelAngle=0),
              scale=alt.Scale(padding=pad, domainMin=vega_date(min(pd.Timestamp(today), items["start"].min()))))
    tip = [alt.Tooltip("project:N", title="Project"), alt.Tooltip("task:N", title="Task"),
           alt.Tooltip("kind:N", title="Kind"), alt.Tooltip("start:T", title="Start", format="%a %d %b %Y")]
    bars = alt.Chart(items[items["kind"] != "milestone"]).mark_bar(size=10, opacity=0.55, color=CRITICAL).encode(
        x=x, x2="end:T", y=y, tooltip=[*tip, alt.Tooltip("end:T", title="Ends before", format="%a %d %b %Y")])
    diamonds = alt.Chart(miles).mark_point(shape="diamond", filled=True, size=220, color=TODAY_COLOUR,
                                           stroke="white").encode(x=x, y=y, tooltip=tip)
    labels = alt.Chart(miles).mark_text(align="left", dx=8, dy=-12, fontSize=11).encode(x=x, y=y, text="task:N")
    layers = [bars, diamonds, labels]
    if len(links):
        pts = pd.concat([
            pd.DataFrame({"link": range(len(links)), "step": 0, "start": links["from_day"],
                          "project": links["from_project"], "driving": links["driving"]}),
            pd.DataFrame({"link": range(len(links)), "step": 1, "start": links["to_day"],
                          "project": links["to_project"], "driving": links["driving"]})])
        pts["what"] = [f"{a} · {b} → {c} · {d} ({t}{lag:+d}d), slack {s} working days" for a, b, c, d, t, lag, s in
                       zip(links["from_project"], links["from_task"], links["to_project"], links["to_task"],
                           links["type"], links["lag"], links["slack"], strict=True)] * 2
        layers.append(alt.Chart(pts).mark_line(strokeWidth=2.5, strokeDash=[5, 3], point=True).encode(
            x="start:T", y=y, detail="link:N", order="step:Q",
            color=alt.condition(alt.datum.driving, alt.value(CRITICAL), alt.value("#546E7A")),
            tooltip=[alt.Tooltip("what:N", title="Cross-project link")]))
    layers += _today_rule(today, items["start"], items["end"])
    return alt.layer(*layers).properties(title=title, width=width, height=alt.Step(56)).configure_title(
        fontSize=16, anchor="start")
