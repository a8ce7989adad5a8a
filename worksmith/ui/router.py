"""The router guard for cold deep links (DESIGN §6), kept free of heavy imports.

Because the folder is called ``pages/``, the first request to a fresh server that is a deep link runs the page file
alone, without the entrypoint. :func:`guard` (first thing in every page, before the page imports the domain
package) notes the page and its query and hops to the entrypoint; :func:`route` (in the entrypoint, after
``st.navigation``) hops on to that page. Both hops cost milliseconds, so the browser never shows the half-way state
while pandas, SQLAlchemy and Altair are still importing.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

ROUTED = "_routed"  # set by the entrypoint before it runs a page
DEEP_LINK = "_deep_link"  # (page file, query) that a cold deep link asked for


def guard(page_file: str) -> None:
    """In a page run without the entrypoint: remember the page and its query, go through the entrypoint."""
    if not st.session_state.get(ROUTED):
        st.session_state[DEEP_LINK] = (Path(page_file).name, st.query_params.to_dict())
        st.switch_page("streamlit_app.py")


def route(pages: dict, current) -> None:
    """In the entrypoint: mark the session routed and open the page a cold deep link asked for, with its query."""
    st.session_state[ROUTED] = True
    file, params = st.session_state.pop(DEEP_LINK, (None, {}))
    wanted = pages.get(file)
    if wanted is not None and wanted.url_path != current.url_path:
        st.switch_page(wanted, query_params=params)  # the link's selection (?project=…) survives the detour
