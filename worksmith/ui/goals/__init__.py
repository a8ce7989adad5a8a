"""Renderers for the Goals page's big sections (Streamlit-aware, like the rest of ``worksmith.ui``)."""
