"""The only Streamlit-aware package: the shell (``shell``), the router guard and renderers for big tabs.

Kept light on purpose: a page imports ``worksmith.ui.router`` before anything heavy (see ``router``).
"""
