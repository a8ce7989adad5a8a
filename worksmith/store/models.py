"""Worksmith's data model (DESIGN §2).

Layered per entity, as in the SQLModel docs: ``XBase`` holds the fields a person may set with their
constraints, ``X(XBase, table=True)`` adds keys and the ``version`` column, ``XCreate`` validates input for a
new row and ``XUpdate`` is the same with every field optional. Table models are never built straight from user
input: services validate through ``XCreate`` (an update validates the merged record the same way), so a rule
lives in one place.

Every editable table carries ``version`` as SQLAlchemy's ``version_id_col``: a stale save raises
``StaleDataError`` and the service turns it into "changed by someone else — reload".
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Literal

from pydantic import create_model, field_validator, model_validator
from sqlalchemy import JSON, BigInteger, Index, String, UniqueConstraint, func, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

PROJECT_STATUSES = ("proposed", "approved", "active", "on hold", "done", "cancelled")
TASK_STATUSES = ("todo", "in progress", "blocked", "done")
DEPENDENCY_TYPES = ("FS", "SS", "FF", "SF")
MEMBER_ROLES = ("sponsor", "manager", "member", "stakeholder")
RACI_CODES = ("R", "A", "C", "I")
RISK_STATUSES = ("open", "mitigating", "closed")
RAG = ("green", "amber", "red")
CADENCES = ("weekly", "monthly", "quarterly")
REQUEST_STATUSES = ("submitted", "approved", "rejected", "converted")
BUDGET_CATEGORIES = ("labour", "software", "travel", "services", "other")
KR_DIRECTIONS = ("up", "down")
ACCESS_ROLES = ("viewer", "editor", "approver", "admin")  # what a person may do (enforced in the commands)
COMMENT_SUBJECTS = ("project", "task", "request", "goal", "work_item")

ProjectStatus = Literal["proposed", "approved", "active", "on hold", "done", "cancelled"]
TaskStatus = Literal["todo", "in progress", "blocked", "done"]
DependencyType = Literal["FS", "SS", "FF", "SF"]
MemberRole = Literal["sponsor", "manager", "member", "stakeholder"]
RaciCode = Literal["R", "A", "C", "I"]
RiskStatus = Literal["open", "mitigating", "closed"]
Rag = Literal["green", "amber", "red"]
Cadence = Literal["weekly", "monthly", "quarterly"]
RequestStatus = Literal["submitted", "approved", "rejected", "converted"]
BudgetCategory = Literal["labour", "software", "travel", "services", "other"]
Direction = Literal["up", "down"]
AccessRole = Literal["viewer", "editor", "approver", "admin"]
CommentSubject = Literal["project", "task", "request", "goal", "work_item"]


def utcnow() -> datetime:
    """Timestamps are stored as aware UTC datetimes."""
    return datetime.now(UTC)


def _finite(value: float | None, field: str) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueError(f"{field} must be a finite number")
    return value


# Bounds a saved value can never exceed (DESIGN §5): a value that can be saved must never break a page or an
# export, so sums of them stay finite and dates stay printable.
MAX_DAYS = 3_650  # working days of a duration or a lag
MAX_MONEY = 1e12
MAX_HOURS = 1e6
MAX_WEIGHT = 1_000.0
MAX_NUMBER = 1e12  # any other number (key result values...)
MAX_INT = 2**31 - 1  # PostgreSQL INTEGER
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2200, 12, 31)
MAX_TEXT = 20_000  # free text (descriptions, notes); names have their own, shorter limits
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_value(value: Any, where: str) -> None:
    """Refuse what no field may hold: non-finite or huge numbers, dates outside 1900–2200, control characters."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where} must be a finite number, not {value}")
        if abs(value) > MAX_NUMBER:
            raise ValueError(f"{where} is out of range ({value:g}; at most {MAX_NUMBER:g})")
    elif isinstance(value, int):
        if abs(value) > MAX_INT:
            raise ValueError(f"{where} is out of range ({value}; at most {MAX_INT:,})")
    elif isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValueError(f"{where} must fall between {FIRST_DAY.year} and {LAST_DAY.year} (got {day.isoformat()})")
    elif isinstance(value, str):
        if _CONTROL.search(value):
            raise ValueError(f"{where} contains a control character ({_CONTROL.search(value).group()!r}); remove it")
        if len(value) > MAX_TEXT:
            raise ValueError(f"{where} is too long ({len(value):,} characters; at most {MAX_TEXT:,})")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_value(str(key), where)
            _check_value(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for item in value:
            _check_value(item, where)


class Input(SQLModel):
    """Every input model: each field is finite, bounded, in 1900–2200 and free of control characters."""

    @model_validator(mode="after")
    def _sane_values(self):
        for name in type(self).model_fields:
            _check_value(getattr(self, name), name.replace("_", " "))
        return self


class Versioned(SQLModel):
    """Optimistic locking: SQLAlchemy checks and bumps ``version`` on every UPDATE."""

    version: int = Field(default=1, nullable=False)

    @declared_attr  # type: ignore[misc]
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - SQLAlchemy passes the class
        return {"version_id_col": cls.__table__.c.version}


class DateRange(Input):
    """Mixin for inputs with a start and an end (named by ``date_range``): the end may not be before the start."""

    date_range: ClassVar[tuple[str, str]] = ("start", "end")

    @model_validator(mode="after")
    def _end_not_before_start(self):
        first, last = self.date_range
        start, end = getattr(self, first), getattr(self, last)
        if start is not None and end is not None and end < start:
            raise ValueError(f"{last.replace('_', ' ')} ({end:%d %b %Y}) is before {first.replace('_', ' ')} "
                             f"({start:%d %b %Y})")
        return self


# --- settings -----------------------------------------------------------------------------------------------


class Setting(SQLModel, table=True):
    """Workspace settings (name, currency, demo flag) as key/value pairs."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = ""


# --- people ---------------------------------------------------------------------------------------------------


class TeamBase(Input):
    name: str = Field(min_length=1, max_length=120)
    description: str = ""


class Team(TeamBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    __table_args__ = (UniqueConstraint("name"),)


class TeamCreate(TeamBase):
    pass


class PersonBase(Input):
    name: str = Field(min_length=1, max_length=120)
    email: str = ""
    role: str = ""
    team_id: int | None = Field(default=None, foreign_key="team.id")
    weekly_hours: float = Field(default=40.0, ge=0, le=168)
    availability: float = Field(default=80.0, ge=0, le=100, description="% of capacity available for project work")
    cost_rate: float = Field(default=0.0, ge=0, le=MAX_MONEY, description="hourly cost")
    skills: list[str] = Field(default_factory=list, sa_type=JSON)
    active: bool = True
    access: AccessRole = Field(default="editor", sa_type=String(20),
                               description="viewer / editor / approver / admin: what the person may change")

    @field_validator("cost_rate", "weekly_hours", "availability")
    @classmethod
    def _finite_numbers(cls, v: float, info) -> float:
        return _finite(v, info.field_name)

    @field_validator("skills", mode="before")
    @classmethod
    def _skills_list(cls, v: Any) -> list[str]:
        if v is None:
            return []
        if isinstance(v, str):
            v = v.split(",")
        return sorted({str(s).strip() for s in v if str(s).strip()})


class Person(PersonBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)


class PersonCreate(PersonBase):
    pass


class TimeOffBase(DateRange):
    person_id: int = Field(foreign_key="person.id", index=True)
    start: date
    end: date
    note: str = ""


class TimeOff(TimeOffBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)


class TimeOffCreate(TimeOffBase):
    pass


class Holiday(SQLModel, table=True):
    """A non-working day: for the whole workspace (project_id empty) or one project's calendar."""

    id: int | None = Field(default=None, primary_key=True)
    day: date
    name: str = ""
    project_id: int | None = Field(default=None, foreign_key="project.id")


# --- goals ----------------------------------------------------------------------------------------------------


class GoalBase(DateRange):
    date_range: ClassVar[tuple[str, str]] = ("period_start", "period_end")
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    team_id: int | None = Field(default=None, foreign_key="team.id")
    parent_id: int | None = Field(default=None, foreign_key="goal.id")
    period_start: date
    period_end: date
    weight: float = Field(default=1.0, ge=0, le=MAX_WEIGHT)
    archived: bool = False


class Goal(GoalBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)


class GoalCreate(GoalBase):
    pass


class KeyResultBase(Input):
    goal_id: int = Field(foreign_key="goal.id", index=True)
    title: str = Field(min_length=1, max_length=200)
    start_value: float = 0.0
    target_value: float
    current_value: float = 0.0
    unit: str = ""
    direction: Direction = Field(default="up", sa_type=String(20))
    weight: float = Field(default=1.0, ge=0, le=MAX_WEIGHT)
    archived: bool = False

    @field_validator("start_value", "target_value", "current_value", "weight")
    @classmethod
    def _finite_numbers(cls, v: float, info) -> float:
        return _finite(v, info.field_name)


class KeyResult(KeyResultBase, Versioned, table=True):
    __tablename__ = "key_result"
    id: int | None = Field(default=None, primary_key=True)


class KeyResultCreate(KeyResultBase):
    pass


class CheckInBase(Input):
    key_result_id: int = Field(foreign_key="key_result.id", index=True)
    day: date
    value: float
    confidence: int = Field(default=7, ge=0, le=10, description="0 (no chance) to 10 (certain)")
    note: str = ""
    author_id: int | None = Field(default=None, foreign_key="person.id")

    @field_validator("value")
    @classmethod
    def _finite_value(cls, v: float) -> float:
        return _finite(v, "value")


class CheckIn(CheckInBase, table=True):
    __tablename__ = "check_in"
    id: int | None = Field(default=None, primary_key=True)


class CheckInCreate(CheckInBase):
    pass


# --- projects -------------------------------------------------------------------------------------------------


class ProjectBase(DateRange):
    date_range: ClassVar[tuple[str, str]] = ("start", "target_end")
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    goal_id: int | None = Field(default=None, foreign_key="goal.id")
    team_id: int | None = Field(default=None, foreign_key="team.id")
    manager_id: int | None = Field(default=None, foreign_key="person.id")
    status: ProjectStatus = Field(default="proposed", sa_type=String(20))
    priority: int = Field(default=3, ge=1, le=5, description="1 highest")
    start: date | None = None
    target_end: date | None = None
    budget: float = Field(default=0.0, ge=0, le=MAX_MONEY, description="budget at completion (BAC)")
    expected_benefit: float = Field(default=0.0, ge=0, le=MAX_MONEY)
    benefit_start: date | None = None
    value_score: int = Field(default=3, ge=1, le=5, description="strategic value for ranking candidates")
    risk_score: int = Field(default=3, ge=1, le=5, description="delivery risk for ranking candidates (5 = riskiest)")
    lessons_learned: str = ""
    final_review: str = ""
    closed_on: date | None = None

    @field_validator("budget", "expected_benefit")
    @classmethod
    def _finite_money(cls, v: float, info) -> float:
        return _finite(v, info.field_name)


class Project(ProjectBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    p80_finish: date | None = Field(default=None, description="P80 finish from the three-point estimates, computed "
                                    "(commands.p80.store_p80; migration 0007)")
    # unique in the database (migration 0002): a read-then-insert check cannot stop two concurrent saves
    __table_args__ = (Index("uq_project_name", "name", unique=True),)


class ProjectCreate(ProjectBase):
    pass


class BaselineBase(Input):
    project_id: int = Field(foreign_key="project.id", index=True)
    name: str = Field(default="Baseline", min_length=1, max_length=120)
    taken_at: datetime = Field(default_factory=utcnow)
    budget: float = Field(default=0.0, ge=0, le=MAX_MONEY)
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_type=JSON,
                                     description="task id -> {start, finish, estimate_hours, duration}")


class Baseline(BaselineBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class ProjectMemberBase(Input):
    project_id: int = Field(foreign_key="project.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: MemberRole = Field(default="member", sa_type=String(20))
    allocation: float = Field(default=100.0, ge=0, le=100, description="% of the person's project time")


class ProjectMember(ProjectMemberBase, Versioned, table=True):
    __tablename__ = "project_member"
    id: int | None = Field(default=None, primary_key=True)


class ProjectMemberCreate(ProjectMemberBase):
    pass


class PhaseBase(Input):
    project_id: int = Field(foreign_key="project.id", index=True)
    name: str = Field(min_length=1, max_length=200)
    position: int = 0


class Phase(PhaseBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)


class PhaseCreate(PhaseBase):
    pass


class TaskBase(Input):
    project_id: int = Field(foreign_key="project.id", index=True)
    phase_id: int | None = Field(default=None, foreign_key="phase.id")
    ref: int | None = Field(default=None, description="the task's id in its plan (as in a plan file)")
    name: str = Field(min_length=1, max_length=200)
    assignee_id: int | None = Field(default=None, foreign_key="person.id")
    duration_days: int = Field(default=1, ge=0, le=MAX_DAYS, description="working days; 0 = milestone")
    estimate_hours: float = Field(default=0.0, ge=0, le=MAX_HOURS)
    percent_complete: float = Field(default=0.0, ge=0, le=100)
    status: TaskStatus = Field(default="todo", sa_type=String(20))
    required_skill: str = ""
    start_no_earlier_than: date | None = None
    start_date: date | None = Field(default=None, description="scheduled start, computed by the engine")
    finish_date: date | None = Field(default=None, description="scheduled finish, computed by the engine")
    total_float: int | None = None
    critical: bool = False
    position: int = 0
    duration_min_days: int | None = Field(default=None, ge=0, le=MAX_DAYS,
                                          description="three-point estimate: optimistic (most likely = duration)")
    duration_max_days: int | None = Field(default=None, ge=0, le=MAX_DAYS, description="three-point: pessimistic")

    @field_validator("estimate_hours", "percent_complete")
    @classmethod
    def _finite_numbers(cls, v: float, info) -> float:
        return _finite(v, info.field_name)

    @model_validator(mode="after")
    def _three_point(self):
        low, high = self.duration_min_days, self.duration_max_days
        if (low is None) != (high is None):
            raise ValueError("give both the minimum and the maximum duration, or neither")
        if low is not None and not low <= self.duration_days <= high:
            raise ValueError(f"a three-point estimate needs minimum ({low}) ≤ duration ({self.duration_days}) ≤ "
                             f"maximum ({high})")
        return self


class Task(TaskBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)


class TaskCreate(TaskBase):
    pass


class DependencyBase(Input):
    pred_id: int = Field(foreign_key="task.id", index=True)
    succ_id: int = Field(foreign_key="task.id", index=True)
    type: DependencyType = Field(default="FS", sa_type=String(20))
    lag_days: int = Field(default=0, ge=-MAX_DAYS, le=MAX_DAYS)

    @model_validator(mode="after")
    def _not_self(self):
        if self.pred_id == self.succ_id:
            raise ValueError("a task cannot depend on itself")
        return self


class Dependency(DependencyBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class DependencyCreate(DependencyBase):
    pass


class RaciBase(Input):
    project_id: int = Field(foreign_key="project.id", index=True)
    phase_id: int | None = Field(default=None, foreign_key="phase.id")
    task_id: int | None = Field(default=None, foreign_key="task.id", description="a milestone")
    person_id: int = Field(foreign_key="person.id", index=True)
    code: RaciCode = Field(sa_type=String(20))


class Raci(RaciBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class RaciCreate(RaciBase):
    pass


class TimeEntryBase(Input):
    """Hours a person booked: the source of actual hours and of labour cost (hours × cost rate)."""

    person_id: int = Field(foreign_key="person.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="task.id", index=True)
    operation_id: int | None = Field(default=None, foreign_key="operation.id", index=True)
    day: date
    hours: float = Field(gt=0, le=24)
    note: str = ""


class TimeEntry(TimeEntryBase, table=True):
    __tablename__ = "time_entry"
    id: int | None = Field(default=None, primary_key=True)


class TimeEntryCreate(TimeEntryBase):
    pass


class RiskBase(Input):
    project_id: int = Field(foreign_key="project.id", index=True)
    title: str = Field(min_length=1, max_length=200)
    probability: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    mitigation: str = ""
    status: RiskStatus = Field(default="open", sa_type=String(20))
    task_id: int | None = Field(default=None, foreign_key="task.id", index=True,
                                description="the task the risk is about: done task + open risk = stale")


class Risk(RiskBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)


class RiskCreate(RiskBase):
    pass


class StatusUpdateBase(Input):
    project_id: int = Field(foreign_key="project.id", index=True)
    day: date
    rag: Rag = Field(sa_type=String(20))
    summary: str = Field(min_length=1)
    author_id: int | None = Field(default=None, foreign_key="person.id")


class StatusUpdate(StatusUpdateBase, table=True):
    __tablename__ = "status_update"
    id: int | None = Field(default=None, primary_key=True)


class StatusUpdateCreate(StatusUpdateBase):
    pass


class TemplateBase(Input):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    source_project_id: int | None = Field(default=None, foreign_key="project.id")
    plan: dict[str, Any] = Field(default_factory=dict, sa_type=JSON,
                                 description="phases, tasks (ref, name, duration, estimate...) and dependencies")
    created_at: datetime = Field(default_factory=utcnow)


class Template(TemplateBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class TemplateCreate(TemplateBase):
    pass


# --- operations -----------------------------------------------------------------------------------------------


class OperationBase(Input):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    team_id: int | None = Field(default=None, foreign_key="team.id")
    goal_id: int | None = Field(default=None, foreign_key="goal.id")
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    demand_hours_per_week: float = Field(default=0.0, ge=0, le=MAX_HOURS,
                                         description="recurring 'run' demand of the team")
    stages: list[str] = Field(default_factory=lambda: ["Submitted", "Triage", "In progress", "Done"], sa_type=JSON)
    checklist: list[dict[str, Any]] = Field(
        default_factory=list, sa_type=JSON,
        description="process template: [{name, offset_days, hours, assignee_id}] instantiated per new case")
    active: bool = True

    @field_validator("stages")
    @classmethod
    def _stages(cls, v: list[str]) -> list[str]:
        names = [s.strip() for s in v if s and s.strip()]
        if len(names) < 2:
            raise ValueError("a workflow needs at least two stages")
        if len(set(names)) != len(names):
            raise ValueError("stage names must be different")
        return names


class Operation(OperationBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)


class OperationCreate(OperationBase):
    pass


class RecurringTaskBase(Input):
    operation_id: int = Field(foreign_key="operation.id", index=True)
    name: str = Field(min_length=1, max_length=200)
    cadence: Cadence = Field(default="weekly", sa_type=String(20))
    hours: float = Field(default=1.0, ge=0, le=MAX_HOURS, description="hours each time it recurs")
    assignee_id: int | None = Field(default=None, foreign_key="person.id")
    anchor: date = Field(description="first due date; later ones follow the cadence")
    rrule: str = Field(default="", max_length=500,
                       description="RFC 5545 recurrence rule (e.g. FREQ=MONTHLY;BYMONTHDAY=-1); empty: the cadence")


class RecurringTask(RecurringTaskBase, Versioned, table=True):
    __tablename__ = "recurring_task"
    id: int | None = Field(default=None, primary_key=True)


class RecurringTaskCreate(RecurringTaskBase):
    pass


class WorkItemBase(Input):
    """An item moving through an operation's workflow stages (a ticket, a new hire's onboarding...)."""

    operation_id: int = Field(foreign_key="operation.id", index=True)
    title: str = Field(min_length=1, max_length=200)
    stage: str
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    stage_entered_at: datetime = Field(default_factory=utcnow)
    request_id: int | None = Field(default=None, foreign_key="request.id")
    case: str = Field(default="", description="groups the checklist items of one case, e.g. one new hire")
    due: date | None = None
    estimate_hours: float = Field(default=0.0, ge=0, le=MAX_HOURS)


class WorkItem(WorkItemBase, Versioned, table=True):
    __tablename__ = "work_item"
    id: int | None = Field(default=None, primary_key=True)
    __table_args__ = (Index("uq_work_item_case_step", "operation_id", "case", "title", unique=True,
                            sqlite_where=text("\"case\" <> ''"), postgresql_where=text("\"case\" <> ''")),)


class WorkItemCreate(WorkItemBase):
    pass


class WorkItemMove(SQLModel, table=True):
    """A work item's stage change: the history behind time-in-stage and bottleneck figures."""

    __tablename__ = "work_item_move"
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="work_item.id", index=True)
    from_stage: str | None = None
    to_stage: str
    at: datetime = Field(default_factory=utcnow)
    actor: str = ""


class AutomationRuleBase(Input):
    """'When <trigger> [matching <condition>], do <action> with <params>' — listed and editable on Operations."""

    name: str = Field(min_length=1, max_length=200)
    trigger: str = Field(max_length=60, description="e.g. request_approved, task_overdue")
    condition: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    action: str = Field(max_length=60, description="e.g. create_work_item, flag_overview")
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    active: bool = True


class AutomationRule(AutomationRuleBase, Versioned, table=True):
    __tablename__ = "automation_rule"
    id: int | None = Field(default=None, primary_key=True)


class AutomationRuleCreate(AutomationRuleBase):
    pass


class RequestBase(Input):
    requester_id: int | None = Field(default=None, foreign_key="person.id")
    type: str = Field(default="general", min_length=1, max_length=60)
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    estimate_hours: float = Field(default=0.0, ge=0, le=MAX_HOURS)
    needed_by: date | None = None
    goal_id: int | None = Field(default=None, foreign_key="goal.id")
    operation_id: int | None = Field(default=None, foreign_key="operation.id")
    status: RequestStatus = Field(default="submitted", sa_type=String(20))
    submitted_at: datetime = Field(default_factory=utcnow)
    decided_by_id: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = None
    reason: str = ""
    project_id: int | None = Field(default=None, foreign_key="project.id")
    task_id: int | None = Field(default=None, foreign_key="task.id")
    work_item_id: int | None = Field(default=None, description="the work item it became in its operation")


class Request(RequestBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)


class RequestCreate(RequestBase):
    pass


# --- money ----------------------------------------------------------------------------------------------------


class _OwnedByWork(Input):
    """Money belongs to exactly one project or one operation."""

    @model_validator(mode="after")
    def _one_owner(self):
        if (self.project_id is None) == (self.operation_id is None):
            raise ValueError("choose either a project or an operation")
        return self


class BudgetLineBase(_OwnedByWork):
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    operation_id: int | None = Field(default=None, foreign_key="operation.id", index=True)
    category: BudgetCategory = Field(default="other", sa_type=String(20))
    month: date = Field(description="first day of the month")
    planned: float = Field(ge=0, le=MAX_MONEY)

    @field_validator("month")
    @classmethod
    def _first_of_month(cls, v: date) -> date:
        return v.replace(day=1)

    @field_validator("planned")
    @classmethod
    def _finite_planned(cls, v: float) -> float:
        return _finite(v, "planned")


class BudgetLine(BudgetLineBase, Versioned, table=True):
    __tablename__ = "budget_line"
    id: int | None = Field(default=None, primary_key=True)
    __table_args__ = (Index("uq_budget_line_owner_category_month", func.coalesce(text("project_id"), 0),
                            func.coalesce(text("operation_id"), 0), "category", "month", unique=True),
                      # the figures sum later years' lines per owner and category from it (migration 0008)
                      Index("ix_budget_line_owner_category", "project_id", "operation_id", "category", "month",
                            "planned"))


class BudgetLineCreate(BudgetLineBase):
    pass


class ExpenseBase(_OwnedByWork):
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    operation_id: int | None = Field(default=None, foreign_key="operation.id", index=True)
    day: date
    amount: float = Field(gt=0, le=MAX_MONEY)
    category: BudgetCategory = Field(default="other", sa_type=String(20))
    note: str = ""

    @field_validator("amount")
    @classmethod
    def _finite_amount(cls, v: float) -> float:
        return _finite(v, "amount")

    @field_validator("day")
    @classmethod
    def _sane_day(cls, v: date) -> date:
        if not date(2000, 1, 1) <= v <= date(2100, 12, 31):
            raise ValueError("the date must be between 2000 and 2100")
        return v


class Expense(ExpenseBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)


class ExpenseCreate(ExpenseBase):
    pass


# --- collaboration --------------------------------------------------------------------------------------------


class CommentBase(Input):
    """An update or comment on a project, task, request, goal or work item (markdown, shown escaped)."""

    subject: CommentSubject = Field(sa_type=String(20))
    subject_id: int = Field(index=True)
    author_id: int | None = Field(default=None, foreign_key="person.id")
    body: str = Field(min_length=1, max_length=10_000)
    parent_id: int | None = Field(default=None, foreign_key="comment.id", description="the comment it replies to")
    created_at: datetime = Field(default_factory=utcnow)
    edited_at: datetime | None = None
    deleted: bool = False


class Comment(CommentBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)


class CommentCreate(CommentBase):
    pass


class InboxRead(SQLModel, table=True):
    """An inbox item a person marked read (items themselves are computed from the data)."""

    __tablename__ = "inbox_read"
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    item: str = Field(primary_key=True, max_length=120, description="e.g. 'mention:12', 'assigned:340'")
    read_at: datetime = Field(default_factory=utcnow)


# --- audit ----------------------------------------------------------------------------------------------------


class ActivityLog(SQLModel, table=True):
    __tablename__ = "activity_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = None
    actor: str = ""
    action: str
    entity: str
    entity_id: int | None = None
    summary: str = ""
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class WorkspaceRevision(SQLModel, table=True):
    """One row: a counter bumped in the same transaction as every write (``db.write_session``). Read caches key
    on it, so every app replica sees a write on its next rerun and an unchanged workspace recomputes nothing."""

    __tablename__ = "workspace_revision"
    id: int = Field(default=1, primary_key=True)
    n: int = Field(default=0, sa_type=BigInteger)


# --- update models --------------------------------------------------------------------------------------------


def _partial(create: type[SQLModel]) -> type[SQLModel]:
    """The same fields as ``create``, all optional: the service validates the merged record with ``create``."""
    fields = {name: (info.annotation | None, None) for name, info in create.model_fields.items()}
    return create_model(create.__name__.replace("Create", "Update"), __base__=SQLModel, **fields)


TeamUpdate = _partial(TeamCreate)
PersonUpdate = _partial(PersonCreate)
GoalUpdate = _partial(GoalCreate)
KeyResultUpdate = _partial(KeyResultCreate)
ProjectUpdate = _partial(ProjectCreate)
PhaseUpdate = _partial(PhaseCreate)
TaskUpdate = _partial(TaskCreate)
RiskUpdate = _partial(RiskCreate)
OperationUpdate = _partial(OperationCreate)
RecurringTaskUpdate = _partial(RecurringTaskCreate)
WorkItemUpdate = _partial(WorkItemCreate)
RequestUpdate = _partial(RequestCreate)
BudgetLineUpdate = _partial(BudgetLineCreate)
ExpenseUpdate = _partial(ExpenseCreate)
AutomationRuleUpdate = _partial(AutomationRuleCreate)
CommentUpdate = _partial(CommentCreate)
