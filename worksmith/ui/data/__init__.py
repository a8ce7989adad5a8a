"""Renderers of the Data page's import wizard and of the calendar downloads (Projects, People, Data pages)."""
