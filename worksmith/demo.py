"""A deterministic demo workspace: Northwind Studio, a 25-person company, in three sizes.

``S`` is the hand-written demo a visitor sees: five teams, strategy goals with check-in history, eight projects in
different states (one closed with lessons learned) and four proposed candidates (one below the
capacity cut line, one without an estimate) whose plans use FS/SS/FF dependencies,
lags, milestones and a cross-project link, ongoing operations with recurring work and workflow items, budgets by
month and category, expenses, timesheets, risks and requests waiting for approval. ``M`` and ``L`` add generated
teams, people and projects of the same shape for benchmarks (``L``: ~500 people, 300 projects, 30,000 tasks,
~60,000 budget lines).

Dates are relative to ``today`` (the Monday of its week is "week 0"), so the demo always looks current; the same
``today`` and ``seed`` always give the same rows. Everything is built in memory with explicit ids and inserted in
bulk, then the schedule engine computes the dates.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete as sql_delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from worksmith.commands.p80 import store_p80
from worksmith.commands.workspace import bulk_insert, clear
from worksmith.domain.notation import parse_predecessors
from worksmith.errors import ValidationError
from worksmith.store import models as m
from worksmith.store.db import write_session
from worksmith.values import month_starts as _month_starts
from worksmith.views.plans import schedule_frames
from worksmith.views.workspace import is_empty

SIZES = {
    # extra generated teams, people per generated team, generated projects, tasks per generated project
    "S": dict(teams=0, people=0, projects=0, tasks=0, op_months=12),
    "M": dict(teams=10, people=10, projects=60, tasks=50, op_months=24),
    "L": dict(teams=40, people=12, projects=292, tasks=102, op_months=72),
}

TEAMS = {
    "Marketing": "Brand, content, campaigns and the website's message.",
    "Engineering": "Website, mobile app, platform and data.",
    "Operations": "Facilities, IT support and procurement.",
    "HR": "Hiring, onboarding, reviews and people operations.",
    "Finance": "Accounting, payroll, controlling and the ERP.",
}

# who may do what in the demo (everyone else is an editor); README "Modes" names them
DEMO_ACCESS = {"Ava Thompson": "admin", "Henry Walker": "admin", "William Hughes": "approver",
               "Ethan Brooks": "approver", "Lily Park": "viewer"}

# name, role, team, skills, weekly hours, availability %, hourly cost
PEOPLE = [
    ("Ava Thompson", "Head of Marketing", "Marketing", "strategy, content", 40, 60, 95),
    ("Liam Chen", "Content lead", "Marketing", "content, copywriting", 40, 80, 70),
    ("Sofia Rossi", "Designer", "Marketing", "design, ux", 40, 80, 75),
    ("Noah Patel", "Campaign manager", "Marketing", "campaigns, analytics", 40, 80, 72),
    ("Mia Johansson", "SEO specialist", "Marketing", "seo, analytics, content", 32, 80, 68),
    ("Ethan Brooks", "Engineering manager", "Engineering", "architecture, backend", 40, 60, 110),
    ("Olivia Martin", "Frontend developer", "Engineering", "frontend, ux", 40, 80, 90),
    ("Lucas Weber", "Backend developer", "Engineering", "backend, data", 40, 80, 92),
    ("Amelia Nguyen", "Mobile developer", "Engineering", "mobile, frontend", 40, 80, 95),
    ("James O'Connor", "DevOps engineer", "Engineering", "devops, backend", 40, 80, 98),
    ("Harper Kim", "QA engineer", "Engineering", "qa", 40, 80, 70),
    ("Benjamin Silva", "Data engineer", "Engineering", "data, backend", 40, 80, 96),
    ("Isla Novak", "UX designer", "Engineering", "ux, design, frontend", 24, 100, 85),
    ("Henry Walker", "COO", "Operations", "operations, procurement", 40, 50, 120),
    ("Charlotte Dubois", "IT support lead", "Operations", "it support, devops", 40, 60, 65),
    ("Jack Müller", "Facilities manager", "Operations", "facilities, procurement", 40, 70, 60),
    ("Grace Okafor", "IT administrator", "Operations", "it support", 40, 60, 58),
    ("Emily Carter", "HR lead", "HR", "recruiting, people ops", 40, 60, 85),
    ("Daniel Fischer", "Recruiter", "HR", "recruiting", 40, 80, 62),
    ("Chloe Martins", "People operations", "HR", "people ops, payroll, onboarding", 32, 70, 60),
    ("William Hughes", "CFO", "Finance", "finance, controlling", 40, 40, 130),
    ("Zoe Andersen", "Accountant", "Finance", "accounting, payroll", 40, 60, 64),
    ("Samuel Levi", "Controller", "Finance", "controlling, erp", 40, 70, 80),
    ("Lily Park", "Finance analyst", "Finance", "analytics, erp, data", 40, 80, 70),
    ("Oscar Reyes", "Procurement specialist", "Operations", "procurement, erp", 40, 80, 62),
]


@dataclass
class ProjectPlan:
    """A hand-written project for the S demo. Tasks: (ref, phase, name, days, preds, skill, estimate factor)."""

    name: str
    team: str
    manager: str
    sponsor: str
    goal: str | None
    status: str
    start_week: int
    description: str
    tasks: list[tuple]
    overhead: dict[str, float] = field(default_factory=dict)  # monthly non-labour plan by category
    pace: float = 1.0  # progress achieved vs plan (< 1: behind)
    cost_factor: float = 1.0  # actual cost vs plan (> 1: overspending)
    slip: dict[int, float] = field(default_factory=dict)  # task ref -> duration factor after the baseline
    benefit: float = 0.0
    priority: int = 3
    lessons: str = ""
    risks: list[tuple] = field(default_factory=list)  # (title, probability, impact, mitigation, status)


P = ProjectPlan
PROJECTS = [
    P("Website relaunch", "Engineering", "Ethan Brooks", "Ava Thompson", "Launch the new website", "active", -6,
      "Replace the 2019 site with a faster, accessible, CMS-driven site that converts.",
      [(1, "Discovery", "Kick-off", 0, "", "", 0),
       (2, "Discovery", "Stakeholder interviews", 5, "1", "ux", 0.7),
       (3, "Discovery", "Analytics audit", 4, "1SS", "analytics", 0.6),
       (4, "Design", "Information architecture", 5, "2,3", "ux", 0.8),
       (5, "Design", "Visual design", 10, "4", "design", 0.8),
       (6, "Build", "Content rewrite", 15, "4SS+3d", "content", 0.6),
       (7, "Build", "Frontend build", 15, "5SS+5d", "frontend", 0.9),
       (8, "Build", "CMS and backend", 12, "4", "backend", 0.8),
       (9, "Build", "SEO migration plan", 5, "6FF", "seo", 0.6),
       (10, "Launch", "QA and accessibility", 8, "7,8", "qa", 0.9),
       (11, "Launch", "Go-live preparation", 3, "10,9", "devops", 0.7),
       (12, "Launch", "Site live", 0, "11", "", 0),
       (13, "Launch", "Post-launch monitoring", 10, "12", "analytics", 0.3)],
      overhead={"software": 1800, "services": 4000}, pace=0.97, benefit=420_000, priority=1,
      risks=[("Content not ready for launch", 3, 4, "Weekly content review; launch with top 50 pages first", "open"),
             ("CMS licence cost increase", 2, 2, "Negotiate a 3-year price lock", "mitigating"),
             ("SEO ranking drop after migration", 3, 5, "301 map and Search Console monitoring", "open")]),
    P("Spring campaign", "Marketing", "Noah Patel", "Ava Thompson", "Grow online revenue", "active", -2,
      "Integrated campaign for the spring collection, landing on the new website.",
      [(1, "Plan", "Campaign brief", 3, "", "campaigns", 0.8),
       (2, "Plan", "Audience research", 5, "1", "analytics", 0.7),
       (3, "Create", "Creative concept", 8, "2", "design", 0.8),
       (4, "Create", "Landing pages", 6, "3", "frontend", 0.7),
       (5, "Create", "Ad production", 10, "3", "design", 0.7),
       (6, "Plan", "Media plan", 4, "2SS+2d", "campaigns", 0.6),
       (7, "Run", "Campaign launch", 0, "4,5,6", "", 0),
       (8, "Run", "Performance optimisation", 15, "7", "analytics", 0.4),
       (9, "Run", "Results report", 3, "8", "analytics", 0.8)],
      overhead={"services": 9000, "other": 2500}, benefit=260_000, priority=2,
      risks=[("Website launch slips and delays the campaign", 3, 5, "Fallback landing page on the old site",
              "open"),
             ("Ad costs above forecast", 2, 3, "Cap daily spend; shift budget to best channels", "open")]),
    P("Mobile app v2", "Engineering", "Ethan Brooks", "William Hughes", "Delight our customers", "active", -7,
      "Rebuild the mobile app with offline sync and a new checkout.",
      [(1, "Discovery", "Kick-off", 0, "", "", 0),
       (2, "Discovery", "User research", 8, "1", "ux", 0.7),
       (3, "Discovery", "Technical spike", 5, "1SS", "mobile", 0.8),
       (4, "Design", "UX flows", 10, "2", "ux", 0.8),
       (5, "Build", "API v2", 20, "3", "backend", 0.8),
       (6, "Build", "App screens", 25, "4SS+5d", "mobile", 0.9),
       (7, "Build", "Offline sync", 15, "5SS+10d", "mobile", 0.8),
       (8, "Release", "Beta test", 10, "6,7", "qa", 0.8),
       (9, "Release", "Store submission", 3, "8", "mobile", 0.5),
       (10, "Release", "Release", 0, "9", "", 0)],
      overhead={"software": 1200, "services": 3000}, pace=0.8, cost_factor=1.1, slip={5: 1.4, 6: 1.3},
      benefit=350_000, priority=1,
      risks=[("Offline sync harder than estimated", 4, 4, "Spike on conflict resolution; cut scope to read-only",
              "open"),
             ("App store review rejects the build", 2, 4, "Pre-submission checklist; TestFlight beta", "open"),
             ("Key mobile developer leaves", 2, 5, "Pair programming; document architecture", "mitigating")]),
    P("ERP migration", "Finance", "Samuel Levi", "William Hughes", "Close the books in five days", "active", -9,
      "Move finance and procurement from spreadsheets and the old ERP to a cloud ERP.",
      [(1, "Select", "Requirements", 10, "", "erp", 0.7),
       (2, "Select", "Vendor selection", 8, "1", "procurement", 0.6),
       (3, "Select", "Contract signed", 0, "2", "", 0),
       (4, "Implement", "Data mapping", 15, "3", "erp", 0.8),
       (5, "Implement", "Configuration", 20, "4SS+5d", "erp", 0.8),
       (6, "Implement", "Data migration", 10, "4,5FF", "data", 0.8),
       (7, "Implement", "User training", 8, "5", "erp", 0.6),
       (8, "Go live", "Parallel run", 10, "6,7", "accounting", 0.7),
       (9, "Go live", "Cutover", 0, "8", "", 0),
       (10, "Go live", "Hypercare", 10, "9", "erp", 0.5)],
      overhead={"software": 6000, "services": 12000, "travel": 800}, pace=0.92, cost_factor=1.35, benefit=300_000,
      priority=2,
      risks=[("Consultant days overrun", 4, 4, "Fixed-price change requests; weekly burn review", "open"),
             ("Legacy data quality", 3, 4, "Cleansing sprint before migration", "mitigating")]),
    P("Office move", "Operations", "Jack Müller", "Henry Walker", None, "done", -34,
      "Move the team to the new Riverside office.",
      [(1, "Prepare", "Space planning", 10, "", "facilities", 0.6),
       (2, "Prepare", "Lease signed", 0, "1", "", 0),
       (3, "Fit-out", "Fit-out works", 20, "2", "facilities", 0.4),
       (4, "Fit-out", "IT infrastructure", 8, "3FF", "it support", 0.8),
       (5, "Move", "Move weekend", 0, "3,4", "", 0),
       (6, "Move", "Snag list", 5, "5", "facilities", 0.5)],
      overhead={"services": 9000, "other": 3000}, benefit=0,
      lessons="Book the IT cabling survey before fit-out starts: it cost us a week. Movers need a floor plan "
              "with desk numbers two weeks ahead. A snag list owner per floor kept the last week calm."),
    P("Customer portal", "Engineering", "Lucas Weber", "Henry Walker", "Delight our customers", "proposed", 6,
      "Self-service portal: invoices, orders, tickets.",
      [(1, "Build", "Portal design", 10, "", "ux", 0.8), (2, "Build", "Portal backend", 25, "1SS+5d", "backend", 0.9),
       (3, "Build", "Portal frontend", 20, "1", "frontend", 0.9), (4, "Release", "Portal launch", 0, "2,3", "", 0)],
      overhead={"software": 1500}, benefit=380_000, priority=2),
    P("Data warehouse", "Engineering", "Benjamin Silva", "William Hughes", "Run a lean, efficient company",
      "proposed", 8, "One warehouse for finance, sales and product data.",
      [(1, "Build", "Source analysis", 8, "", "data", 0.8), (2, "Build", "Pipelines", 25, "1", "data", 0.9),
       (3, "Build", "Finance dashboards", 10, "2SS+10d", "analytics", 0.8),
       (4, "Release", "Warehouse live", 0, "2,3", "", 0)],
      overhead={"software": 2500}, benefit=210_000, priority=3),
    P("Employer branding", "HR", "Emily Carter", "Henry Walker", "Build a great place to work", "on hold", 3,
      "Careers site, employee stories and a referral programme.",
      [(1, "Create", "Employee stories", 10, "", "content", 0.5), (2, "Create", "Careers page", 8, "1SS+3d",
                                                                      "frontend", 0.6),
       (3, "Launch", "Referral programme", 5, "2", "recruiting", 0.6), (4, "Launch", "Programme live", 0, "3", "", 0)],
      overhead={"services": 2000}, benefit=60_000, priority=4),
    # two more candidates: one asks Finance for more hours than it has free in Jan–Feb (below the cut line at the
    # default reserve), one came in without an estimate (no tasks, no budget: "needs an estimate", not ranked)
    P("Rolling forecast", "Finance", "Samuel Levi", "William Hughes", "Close the books in five days", "proposed", 6,
      "Replace the yearly budget with a rolling 12-month forecast in the new ERP.",
      [(1, "Build", "Forecast model", 25, "", "controlling", 1.0),
       (2, "Build", "ERP planning module", 25, "1SS", "erp", 1.0),
       (3, "Build", "Historic data load", 20, "1SS+5d", "accounting", 1.0),
       (4, "Release", "First rolling forecast", 0, "1,2,3", "", 0)],
      overhead={"software": 800}, benefit=120_000, priority=3),
    P("Loyalty programme", "Marketing", "Noah Patel", "Ava Thompson", "Grow online revenue", "proposed", 10,
      "Points for repeat customers; converted from a request, not estimated yet.", [], benefit=0, priority=3),
]

# strategic value and delivery risk (1-5) of the candidates ranked on the Goals page; others keep the default 3
CANDIDATE_SCORES = {"Customer portal": {"value_score": 4, "risk_score": 4},
                    "Data warehouse": {"value_score": 3, "risk_score": 2},
                    "Rolling forecast": {"value_score": 3, "risk_score": 3},
                    "Loyalty programme": {"value_score": 4, "risk_score": 3}}

# cross-project link: the campaign launch waits for the website release (+2 working days)
CROSS_LINKS = [("Website relaunch", 12, "Spring campaign", 7, "FS", 2)]

# title, owner, team, parent, [(kr title, start, target, unit, direction, pace)]
GOALS = [
    ("Grow online revenue", "Ava Thompson", "Marketing", None,
     [("Online revenue per month", 200_000, 300_000, "€", "up", 0.85),
      ("Website conversion rate", 1.8, 3.0, "%", "up", 0.5)]),
    ("Launch the new website", "Ethan Brooks", "Engineering", "Grow online revenue",
     [("Pages migrated", 0, 400, "pages", "up", 0.9), ("Lighthouse performance score", 54, 90, "points", "up", 0.75)]),
    ("Delight our customers", "Ethan Brooks", "Engineering", None,
     [("Net promoter score", 32, 45, "points", "up", 0.35), ("App store rating", 3.9, 4.5, "stars", "up", 0.5),
      ("Support tickets per 1,000 users", 12, 6, "tickets", "down", 0.8)]),
    ("Run a lean, efficient company", "William Hughes", "Finance", None,
     [("Operating cost per employee per month", 9_500, 8_500, "€", "down", 0.9)]),
    ("Close the books in five days", "Samuel Levi", "Finance", "Run a lean, efficient company",
     [("Month-end close", 10, 5, "days", "down", 0.45)]),
    ("Build a great place to work", "Emily Carter", "HR", None,
     [("Employee engagement score", 68, 80, "points", "up", 0.8), ("Time to hire", 45, 30, "days", "down", 0.95)]),
]

# name, team, owner, goal, hours/week of the team, stages, [(recurring task, cadence, hours, assignee, first due)]
OPERATIONS = [
    ("Payroll", "Finance", "Zoe Andersen", None, 6,  # keep-the-lights-on work: the Goals page lists it as unaligned
     ["Collect changes", "Calculate", "Approve", "Paid"],
     [("Monthly payroll run", "monthly", 16, "Zoe Andersen", 24), ("Payroll tax filing", "monthly", 4,
                                                                     "Chloe Martins", 10)]),
    ("Month-end close", "Finance", "Samuel Levi", "Close the books in five days", 10,
     ["Open", "Reconcile", "Review", "Closed"],
     [("Close the books", "monthly", 24, "Lily Park", 1), ("Quarterly board pack", "quarterly", 30,
                                                          "William Hughes", 15)]),
    ("IT support", "Operations", "Charlotte Dubois", "Delight our customers", 30,
     ["Submitted", "Triage", "In progress", "Done"],
     [("Security patching", "weekly", 4, "Grace Okafor", 4), ("Backup restore test", "monthly", 3,
                                                              "Charlotte Dubois", 12)]),
    ("Onboarding", "HR", "Chloe Martins", "Build a great place to work", 6,
     ["Offer signed", "Preparing", "First week", "Settled"],
     [("New-joiner welcome session", "monthly", 3, "Emily Carter", 2)]),
    ("Quarterly reviews", "HR", "Emily Carter", "Build a great place to work", 2,
     ["Scheduled", "Self review", "Manager review", "Done"],
     [("Review cycle", "quarterly", 40, "Emily Carter", 5)]),
    ("Content calendar", "Marketing", "Liam Chen", "Grow online revenue", 8,
     ["Idea", "Drafting", "Editing", "Published"],
     [("Weekly blog post", "weekly", 6, "Liam Chen", 3), ("Newsletter", "monthly", 8, "Mia Johansson", 7)]),
]

# process templates: the checklist a new case of the operation starts with (days relative to the case's start)
CHECKLISTS = {
    "Onboarding": [
        {"name": "Send welcome pack", "offset_days": -5, "hours": 1, "assignee": "Chloe Martins"},
        {"name": "Order laptop and accounts", "offset_days": -5, "hours": 2, "assignee": "Grace Okafor"},
        {"name": "First-day welcome and tour", "offset_days": 0, "hours": 2, "assignee": "Chloe Martins"},
        {"name": "Payroll and benefits set-up", "offset_days": 1, "hours": 1, "assignee": "Zoe Andersen"},
        {"name": "30-day check-in", "offset_days": 30, "hours": 1, "assignee": "Emily Carter"},
    ],
}

WORK_ITEMS = {
    "IT support": [("Laptop will not boot", 1, 2), ("VPN drops every hour", 2, 6), ("New starter accounts", 2, 1),
                   ("Printer on floor 2", 0, 0), ("Licence for design tool", 1, 9), ("Phishing email report", 3, 3),
                   ("Shared drive permissions", 2, 12), ("Monitor request", 0, 1), ("Wi-Fi in meeting room", 1, 15),
                   # closed tickets for the stage history (a fixed estimate: they draw nothing from the random stream)
                   ("Password reset for Mia", 3, 8, 1), ("Keyboard replacement", 3, 5, 1),
                   ("Email signature update", 3, 2, 1)],
    "Onboarding": [("Maya Singh — Backend developer", 1, 4), ("Tom Berger — Recruiter", 2, 2),
                   ("Nina Kowalski — Accountant", 0, 1)],
    "Content calendar": [("Case study: Riverside office", 1, 5), ("Spring lookbook", 2, 3), ("SEO guide", 0, 8)],
    "Payroll": [("November changes", 0, 3), ("Bonus payments", 1, 1)],
    "Month-end close": [("October close", 2, 4)],
}

# a work item's days in each workflow stage before its current one (stage 1, e.g. Triage, is the slow one), so the
# move history gives the bottleneck view different average stays per stage
STAGE_STAYS = (1, 4, 2)

# requester, type, title, description, hours, needed in weeks, operation, goal, status, decided by, reason
REQUESTS = [
    ("Sofia Rossi", "IT", "Second monitor for design work", "A 27\" colour-calibrated monitor.", 2, 2, "IT support",
     None, "submitted", None, ""),
    ("Noah Patel", "Analytics", "Sales dashboard for the campaign", "Daily revenue by channel during the campaign.",
     40, 4, None, "Grow online revenue", "submitted", None, ""),
    ("Ava Thompson", "Marketing", "Trade show booth in March", "Booth, materials and staffing for RetailTech.", 120,
     12, None, "Grow online revenue", "submitted", None, ""),
    ("Chloe Martins", "HR", "Onboarding checklist in the HR system", "Automate the first-week checklist.", 24, 6,
     "Onboarding", "Build a great place to work", "submitted", None, ""),
    ("Lily Park", "Finance", "Expense tool integration", "Import card transactions automatically.", 30, 8,
     "Month-end close", "Close the books in five days", "approved", "William Hughes", "Saves two days per close."),
    ("Jack Müller", "Operations", "Team offsite in Lisbon", "Three days for the whole company.", 60, 10, None, None,
     "rejected", "Henry Walker", "Not this year: budget is committed to the ERP migration."),
]


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _parse_preds(notation: str) -> list[tuple[int, str, int]]:
    """'4SS+3d, 2' -> [(4, 'SS', 3), (2, 'FS', 0)]: the plan file's notation."""
    return [(int(link.pred), link.type, link.lag) for link in parse_predecessors(notation)]


class _Builder:
    """Rows per table with explicit ids, inserted in bulk at the end."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def add(self, model: type[SQLModel], **values: Any) -> int:
        table = model.__tablename__
        values.setdefault("id", len(self.rows[table]) + 1)
        if "version" in model.__table__.c:
            values.setdefault("version", 1)
        self.rows[table].append(values)
        return values["id"]

    def insert(self, session: Session) -> None:
        bulk_insert(session, self.rows)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)




def _workday_shares(start: date, finish: date) -> list[tuple[date, float]]:
    """(month, share of the task's Mon–Fri days falling in that month) for a task from start to finish."""
    months = _month_starts(start, finish)
    ends = [*months[1:], finish + timedelta(days=1)]
    counts = [int(np.busday_count(max(a, start), b)) for a, b in zip(months, ends, strict=True)]
    total = sum(counts)
    if not total:
        return [(start.replace(day=1), 1.0)]
    return [(month, n / total) for month, n in zip(months, counts, strict=True) if n]


def _holidays(today: date) -> list[tuple[date, str]]:
    out = []
    for year in range(today.year - 1, today.year + 2):
        out += [(date(year, 1, 1), "New Year's Day"), (date(year, 5, 1), "Labour Day"),
                (date(year, 12, 25), "Christmas Day"), (date(year, 12, 26), "Boxing Day")]
    return out


def build(size: str = "S", *, today: date | None = None, seed: int = 7) -> _Builder:
    """Build the demo rows in memory (no database)."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    today = today or date.today()
    rng = random.Random(seed)
    week0 = week_monday(today)
    b = _Builder()
    for day, name in _holidays(today):
        b.add(m.Holiday, day=day, name=name)

    team_ids = {name: b.add(m.Team, name=name, description=desc) for name, desc in TEAMS.items()}
    person_ids: dict[str, int] = {}
    person_info: dict[int, dict] = {}
    for name, role, team, skills, hours, avail, rate in PEOPLE:
        pid = b.add(m.Person, name=name, role=role, team_id=team_ids[team], skills=sorted(skills.split(", ")),
                    weekly_hours=hours, availability=avail, cost_rate=rate,
                    email=name.lower().replace(" ", ".").replace("'", "").replace("ü", "u") + "@northwind.example",
                    active=True, access=DEMO_ACCESS.get(name, "editor"))
        person_ids[name] = pid
        person_info[pid] = dict(team=team, skills=set(skills.split(", ")), rate=rate, name=name)
    spec = SIZES[size]
    skill_pool = sorted({s for p in person_info.values() for s in p["skills"]})
    for t in range(spec["teams"]):
        base = list(TEAMS)[t % len(TEAMS)]
        tname = f"{base} {t // len(TEAMS) + 2}"
        team_ids[tname] = b.add(m.Team, name=tname, description=f"Generated {base.lower()} team")
        for k in range(spec["people"]):
            skills = sorted(set(rng.sample(skill_pool, 2)))
            name = f"{tname} member {k + 1}"
            rate = rng.randint(55, 120)
            pid = b.add(m.Person, name=name, role="Specialist", team_id=team_ids[tname], skills=skills,
                        weekly_hours=40, availability=80, cost_rate=rate, email="", active=True)
            person_ids[name] = pid
            person_info[pid] = dict(team=tname, skills=set(skills), rate=rate, name=name)

    # time off: a holiday next week for Olivia (she is on two projects: an over-allocation to fix), others later
    for name, start_week, days in [("Olivia Martin", 1, 3), ("Lucas Weber", 3, 5), ("Emily Carter", 5, 5),
                                   ("Zoe Andersen", -2, 2)]:
        start = week0 + timedelta(weeks=start_week)
        b.add(m.TimeOff, person_id=person_ids[name], start=start, end=start + timedelta(days=days - 1),
              note="Annual leave")

    goal_ids = _goals(b, rng, today, week0, person_ids, team_ids)
    projects = list(PROJECTS) + _generated_projects(rng, spec, team_ids, person_info, goal_ids)
    _projects(b, rng, today, week0, projects, person_ids, person_info, team_ids, goal_ids)
    _operations(b, rng, today, week0, spec, person_ids, person_info, team_ids, goal_ids)
    _threads(b, today)
    b.add(m.Setting, key="name", value="Northwind Studio")
    b.add(m.Setting, key="currency", value="€")
    b.add(m.Setting, key="demo", value="1")
    b.add(m.Setting, key="demo_size", value=size)
    b.add(m.ActivityLog, at=datetime.now(UTC), actor="system", action="seed", entity="workspace",
          summary=f"demo workspace (size {size}) created for {today:%d %b %Y}")
    return b


def _threads(b: _Builder, today: date) -> None:
    """A few realistic update threads on the first projects, a task, a goal and a request, with @mentions."""
    people = {r["id"]: r["name"] for r in b.rows["person"]}
    ids = {n: i for i, n in people.items()}
    projects = b.rows["project"][:2]
    tasks = [t for t in b.rows["task"] if t["project_id"] == projects[0]["id"]][:2]
    at = datetime.combine(today, time(9, 0), tzinfo=UTC)

    def post(subject: str, subject_id: int, author: str, body: str, hours_ago: float, parent: int | None = None):
        return b.add(m.Comment, subject=subject, subject_id=subject_id, author_id=ids[author], body=body,
                     parent_id=parent, created_at=at - timedelta(hours=hours_ago), deleted=False)

    p0, p1 = projects[0], projects[1]
    root = post("project", p0["id"], people[p0["manager_id"]],
                "Design review moved to Thursday. @Liam Chen can you confirm the API contract by then? Notes: "
                "https://wiki.northwind.example/reviews/42", 30)
    post("project", p0["id"], "Liam Chen", "Confirmed — the contract is frozen; two open questions in the doc.", 26,
         parent=root)
    post("project", p1["id"], "Sofia Rossi", "Vendor quote came in 8 % over budget; @Ava Thompson please decide "
         "whether we trim scope or ask for more.", 5)
    if tasks:
        post("task", tasks[0]["id"], "Olivia Martin", "Blocked on test data until the export is fixed. "
             "@Sofia Rossi do you know who owns it?", 20)
    if b.rows["goal"]:
        goal = b.rows["goal"][0]
        post("goal", goal["id"], "Ava Thompson", "Check-ins are due Friday; add a note on confidence please.", 48)


def _goals(b: _Builder, rng: random.Random, today: date, week0: date, person_ids, team_ids) -> dict[str, int]:
    start, end = week0 - timedelta(weeks=13), week0 + timedelta(weeks=13, days=-1)
    ids: dict[str, int] = {}
    for title, owner, team, parent, krs in GOALS:
        gid = b.add(m.Goal, title=title, owner_id=person_ids[owner], team_id=team_ids[team], description="",
                    parent_id=ids.get(parent), period_start=start, period_end=end, weight=1.0, archived=False)
        ids[title] = gid
        for kr_title, first, target, unit, direction, pace in krs:
            history = []
            for w in range(13, -1, -1):
                day = week0 - timedelta(weeks=w) + timedelta(days=1)
                if day > today:
                    continue
                frac = max(0.0, min(1.0, (day - start).days / (end - start).days * pace))
                noise = rng.uniform(-0.03, 0.03) * abs(target - first)
                value = round(first + (target - first) * frac + noise, 2)
                history.append((day, value))
            current = history[-1][1] if history else first
            kid = b.add(m.KeyResult, goal_id=gid, title=kr_title, start_value=first, target_value=target,
                        current_value=current, unit=unit, direction=direction, weight=1.0)
            for day, value in history:
                b.add(m.CheckIn, key_result_id=kid, day=day, value=value, confidence=max(2, min(9, round(10 * pace))),
                      note="", author_id=person_ids[owner])
    return ids


def _generated_projects(rng: random.Random, spec: dict, team_ids, person_info, goal_ids) -> list[ProjectPlan]:
    out = []
    teams = [t for t in team_ids if t not in TEAMS] or list(TEAMS)
    members = defaultdict(list)
    for info in person_info.values():
        members[info["team"]].append(info)
    for k in range(spec["projects"]):
        team = teams[k % len(teams)]
        people = members[team]
        n = spec["tasks"]
        tasks = []
        for ref in range(1, n + 1):
            preds: dict[int, str] = {}  # one link per pair of tasks (the plan grid refuses a pair listed twice)
            if ref > 1:
                first = rng.randint(max(1, ref - 6), ref - 1)
                preds[first] = str(first)
            for _extra in range(2 if ref > 3 else 0):
                if rng.random() < 0.55:
                    p = rng.randint(max(1, ref - 10), ref - 1)
                    typ = rng.choice(["", "SS", "FF", "SS+2d", "FS+1d"])
                    preds.setdefault(p, f"{p}{typ}")
            skill = rng.choice(sorted(rng.choice(people)["skills"])) if people else ""
            days = 0 if ref == n or rng.random() < 0.05 else rng.randint(2, 15)
            tasks.append((ref, f"Phase {1 + (ref - 1) * 4 // n}", f"Task {ref}", days, ",".join(preds.values()),
                          skill if days else "", rng.uniform(0.4, 0.9) if days else 0))
        status = rng.choice(["active"] * 5 + ["proposed", "done", "on hold", "approved"])
        manager = people[0]["name"] if people else None
        out.append(ProjectPlan(
            f"{team} project {k + 1}", team, manager, manager, rng.choice(list(goal_ids)), status,
            {"done": -40, "proposed": 6, "approved": 3}.get(status, rng.randint(-20, 0)), "Generated project",
            tasks, overhead={"software": rng.randint(200, 2000), "services": rng.randint(500, 4000),
                             "travel": rng.randint(0, 800), "other": rng.randint(100, 900)},
            pace=rng.uniform(0.75, 1.05), cost_factor=rng.uniform(0.9, 1.3), benefit=rng.randint(0, 500) * 1000))
    return out


def _projects(b: _Builder, rng: random.Random, today: date, week0: date, plans: list[ProjectPlan], person_ids,
              person_info, team_ids, goal_ids) -> None:
    team_people = defaultdict(list)
    for pid, info in person_info.items():
        team_people[info["team"]].append(pid)
    holidays = pd.DataFrame([(r["day"], None) for r in b.rows["holiday"]], columns=["day", "project_id"])
    task_rows: list[dict] = []
    dep_rows: list[dict] = []
    refs: dict[tuple[str, int], int] = {}
    project_rows = {}
    for plan in plans:
        start = week0 + timedelta(weeks=plan.start_week)
        pid = b.add(m.Project, name=plan.name, description=plan.description, goal_id=goal_ids.get(plan.goal),
                    team_id=team_ids[plan.team], manager_id=person_ids.get(plan.manager), status=plan.status,
                    priority=plan.priority, start=start, target_end=None, budget=0.0,
                    expected_benefit=float(plan.benefit), benefit_start=None, lessons_learned=plan.lessons,
                    final_review="", closed_on=None, **CANDIDATE_SCORES.get(plan.name, {}))
        project_rows[plan.name] = (pid, plan, start)
        phases = {}
        for ref, phase, name, days, _preds, skill, factor in plan.tasks:
            if phase not in phases:
                phases[phase] = b.add(m.Phase, project_id=pid, name=phase, position=len(phases))
            candidates = [p for p in team_people[plan.team] if skill in person_info[p]["skills"]] or \
                [p for p in person_info if skill and skill in person_info[p]["skills"]]
            assignee = candidates[(ref * 7 + pid) % len(candidates)] if candidates and days else None
            tid = b.add(m.Task, project_id=pid, phase_id=phases[phase], ref=ref, name=name, assignee_id=assignee,
                        duration_days=days, estimate_hours=round(days * 8 * factor), percent_complete=0.0,
                        status="todo", required_skill=skill, start_no_earlier_than=None, position=ref,
                        critical=False)
            refs[(plan.name, ref)] = tid
            task_rows.append(b.rows["task"][-1])
        for ref, _phase, _name, _days, preds, _skill, _factor in plan.tasks:
            for pred, typ, lag in _parse_preds(preds):
                dep_rows.append(dict(pred_id=refs[(plan.name, pred)], succ_id=refs[(plan.name, ref)], type=typ,
                                     lag_days=lag))
    for pa, ra, pb, rb, typ, lag in CROSS_LINKS:
        if (pa, ra) in refs and (pb, rb) in refs:
            dep_rows.append(dict(pred_id=refs[(pa, ra)], succ_id=refs[(pb, rb)], type=typ, lag_days=lag))
    for dep in dep_rows:
        b.add(m.Dependency, **dep)

    projects_df = pd.DataFrame([(pid, start) for pid, _plan, start in project_rows.values()], columns=["id", "start"])
    tasks_df = pd.DataFrame(task_rows)[["id", "project_id", "duration_days", "start_no_earlier_than", "name"]]
    deps_df = pd.DataFrame(dep_rows, columns=["pred_id", "succ_id", "type", "lag_days"])
    baseline = schedule_frames(projects_df, tasks_df, deps_df, holidays, today=today).set_index("id").to_dict("index")

    # reality after the baseline: some tasks took longer
    by_id = {r["id"]: r for r in task_rows}
    for name, (_pid, plan, _start) in project_rows.items():
        for ref, factor in plan.slip.items():
            row = by_id[refs[(name, ref)]]
            row["duration_days"] = round(row["duration_days"] * factor)
    tasks_df = pd.DataFrame(task_rows)[["id", "project_id", "duration_days", "start_no_earlier_than", "name"]]
    current = schedule_frames(projects_df, tasks_df, deps_df, holidays, today=today).set_index("id").to_dict("index")

    proj = {r["id"]: r for r in b.rows["project"]}
    hours_by_task: dict[int, float] = {}
    for name, (pid, plan, start) in project_rows.items():
        tids = [refs[(name, t[0])] for t in plan.tasks]
        if not tids:  # a candidate without a plan yet: no dates, no budget
            continue
        base_finish = max(baseline[t]["finish_date"] for t in tids)
        row = proj[pid]
        row["target_end"] = base_finish
        for tid in tids:
            task = by_id[tid]
            now = current[tid]
            s, f = now["start_date"], now["finish_date"]
            task.update(start_date=s, finish_date=f, total_float=int(now["total_float"]),
                        critical=bool(now["critical"]))
            task["percent_complete"] = _progress(plan, s, f, task["duration_days"], today, start)
            task["status"] = ("done" if task["percent_complete"] >= 100 else
                              "in progress" if task["percent_complete"] > 0 else "todo")
            if plan.status == "active" and task["duration_days"] > 0:
                low, high = three_point(task["ref"], task["duration_days"])
                task.update(duration_min_days=low, duration_max_days=high)
        if plan.status == "done":
            row["closed_on"] = max(current[t]["finish_date"] for t in tids) + timedelta(days=3)
            row["final_review"] = "Delivered one week late and 4 % over budget; the team is happy in the new space."
        if plan.status == "active" and plan.name == "Mobile app v2":
            blocked = by_id[refs[(name, 7)]]
            if 0 < blocked["percent_complete"] < 100:
                blocked["status"] = "blocked"
        # baseline snapshot and labour plan
        snapshot = {str(tid): dict(start=baseline[tid]["start_date"].isoformat(),
                                   finish=baseline[tid]["finish_date"].isoformat(),
                                   duration=int(by_id[tid]["duration_days"] if plan.slip.get(by_id[tid]["ref"]) is None
                                                else round(by_id[tid]["duration_days"] / plan.slip[by_id[tid]["ref"]])),
                                   estimate_hours=float(by_id[tid]["estimate_hours"]))
                    for tid in tids}
        monthly: dict[tuple[date, str], float] = defaultdict(float)
        for tid in tids:
            task = by_id[tid]
            if not task["assignee_id"] or not task["estimate_hours"]:
                continue
            cost = task["estimate_hours"] * person_info[task["assignee_id"]]["rate"]
            for month, share in _workday_shares(baseline[tid]["start_date"], baseline[tid]["finish_date"]):
                monthly[(month, "labour")] += cost * share
        months = _month_starts(min(baseline[t]["start_date"] for t in tids), base_finish)
        for month in months:
            for category, amount in plan.overhead.items():
                monthly[(month, category)] += amount
        total = 0.0
        for (month, category), amount in sorted(monthly.items()):
            b.add(m.BudgetLine, project_id=pid, operation_id=None, category=category, month=month,
                  planned=round(amount, -1))
            total += round(amount, -1)
            if month <= today.replace(day=1) and category != "labour" and plan.status != "proposed":
                spend_share = 1.0 if month < today.replace(day=1) else today.day / 30
                amount_spent = amount * spend_share * plan.cost_factor * rng.uniform(0.9, 1.1)
                if amount_spent > 1:
                    b.add(m.Expense, project_id=pid, operation_id=None, category=category,
                          day=min(today, month + timedelta(days=20)), amount=round(amount_spent, 2),
                          note=f"{category.capitalize()} {month:%b %Y}")
        row["budget"] = total
        if plan.status in ("active", "done", "on hold"):
            b.add(m.Baseline, project_id=pid, name="Approved plan", taken_at=_at(start), budget=total,
                  snapshot=snapshot)
        # timesheets: booked hours match progress, scaled by the project's cost factor; one entry a week
        for tid in tids:
            task = by_id[tid]
            done_hours = task["estimate_hours"] * task["percent_complete"] / 100 * plan.cost_factor
            if not task["assignee_id"] or done_hours <= 0:
                continue
            weeks = pd.date_range(week_monday(task["start_date"]), min(today, task["finish_date"]), freq="W-FRI")
            weeks = [w.date() for w in weeks] or [min(today, task["finish_date"])]
            for w in weeks:
                b.add(m.TimeEntry, person_id=task["assignee_id"], task_id=tid, operation_id=None,
                      day=min(w, today), hours=min(24.0, round(done_hours / len(weeks), 1)) or 0.1, note="")
            hours_by_task[tid] = done_hours
        _project_people(b, rng, pid, plan, tids, by_id, person_ids, today, week0)


PESSIMISM = (1.25, 1.5, 2.0)  # the demo's max days / most likely, by task ref (cycled): some tasks are riskier


def three_point(ref: int, days: int) -> tuple[int, int]:
    """The demo's three-point estimate of an active project's task (deterministic, no random draw, so the rest of
    the demo is unchanged): min = round(0.8 d), max = round(d × 1.25 / 1.5 / 2.0 by ref), rounded half up."""
    return int(days * 0.8 + 0.5), int(days * PESSIMISM[ref % len(PESSIMISM)] + 0.5)


def _progress(plan: ProjectPlan, start: date, finish: date, days: int, today: date, project_start: date) -> float:
    """% complete as if the team were ``(1 - pace)`` of the elapsed time behind the plan."""
    if plan.status == "done":
        return 100.0
    if plan.status in ("proposed", "approved", "on hold") or start > today:
        return 0.0
    behind = round((1 - plan.pace) * np.busday_count(project_start, today))
    reached = np.busday_offset(today, -behind, roll="backward").astype(object) if behind > 0 else today
    if days == 0:
        return 100.0 if start <= reached else 0.0
    elapsed = int(np.busday_count(start, min(finish, reached) + timedelta(days=1))) if start <= reached else 0
    return float(min(100, round(100 * elapsed / days / 5) * 5))


def _project_people(b: _Builder, rng: random.Random, pid: int, plan: ProjectPlan, tids, by_id, person_ids, today,
                    week0) -> None:
    assignees = sorted({by_id[t]["assignee_id"] for t in tids if by_id[t]["assignee_id"]})
    manager, sponsor = person_ids.get(plan.manager), person_ids.get(plan.sponsor)
    roles = {a: "member" for a in assignees}
    if sponsor:
        roles[sponsor] = "sponsor"
    if manager:
        roles[manager] = "manager"
    for person, role in roles.items():
        b.add(m.ProjectMember, project_id=pid, person_id=person, role=role,
              allocation={"sponsor": 10, "manager": 40}.get(role, 50))
    if len(plan.tasks) > 20:
        return
    phases = [r for r in b.rows["phase"] if r["project_id"] == pid]
    for phase in phases:
        phase_people = [by_id[t]["assignee_id"] for t in tids if by_id[t]["phase_id"] == phase["id"]
                        and by_id[t]["assignee_id"]]
        if manager:
            b.add(m.Raci, project_id=pid, phase_id=phase["id"], task_id=None, person_id=manager, code="A")
        for person in sorted(set(phase_people) - {manager}):
            b.add(m.Raci, project_id=pid, phase_id=phase["id"], task_id=None, person_id=person, code="R")
        if sponsor and sponsor != manager:
            b.add(m.Raci, project_id=pid, phase_id=phase["id"], task_id=None, person_id=sponsor, code="I")
    for title, prob, impact, mitigation, status in plan.risks:
        b.add(m.Risk, project_id=pid, title=title, probability=prob, impact=impact, owner_id=manager,
              mitigation=mitigation, status=status)
    if plan.status in ("active", "done"):
        notes = {1.0: ("green", "On plan."), 0.97: ("green", "Design signed off; build under way."),
                 0.8: ("red", "API and app screens took longer than planned; release date at risk."),
                 0.92: ("amber", "Configuration on track but consultant days are running over budget.")}
        rag, text_ = notes.get(plan.pace, ("green", "On plan."))
        for w, (r, t) in enumerate([("green", "Kick-off done, plan baselined."), ("green", "Work started on plan."),
                                    (rag, text_)]):
            day = week0 - timedelta(weeks=2 * (2 - w)) + timedelta(days=4)
            if day >= week0 + timedelta(weeks=plan.start_week) and day <= today:
                b.add(m.StatusUpdate, project_id=pid, day=day, rag=r, summary=t, author_id=manager)
    if plan.name in ("Website relaunch", "Spring campaign"):
        phases_by_id = {p["id"]: p["name"] for p in phases}
        id_to_ref = {t: by_id[t]["ref"] for t in tids}
        deps = [dict(pred=id_to_ref[d["pred_id"]], succ=id_to_ref[d["succ_id"]], type=d["type"], lag=d["lag_days"])
                for d in b.rows["dependency"] if d["pred_id"] in id_to_ref and d["succ_id"] in id_to_ref]
        tasks = [dict(ref=by_id[t]["ref"], name=by_id[t]["name"], phase=phases_by_id[by_id[t]["phase_id"]],
                      duration=by_id[t]["duration_days"], estimate_hours=by_id[t]["estimate_hours"],
                      skill=by_id[t]["required_skill"]) for t in tids]
        b.add(m.Template, name={"Website relaunch": "Website project",
                                "Spring campaign": "Marketing campaign"}[plan.name],
              description=f"Saved from '{plan.name}'", source_project_id=pid, plan=dict(tasks=tasks, deps=deps),
              created_at=_at(week0 - timedelta(weeks=1)))


def _operations(b: _Builder, rng: random.Random, today: date, week0: date, spec: dict, person_ids, person_info,
                team_ids, goal_ids) -> None:
    ops = list(OPERATIONS)
    for tname in [t for t in team_ids if t not in TEAMS]:
        lead = next(p["name"] for p in person_info.values() if p["team"] == tname)
        for kind in ("service desk", "maintenance"):
            ops.append((f"{tname} {kind}", tname, lead, None, rng.randint(4, 20),
                        ["Submitted", "Triage", "In progress", "Done"],
                        [(f"{tname} {kind} review", "weekly", 2, lead, rng.randint(0, 6))]))
    op_ids = {}
    for name, team, owner, goal, hours, stages, recurring in ops:
        oid = b.add(m.Operation, name=name, description="", team_id=team_ids[team], goal_id=goal_ids.get(goal),
                    owner_id=person_ids[owner], demand_hours_per_week=hours, stages=stages, active=True,
                    checklist=[dict(item, assignee_id=person_ids[item["assignee"]])
                               for item in CHECKLISTS.get(name, [])])
        op_ids[name] = oid
        for rname, cadence, rhours, assignee, offset in recurring:
            b.add(m.RecurringTask, operation_id=oid, name=rname, cadence=cadence, hours=rhours,
                  assignee_id=person_ids[assignee], anchor=week0 - timedelta(weeks=26) + timedelta(days=offset))
        for title, stage_index, age, *estimate in WORK_ITEMS.get(name, []):
            entered = _at(today - timedelta(days=age))
            stays = [STAGE_STAYS[k % len(STAGE_STAYS)] for k in range(stage_index)]  # days in each earlier stage
            created = entered - timedelta(days=sum(stays))
            iid = b.add(m.WorkItem, operation_id=oid, title=title, stage=stages[stage_index],
                        owner_id=person_ids[owner], created_at=created, stage_entered_at=entered, request_id=None,
                        case="", due=None, estimate_hours=float(estimate[0] if estimate else rng.choice([1, 2, 4, 8])))
            for k in range(stage_index + 1):
                b.add(m.WorkItemMove, item_id=iid, from_stage=stages[k - 1] if k else None, to_stage=stages[k],
                      at=entered if k == stage_index else created + timedelta(days=sum(stays[:k])), actor=owner)
        members = [pid for pid, info in person_info.items() if info["team"] == team]
        rate = sum(person_info[p]["rate"] for p in members) / max(1, len(members))
        for month in _month_starts(week0 - timedelta(weeks=4 * spec["op_months"] // 2),
                                   week0 + timedelta(weeks=4 * spec["op_months"] // 2)):
            for category, amount in (("labour", hours * 4.33 * rate), ("software", 300 + 40 * hours),
                                     ("services", 20 * hours), ("travel", 120), ("other", 150)):
                b.add(m.BudgetLine, project_id=None, operation_id=oid, category=category, month=month,
                      planned=round(amount, -1))
                if month < today.replace(day=1) and category != "labour":
                    b.add(m.Expense, project_id=None, operation_id=oid, category=category,
                          day=month + timedelta(days=14), amount=round(amount * rng.uniform(0.85, 1.12), 2),
                          note=f"{category.capitalize()} {month:%b %Y}")
        # booked run hours, weekly, by up to three team members (the last half year: S's whole budget history)
        for w in range(26, 0, -1):
            friday = week0 - timedelta(weeks=w) + timedelta(days=4)
            for person in members[:3]:
                b.add(m.TimeEntry, person_id=person, task_id=None, operation_id=oid, day=friday,
                      hours=round(hours / max(1, min(3, len(members))), 1) or 0.5, note="")
    b.add(m.AutomationRule, name="IT requests become support tickets", trigger="request_approved",
          condition={"type": "IT"}, action="create_work_item",
          params={"operation_id": op_ids["IT support"], "owner_id": person_ids["Charlotte Dubois"]}, active=True)
    b.add(m.AutomationRule, name="Overdue tasks show on the Overview", trigger="task_overdue", condition={},
          action="flag_overview", params={}, active=True)
    for requester, rtype, title, desc, hours, weeks, op, goal, status, decider, reason in REQUESTS:
        submitted = _at(today - timedelta(days=rng.randint(1, 12)))
        b.add(m.Request, requester_id=person_ids[requester], type=rtype, title=title, description=desc,
              estimate_hours=hours, needed_by=week0 + timedelta(weeks=weeks), goal_id=goal_ids.get(goal),
              operation_id=op_ids.get(op), status=status, submitted_at=submitted,
              decided_by_id=person_ids.get(decider),
              decided_at=min(submitted + timedelta(days=2), _at(today)) if decider else None,  # never in the future
              reason=reason, project_id=None, task_id=None)


def seed(engine: Engine, size: str = "S", *, today: date | None = None, reset: bool = False, seed: int = 7) -> dict:
    """Write the demo into ``engine``'s database (which must be migrated). ``reset`` clears it first.

    Returns counts per table. Refuses to write into a workspace that has data unless ``reset`` is set.
    """
    rows = build(size, today=today, seed=seed)
    with write_session(engine) as session:
        if reset:
            clear(session)
            session.execute(sql_delete(m.Setting.__table__))
        elif not is_empty(session):
            raise ValidationError("This workspace already has data; use --reset to replace it with the demo.")
        rows.insert(session)
        store_p80(session, today=today or date.today())  # computed, like the tasks' dates
    return {table: len(r) for table, r in rows.rows.items()}
