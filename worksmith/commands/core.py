"""The command layer every write goes through.

A command validates its input through the entity's ``XCreate`` model (an update validates the merged record, so
the rules live once, in ``models.py``), checks that referenced rows exist, writes inside the caller's transaction
and records an ``ActivityLog`` row (who, when, entity, before/after). Errors are ``WorksmithError``s whose text a
person can act on; nothing is written when one is raised, because the caller's ``write_session`` rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import pydantic
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, SQLModel

from worksmith.commands import access
from worksmith.commands.access import NO_ACTOR, is_anonymous, require_actor  # noqa: F401 - callers import them here
from worksmith.errors import ConflictError, CycleError, NotFoundError, ValidationError
from worksmith.store import models as m
from worksmith.views.plans import linked_projects
from worksmith.views.tables import entity_label, field_label


@dataclass(frozen=True)
class Actor:
    """Who is acting: the signed-in person, or the "acting as" person without sign-in (DESIGN §6), with their role
    (``access``: viewer / editor / approver / admin, see ``commands.access``)."""

    id: int | None
    name: str
    access: str = "editor"  # access.DEFAULT_ROLE: existing callers stay editors


SYSTEM = Actor(None, "system", "admin")
ANONYMOUS = Actor(None, "anonymous")  # nobody chosen in "Acting as": may read, never write

T = TypeVar("T", bound=SQLModel)

CREATE_MODELS: dict[type[SQLModel], type[SQLModel]] = {
    m.Team: m.TeamCreate, m.Person: m.PersonCreate, m.TimeOff: m.TimeOffCreate, m.Goal: m.GoalCreate,
    m.KeyResult: m.KeyResultCreate, m.CheckIn: m.CheckInCreate, m.Project: m.ProjectCreate,
    m.ProjectMember: m.ProjectMemberCreate, m.Phase: m.PhaseCreate, m.Task: m.TaskCreate,
    m.Dependency: m.DependencyCreate, m.Raci: m.RaciCreate, m.TimeEntry: m.TimeEntryCreate, m.Risk: m.RiskCreate,
    m.StatusUpdate: m.StatusUpdateCreate, m.Template: m.TemplateCreate, m.Operation: m.OperationCreate,
    m.RecurringTask: m.RecurringTaskCreate, m.WorkItem: m.WorkItemCreate, m.Request: m.RequestCreate,
    m.BudgetLine: m.BudgetLineCreate, m.Expense: m.ExpenseCreate, m.AutomationRule: m.AutomationRuleCreate,
    m.Comment: m.CommentCreate,
}


def _describe(row: SQLModel) -> str:
    for attr in ("name", "title"):
        value = getattr(row, attr, None)
        if value:
            return f"'{value}'"
    return f"#{getattr(row, 'id', '?')}"


def _validation_message(model: type[SQLModel], exc: pydantic.ValidationError) -> tuple[str, str | None]:
    parts, first_field = [], None
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__")
        msg = err.get("msg", "is not valid").removeprefix("Value error, ")
        if loc:
            first_field = first_field or loc
            got = err.get("input")
            got_text = "" if got is None or isinstance(got, dict) else f" (got {got!r})"
            parts.append(f"{field_label(loc)}: {msg[0].lower() + msg[1:]}{got_text}")
        else:
            parts.append(msg)
    return f"{entity_label(model)} not saved — " + "; ".join(parts) + ".", first_field


def validate(model: type[T], data: dict[str, Any]) -> dict[str, Any]:
    """Validate ``data`` as a new ``model`` row; return the cleaned values or raise ``ValidationError``."""
    create = CREATE_MODELS[model]
    try:
        clean = create.model_validate(data)
    except pydantic.ValidationError as exc:
        message, field = _validation_message(model, exc)
        raise ValidationError(message, field=field) from None
    return clean.model_dump()


def _check_references(session: Session, model: type[SQLModel], values: dict[str, Any]) -> None:
    for column in model.__table__.columns:
        value = values.get(column.name)
        if value is None:
            continue
        for fk in column.foreign_keys:
            target_table = fk.column.table
            if session.get(_table_model(target_table.name), value) is None:
                raise ValidationError(
                    f"{entity_label(model)} not saved — unknown {target_table.name.replace('_', ' ')} {value} "
                    f"for {field_label(column.name)}.", field=column.name)


def _table_model(table_name: str) -> type[SQLModel]:
    for model in CREATE_MODELS:
        if model.__tablename__ == table_name:
            return model
    raise KeyError(table_name)


def snapshot(row: SQLModel) -> dict[str, Any]:
    """A JSON-safe copy of a row for the activity log."""
    out = {}
    for key, value in row.model_dump().items():
        out[key] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


def log(session: Session, actor: Actor, action: str, entity: str, entity_id: int | None, summary: str,
        before: dict | None = None, after: dict | None = None) -> None:
    access.require(actor, "edit", "make changes")
    session.add(m.ActivityLog(actor_id=actor.id, actor=actor.name, action=action, entity=entity,
                              entity_id=entity_id, summary=summary, before=before, after=after))


def get(session: Session, model: type[T], row_id: int) -> T:
    row = session.get(model, row_id)
    if row is None:
        raise NotFoundError(f"{entity_label(model)} {row_id} does not exist (it may have been deleted) — reload.")
    return row


def create(session: Session, model: type[T], data: dict[str, Any], *, actor: Actor) -> T:
    """Validate and insert one row; returns it with its id."""
    access.require(actor, "edit", f"change {access.things(model.__tablename__)}")
    values = validate(model, data)
    defaults = CREATE_MODELS[model].model_fields
    access.require_fields(actor, model.__tablename__, {k for k, v in values.items() if v != defaults[k].default})
    _check_references(session, model, values)
    if model is m.Dependency:
        _refuse_cycle(session, values["pred_id"], values["succ_id"])
    row = model(**values)
    session.add(row)
    session.flush()
    log(session, actor, "create", model.__tablename__, row.id, f"created {entity_label(model).lower()} "
        f"{_describe(row)}", after=snapshot(row))
    return row


def update(session: Session, model: type[T], row_id: int, changes: dict[str, Any], *, expected_version: int | None,
           actor: Actor) -> T:
    """Apply ``changes`` to a row read at ``expected_version``; a newer version in the database is a conflict."""
    access.require(actor, "edit", f"change {access.things(model.__tablename__)}")
    row = get(session, model, row_id)
    current_version = getattr(row, "version", None)
    if expected_version is not None and current_version is not None and current_version != expected_version:
        raise ConflictError(
            f"{entity_label(model)} {_describe(row)} was changed by someone else since you opened it "
            f"(version {current_version}, yours {expected_version}) — reload to see the change; nothing was saved.")
    fields = CREATE_MODELS[model].model_fields
    unknown = sorted(set(changes) - set(fields))
    if unknown:
        raise ValidationError(f"{entity_label(model)} has no field {', '.join(unknown)}.", field=unknown[0])
    before = snapshot(row)
    values = validate(model, {**{k: getattr(row, k) for k in fields}, **changes})
    changed = {k: v for k, v in values.items() if k in changes and getattr(row, k) != v}
    if not changed:
        return row
    access.require_fields(actor, model.__tablename__, set(changed))
    _check_references(session, model, changed)
    label = _describe(row)  # read now: after a lost race the transaction is closed and the row cannot load
    for key, value in changed.items():
        setattr(row, key, value)
    try:
        session.flush()
    except StaleDataError:
        raise _lost_race(session, model, row_id, label, current_version, "saved") from None
    after = snapshot(row)
    summary = ", ".join(f"{field_label(k)} {before.get(k)!s} → {after.get(k)!s}" for k in changed)
    log(session, actor, "update", model.__tablename__, row.id, f"{_describe(row)}: {summary}",
        before={k: before.get(k) for k in changed}, after={k: after.get(k) for k in changed})
    return row


def delete(session: Session, model: type[T], row_id: int, *, actor: Actor, expected_version: int | None = None) -> None:
    access.require(actor, "edit", f"change {access.things(model.__tablename__)}")
    row = get(session, model, row_id)
    current_version = getattr(row, "version", None)
    if expected_version is not None and current_version is not None and current_version != expected_version:
        raise ConflictError(f"{entity_label(model)} {_describe(row)} was changed by someone else — reload before "
                            "deleting; nothing was deleted.")
    users = _referring(session, model, row_id)
    if users:
        raise ValidationError(f"{entity_label(model)} {_describe(row)} cannot be deleted: other records still refer "
                              f"to it ({', '.join(users)}). Remove or reassign them first.")
    before = snapshot(row)
    label = _describe(row)
    session.delete(row)
    try:
        session.flush()
    except StaleDataError:
        raise _lost_race(session, model, row_id, label, current_version, "deleted") from None
    log(session, actor, "delete", model.__tablename__, row_id, f"deleted {entity_label(model).lower()} "
        f"{_describe(row)}", before=before)


def _lost_race(session: Session, model: type[SQLModel], row_id: int, label: str, yours: int | None,
               verb: str) -> ConflictError:
    """The conflict after a concurrent save won the race at flush time.

    The failed flush leaves this session's transaction unusable, so the newer version is read on a connection of
    its own (committed data only).
    """
    table = model.__table__
    try:
        with session.get_bind().execution_options(worksmith_write=False).connect() as conn:
            now = conn.execute(select(table.c.version).where(table.c.id == row_id)).scalar_one_or_none()
    except DBAPIError:
        now = None
    state = "deleted by someone else" if now is None else f"changed by someone else (version {now}, yours {yours})"
    return ConflictError(f"{entity_label(model)} {label} was {state} while you saved — reload to see the change; "
                         f"nothing was {verb}.")


def _refuse_cycle(session: Session, pred_id: int, succ_id: int) -> None:
    """A new link pred → succ closes a loop when pred already (transitively) waits for succ; name the loop.

    Such a path only runs through projects linked to succ's (cross-project links join them), so only their links
    are read, not every link of the workspace."""
    dep, task = m.Dependency.__table__, m.Task.__table__
    conn = session.connection()
    ends = set(conn.execute(select(task.c.project_id).where(task.c.id.in_([pred_id, succ_id]))).scalars())
    scope = sorted(linked_projects(session, ends))
    links: dict[int, list[int]] = {}
    for pred, succ in conn.execute(select(dep.c.pred_id, dep.c.succ_id).join(task, task.c.id == dep.c.pred_id)
                                   .where(task.c.project_id.in_(scope)).order_by(dep.c.id)):
        links.setdefault(pred, []).append(succ)
    path, seen, stack = {succ_id: None}, {succ_id}, [succ_id]
    while stack:
        node = stack.pop()
        if node == pred_id:
            chain = [node]
            while path[chain[-1]] is not None:
                chain.append(path[chain[-1]])
            cycle = [pred_id, *reversed(chain)]
            names = {row.id: row.name for row in session.connection().execute(
                select(task.c.id, task.c.name).where(task.c.id.in_(cycle)))}
            raise CycleError(cycle, names)
        for nxt in links.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                path[nxt] = node
                stack.append(nxt)


def _referring(session: Session, model: type[SQLModel], row_id: int) -> list[str]:
    """'3 task.project' for every table column that still points at this row."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table is model.__table__ for fk in column.foreign_keys):
                n = session.connection().execute(
                    select(func.count()).select_from(table).where(column == row_id)).scalar_one()
                if n:
                    found.append(f"{n} {table.name.replace('_', ' ')} {field_label(column.name)}")
    return found
