"""The page registry: section -> pages (file under pages/, title, icon). Only pages that work are listed.

``streamlit_app.py`` builds ``st.navigation`` from it; tests parametrise over it.
"""

from __future__ import annotations

LAYOUT: dict[str, list[tuple[str, str, str]]] = {
    "": [("overview.py", "Overview", "🏠")],
    "Admin": [("data.py", "Data", "🗄️")],
}
DEFAULT = "overview.py"


def page_files() -> list[str]:
    return [file for entries in LAYOUT.values() for file, _title, _icon in entries]


def url_path(file: str) -> str:
    """The URL path Streamlit gives a page file ('' for the default page)."""
    return "" if file == DEFAULT else file.removesuffix(".py")
