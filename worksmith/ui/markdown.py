"""User text made safe for ``st.markdown`` (one helper, DESIGN §6)."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def md(text: object) -> str:
    """User text made inert for ``st.markdown``: every markdown, link, directive and HTML character escaped, so a
    name such as ``[x](javascript:…)``, ``![](http://tracker/…)`` or ``:red[boo]`` shows as typed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
