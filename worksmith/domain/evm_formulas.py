"""The texts behind the earned-value metrics (:func:`worksmith.domain.evm.earned_value`): each metric's formula with
its numbers substituted, e.g. ``"CPI = EV / AC = 40,000.00 / 45,000.00 = 0.89"``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from worksmith import fmt


class Formulas(Mapping[str, str]):
    """Metric → its formula with the numbers substituted, written on first use: the organisation's views compute
    the metrics of hundreds of projects and show none of these texts (a page that shows one reads it)."""

    def __init__(self, metrics: Mapping[str, Any]) -> None:
        self._metrics = {k: v for k, v in metrics.items() if k != "formulas"}
        self._texts: dict[str, str] | None = None

    def _all(self) -> dict[str, str]:
        if self._texts is None:
            self._texts = _formulas(self._metrics)
        return self._texts

    def __getitem__(self, key: str) -> str:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return repr(self._all())

    def __reduce__(self):  # pickled (st.cache_data) as the numbers; the texts are written again on use
        return Formulas, (self._metrics,)


def _formulas(m: Mapping[str, Any]) -> dict[str, str]:
    bac, pv, ev, ac = m["BAC"], m["PV"], m["EV"], m["AC"]
    f: dict[str, str] = {}
    money, ratio = partial(fmt.money, currency="", cents=True), fmt.ratio
    f["CV"] = f"CV = EV − AC = {money(ev)} − {money(ac)} = {money(m['CV'])}"
    f["SV"] = f"SV = EV − PV = {money(ev)} − {money(pv)} = {money(m['SV'])}"
    f["CPI"] = f"CPI = EV / AC = {money(ev)} / {money(ac)} = {ratio(m['CPI'])}"
    if ac == 0:
        f["CPI"] += " (nothing spent yet)"
    f["SPI"] = f"SPI = EV / PV = {money(ev)} / {money(pv)} = {ratio(m['SPI'])}"
    if pv == 0:
        f["SPI"] += " (nothing planned yet)"
    if ac == 0:
        f["EAC"] = (f"EAC = BAC = {money(bac)} (nothing spent yet, so CPI is undefined and the forecast "
                    "assumes the plan)")
    elif m["CPI"] == 0 or m["CPI"] is None:
        f["EAC"] = (f"EAC = AC + (BAC − EV) / CPI = {fmt.DASH}: CPI is {ratio(m['CPI'])} ({money(ac)} spent, "
                    "nothing earned yet), so the cost-performance forecast has no limit")
    else:
        f["EAC"] = (f"EAC = AC + (BAC − EV) / CPI = {money(ac)} + ({money(bac)} − {money(ev)}) / "
                    f"{ratio(m['CPI'], 3)} = {money(m['EAC'])}")
        if ev > bac:
            f["EAC"] += " (EV beyond BAC: nothing left to do, so EAC = AC)"
    eac = m["EAC"]
    f["ETC"] = f"ETC = EAC − AC = {money(eac)} − {money(ac)} = {money(m['ETC'])}"
    f["VAC"] = f"VAC = BAC − EAC = {money(bac)} − {money(eac)} = {money(m['VAC'])}"
    f["TCPI"] = (f"TCPI = (BAC − EV) / (BAC − AC) = ({money(bac)} − {money(ev)}) / ({money(bac)} − {money(ac)}) "
                 f"= {ratio(m['TCPI'])}")
    if bac == ac:
        f["TCPI"] += " (BAC − AC = 0: the budget is used up)"
    elif ac > bac:
        f["TCPI"] += " (already over budget: no efficiency finishes within BAC)"
    return f
