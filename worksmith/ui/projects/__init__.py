"""Renderers of the Projects page's big tabs (one module a tab), so ``pages/projects.py`` stays short.

Each renderer draws one tab from the views it is given or reads, and writes through ``ui.run``; after a write it
calls ``ui.flash`` so every figure reads the new data.
"""

from __future__ import annotations

OPEN = "projects_open"  # a project to open on the next run (the picker's key cannot change once drawn)
LABELS = {c: c.replace("_", " ").capitalize() for c in ("title", "probability", "impact", "level", "owner",
                                                        "mitigation", "status", "person", "role", "day", "rag",
                                                        "summary", "author", "from_project", "from_task", "from_day",
                                                        "to_project", "to_task", "to_day", "type", "lag", "slack",
                                                        "driving")}
LABELS["mitigation"] = {"label": "Mitigation", "width": "large"}  # the plan against a risk: read it whole
