"""Worksmith entrypoint: page config, navigation by section, and the router guard for cold deep links."""

import streamlit as st

from worksmith import ui
from worksmith.navigation import DEFAULT, LAYOUT

st.set_page_config(page_title="Worksmith", page_icon="🛠️", layout="wide")

PAGES = {file: st.Page(f"pages/{file}", title=title, icon=icon, default=file == DEFAULT)
         for entries in LAYOUT.values() for file, title, icon in entries}

pg = st.navigation({section: [PAGES[file] for file, _t, _i in entries] for section, entries in LAYOUT.items()})
st.session_state[ui.ROUTED] = True
file, params = st.session_state.pop(ui.DEEP_LINK, (None, {}))
wanted = PAGES.get(file)
if wanted is not None and wanted.url_path != pg.url_path:
    st.switch_page(wanted, query_params=params)  # the link's selection (?project=…) survives the detour
pg.run()
