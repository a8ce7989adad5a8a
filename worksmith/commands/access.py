"""Who may do what: one table of roles and one check (``require``), used by every command.

Roles (``store.models.ACCESS_ROLES``, stored per person in ``person.access``), each including the ones before it:

- **viewer**: reads everything, changes nothing;
- **editor** (the default): every ordinary write — plans, tasks, risks, budgets, check-ins, people, requests…;
- **approver**: also approves or rejects requests (and converts them) and approves candidate projects;
- **admin**: also restores a backup, starts over, changes roles and workspace settings.

The "edit" check sits in ``core.create / update / delete / log``, so every write is covered, including commands
written later; "approve" and "admin" are checked explicitly at the start of the commands that need them. System
actors (demo seeding, the CLI, first setup) are admins. A refusal happens before anything is written.
"""

from __future__ import annotations

from typing import Protocol

from worksmith.errors import PermissionDenied, ValidationError
from worksmith.store.models import ACCESS_ROLES

NEEDS: dict[str, str] = {"edit": "editor", "approve": "approver", "admin": "admin"}  # need -> lowest role allowed
RANK: dict[str, int] = {role: i for i, role in enumerate(ACCESS_ROLES)}
DEFAULT_ROLE = "editor"
NO_ACTOR = "Choose who you are in 'Acting as' (sidebar) before making changes — nothing was saved."


class _Acting(Protocol):
    id: int | None
    name: str
    access: str


def is_anonymous(actor: _Acting | None) -> bool:
    """No person and no name (or the placeholder "anonymous"): a write would be logged under nobody.

    System actors (``SYSTEM``, demo seeding, the CLI) have no person but a name, so they may write.
    """
    return actor is None or (actor.id is None and (actor.name or "").strip().casefold() in {"", "anonymous"})


def require_actor(actor: _Acting | None) -> None:
    """Refuse a write that nobody would be accountable for."""
    if is_anonymous(actor):
        raise ValidationError(NO_ACTOR, field="actor")


def allows(access: str | None, need: str) -> bool:
    """Does the role ``access`` allow ``need`` ("edit", "approve" or "admin")? An unknown role allows nothing."""
    return RANK.get(access or "", -1) >= RANK[NEEDS[need]]


def _a(role: str) -> str:
    return f"an {role}" if role[:1] in "aeiou" else f"a {role}"


def why_not(name: str, access: str | None, need: str, what: str) -> str:
    """'Ana Lopez is a viewer: viewers cannot change plans — ask an admin for editor access.'"""
    role = access if access in RANK else "viewer"
    return f"{name or 'This person'} is {_a(role)}: {role}s cannot {what} — ask an admin for {NEEDS[need]} access."


def denial(name: str, access: str | None, need: str, what: str) -> str:
    """:func:`why_not` for a refused command: '… ask an admin for editor access. Nothing was saved.'"""
    return why_not(name, access, need, what) + " Nothing was saved."


def require(actor: _Acting | None, need: str, what: str) -> None:
    """Refuse (``PermissionDenied``) unless the actor's role allows ``need``; ``what`` completes "cannot …"."""
    require_actor(actor)
    if not allows(actor.access, need):
        raise PermissionDenied(denial(actor.name, actor.access, need, what), need=need)


_PLURAL = {"person": "people", "raci": "RACI entries", "time off": "time off", "status update": "status updates"}
_PLANS = {"task", "dependency", "phase"}


def things(table: str) -> str:
    """'key_result' -> 'key results', 'task' -> 'plans' (what an editor changes, in a person's words)."""
    name = table.replace("_", " ")
    if name in _PLANS:
        return "plans"
    if name in _PLURAL:
        return _PLURAL[name]
    return name[:-1] + "ies" if name.endswith("y") else name + "s"


# fields an editor may not set: (table, field) -> the need. A role is an admin's to give.
GUARDED_FIELDS: dict[tuple[str, str], tuple[str, str]] = {("person", "access"): ("admin", "change roles")}


def require_fields(actor: _Acting, table: str, fields: set[str] | dict) -> None:
    """An ordinary write that touches a guarded field (e.g. a person's role) needs that field's role."""
    for (guarded_table, field), (need, what) in GUARDED_FIELDS.items():
        if guarded_table == table and field in fields:
            require(actor, need, what)
