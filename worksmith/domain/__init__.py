"""Pure formulas on plain data, one subject a module, each formula in its module's docstring.

Nothing here touches the store, Streamlit or the commands and views: plain values and frames in, plain values out.
"""
