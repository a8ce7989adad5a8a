"""Services: commands (validated writes with an audit trail) and queries (DataFrames)."""

from worksmith.services.core import SYSTEM, Actor, create, delete, get, update, validate

__all__ = ["SYSTEM", "Actor", "create", "delete", "get", "update", "validate"]
