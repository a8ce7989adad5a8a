"""Worksmith entrypoint: page config, navigation by section, and the router guard for cold deep links.

Only light modules are imported here: the pages import the domain package themselves.
"""

import streamlit as st

from worksmith.ui import router
from worksmith.ui.navigation import DEFAULT, LAYOUT

st.set_page_config(page_title="Worksmith", page_icon="🛠️", layout="wide")

PAGES = {file: st.Page(f"pages/{file}", title=title, icon=icon, default=file == DEFAULT)
         for entries in LAYOUT.values() for file, title, icon in entries}

pg = st.navigation({section: [PAGES[file] for file, _t, _i in entries] for section, entries in LAYOUT.items()},
                   expanded=True)  # every page visible: a projector audience should not hunt behind "View more"
router.route(PAGES, pg)
pg.run()
