"""MS Project predecessor notation (DESIGN §4), pure: text in, links out, and back.

A ``predecessors`` cell lists entries ``ID[TYPE][±LAG d]`` separated by commas: ``3``, ``3FS+2d``, ``5SS``,
``7FF-1d``. Type FS/SS/FF/SF (any case) defaults to FS, lag (whole working days) to 0; spaces, ``+2`` without
the ``d`` and ``2 d``/``2 days`` are tolerated, and ``;`` also separates. The canonical form written back drops
the defaults: FS with no lag is just the id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from worksmith.values import cell_text

NOTATION_HINT = "use ID[TYPE][±LAG d], e.g. 3, 3FS+2d, 5SS, 7FF-1d"

_LINK_RE = re.compile(
    r"^\s*(?P<id>\d+)\s*(?P<type>FS|SS|FF|SF)?\s*(?:(?P<sign>[+-])\s*(?P<lag>\d+)\s*(?:d|days?)?\s*)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Link:
    """One parsed predecessor entry: ``pred`` id, dependency ``type`` and ``lag`` in working days."""

    pred: int
    type: str = "FS"
    lag: int = 0

    def __str__(self) -> str:
        return format_predecessors([self])


def parse_predecessors(text: object) -> list[Link]:
    """Parse a ``predecessors`` cell in MS Project notation.

    Parameters
    ----------
    text:
        The cell: e.g. ``"3, 5SS, 7FF-1d, 8fs + 2 d"``; empty/None gives no links. An Excel number such as
        ``3`` or ``3.0`` is read as ``"3"``.

    Returns
    -------
    list[Link]
        One link per comma- (or semicolon-) separated entry, in order; empty entries are skipped.

    Raises
    ------
    ValueError
        An entry does not match ``ID[TYPE][±LAG d]``; the message quotes the entry.

    Examples
    --------
    >>> parse_predecessors("3FS+2d, 5ss")
    [Link(pred=3, type='FS', lag=2), Link(pred=5, type='SS', lag=0)]
    """
    cell = cell_text(text)
    links: list[Link] = []
    for token in re.split(r"[,;]", cell):
        if not token.strip():
            continue
        m = _LINK_RE.match(token)
        if m is None:
            raise ValueError(f"bad predecessor notation '{token.strip()}' ({NOTATION_HINT})")
        lag = int(m["lag"]) if m["lag"] is not None else 0
        if m["sign"] == "-":
            lag = -lag
        links.append(Link(int(m["id"]), (m["type"] or "FS").upper(), lag))
    return links


def format_predecessors(links: Sequence[Link]) -> str:
    """Write links in canonical MS Project notation: ``3``, ``3FS+2d``, ``5SS``, ``7FF-1d`` joined by ``,``."""
    parts = []
    for link in links:
        if link.type == "FS" and link.lag == 0:
            parts.append(str(link.pred))
        elif link.lag == 0:
            parts.append(f"{link.pred}{link.type}")
        else:
            parts.append(f"{link.pred}{link.type}{link.lag:+d}d")
    return ",".join(parts)
