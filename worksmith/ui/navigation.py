"""The page registry: section -> pages (file under pages/, title, icon). Only pages that work are listed.

``streamlit_app.py`` builds ``st.navigation`` from it; tests parametrise over it.
"""

from __future__ import annotations

LAYOUT: dict[str, list[tuple[str, str, str]]] = {
    "": [("overview.py", "Overview", ":material/dashboard:"), ("my_work.py", "My work", ":material/checklist:"),
         ("inbox.py", "Inbox", ":material/notifications:")],
    "Plan": [("goals.py", "Goals", ":material/flag:"), ("projects.py", "Projects", ":material/view_timeline:")],
    "What if": [("scenarios.py", "Scenarios", ":material/science:"),
                ("compare.py", "Compare", ":material/compare_arrows:")],
    "Run": [("operations.py", "Operations", ":material/autorenew:"), ("requests.py", "Requests", ":material/inbox:")],
    "Resources": [("workload.py", "Workload", ":material/groups:"), ("people.py", "People", ":material/badge:"),
                  ("budgets.py", "Budgets", ":material/payments:")],
    "Admin": [("data.py", "Data", ":material/database:")],
}
DEFAULT = "overview.py"


def page_files() -> list[str]:
    return [file for entries in LAYOUT.values() for file, _title, _icon in entries]


def url_path(file: str) -> str:
    """The URL path Streamlit gives a page file ('' for the default page)."""
    return "" if file == DEFAULT else file.removesuffix(".py")
