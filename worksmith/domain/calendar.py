"""The working-day calendar: one definition of a working day for the schedule, the workload and every count of
working days. Pure: no database, no Streamlit.

Definitions::

    working day          a date whose weekday is in ``workdays`` (default Monday–Friday) and that is not a holiday
    working_days_between(a, b) = #{ working days d : a <= d < b }        (negative, -#{b <= d < a}, if b < a)
    offset of d from a project start s (day 0 = s, or the next working day if s is not one)
                         = working_days_between(s, d)   (a non-working d counts as the next working day)
    date_of(k, s)        = the working day whose offset from s is k (inverse of the offset)

So a task starting on working day ``a`` and lasting ``n`` working days finishes on ``date_of(n - 1, a)``, and
``working_days_between(a, date_of(n, a)) == n``.

Two engines compute these numbers for the same definition: :class:`WorkCalendar` does the arithmetic on day
ordinals (any set of working weekdays; the CPM's dates), and the NumPy business-day calendar of
:func:`busday_calendar` (Monday–Friday) works on whole arrays of dates at once (the workload spread, time off).
:func:`working_days_between` is the one function to call for "working days between two dates".

ISO weeks: a week is keyed by its Monday (:func:`week_start`) and labelled ``"2026-W07"`` (:func:`iso_label`, with the
ISO year, which may differ from the calendar year).

Recurrences (:func:`recurrence_dates`) are RFC 5545 RRULEs expanded by ``dateutil.rrule`` with DTSTART = ``anchor``
(the first due date). A task without a rule of its own follows its cadence, written as a rule by
:func:`cadence_rule`: weekly = ``FREQ=WEEKLY;BYDAY=<anchor's weekday>`` (anchor + 7k days); monthly = the anchor's day
of the month every month, clamped to the month's last day (``BYMONTHDAY=d`` for d <= 28, ``BYMONTHDAY=-1`` for the
31st, ``BYMONTHDAY=28,...,d;BYSETPOS=-1`` for the 29th/30th: the 31st falls on 28/29 Feb, 30 Apr...); quarterly =
the same with ``INTERVAL=3``. The picker adds "monthly on the last working day" (:data:`LAST_WORKING_DAY`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from dateutil import rrule as du

from worksmith.errors import ValidationError

__all__ = [
    "CADENCE_MONTHS",
    "WorkCalendar",
    "as_date",
    "busday_calendar",
    "cadence_rule",
    "check_rule",
    "describe_rule",
    "monthly_rule",
    "next_dates",
    "rule_cadence",
    "rule_dates",
    "weekly_rule",
    "iso_label",
    "np_day",
    "occurrences",
    "recurrence_dates",
    "to_days",
    "week_start",
    "working_days_between",
]

CADENCE_MONTHS = {"monthly": 1, "quarterly": 3}

# date(1, 1, 1) has ordinal 1 and is a Monday: ordinal o falls on weekday (o - 1) % 7.
_EPOCH_ORDINAL = 1


# --------------------------------------------------------------------------------------------------- calendar
@dataclass(frozen=True)
class WorkCalendar:
    """Which dates are working days: ``workdays`` are weekday numbers (Monday = 0) minus ``holidays``.

    Parameters
    ----------
    workdays:
        Weekday numbers that are working days (default Monday–Friday, ``{0, 1, 2, 3, 4}``).
    holidays:
        Dates that are not worked even though they fall on a workday.

    Raises
    ------
    ValidationError
        If there is no working weekday or a weekday number is outside 0–6.

    Examples
    --------
    >>> cal = WorkCalendar()
    >>> cal.date_of(3, date(2025, 1, 3))  # Friday + 3 working days
    datetime.date(2025, 1, 8)
    """

    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = frozenset()
    _days: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _prefix: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _hol: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        workdays = frozenset(self.workdays)
        holidays = frozenset(self.holidays)
        if not workdays:
            raise ValidationError("A work calendar needs at least one working weekday.", field="workdays")
        if any(not isinstance(w, int) or not 0 <= w <= 6 for w in workdays):
            raise ValidationError("Working weekdays are numbers 0 (Monday) to 6 (Sunday).", field="workdays")
        object.__setattr__(self, "workdays", workdays)
        object.__setattr__(self, "holidays", holidays)
        days = tuple(sorted(workdays))
        prefix = tuple(sum(1 for w in days if w < wd) for wd in range(7))
        # Only holidays that fall on a working weekday change the count.
        hol = tuple(sorted(h.toordinal() for h in holidays if h.weekday() in workdays))
        object.__setattr__(self, "_days", days)
        object.__setattr__(self, "_prefix", prefix)
        object.__setattr__(self, "_hol", hol)

    # -- internal arithmetic on ordinals -------------------------------------------------------------------
    def _index(self, ordinal: int) -> int:
        """Number of working days strictly before ``ordinal`` (since the epoch)."""
        weeks, wd = divmod(ordinal - _EPOCH_ORDINAL, 7)
        raw = weeks * len(self._days) + self._prefix[wd]
        return raw - bisect.bisect_left(self._hol, ordinal)

    def _raw_date(self, g: int) -> int:
        """Ordinal of the g-th working weekday since the epoch, ignoring holidays."""
        weeks, r = divmod(g, len(self._days))
        return _EPOCH_ORDINAL + weeks * 7 + self._days[r]

    def _working_at(self, index: int) -> int:
        """Ordinal of the working day whose index (working days before it) is ``index``."""
        g = index
        hol = self._hol
        while True:
            o = self._raw_date(g)
            k = bisect.bisect_left(hol, o)
            c = g - k  # holiday-aware index of o
            if c < index:
                g += index - c
            elif k < len(hol) and hol[k] == o:
                g += 1
            else:
                return o

    # -- public API ----------------------------------------------------------------------------------------
    def is_working(self, d: date) -> bool:
        """Return True if ``d`` is a working day (a working weekday and not a holiday)."""
        return d.weekday() in self.workdays and d not in self.holidays

    def next_working(self, d: date) -> date:
        """Return ``d`` if it is a working day, else the next working day after it."""
        return date.fromordinal(self._working_at(self._index(d.toordinal())))

    def date_of(self, offset: int, project_start: date) -> date:
        """Map a working-day offset to a date.

        Parameters
        ----------
        offset:
            Working days after day 0 (negative offsets count back before day 0).
        project_start:
            The project start date. Day 0 is this date if it is a working day, else the next working day.

        Returns
        -------
        date
            The working date ``offset`` working days after day 0.
        """
        return date.fromordinal(self._working_at(self._index(project_start.toordinal()) + offset))

    def add_working_days(self, start_date: date, n: int) -> date:
        """Return the working date ``n`` working days after ``start_date`` (same as ``date_of(n, start_date)``).

        A start on a non-working day first moves to the next working day, so ``add_working_days(saturday, 0)``
        is the following Monday and ``add_working_days(friday, 1)`` is the next Monday.
        """
        return self.date_of(n, start_date)

    def offset_of(self, d: date, project_start: date) -> int:
        """Inverse of :meth:`date_of`: the working-day offset of ``d`` from day 0 of ``project_start``.

        A non-working ``d`` maps to the offset of the next working day.
        """
        return self._index(d.toordinal()) - self._index(project_start.toordinal())

    def working_days_between(self, a: date, b: date) -> int:
        """Number of working days ``d`` with ``a <= d < b`` (negative if ``b`` is before ``a``).

        So a task starting on ``a`` and taking ``n`` working days ends the day before the n-th working day:
        ``working_days_between(a, add_working_days(a, n)) == n`` for a working ``a``.
        """
        return self._index(b.toordinal()) - self._index(a.toordinal())

    def working_dates(self, offsets: Iterable[int], project_start: date) -> list[date]:
        """Vectorised :meth:`date_of` for many offsets from the same project start."""
        base = self._index(project_start.toordinal())
        return [date.fromordinal(self._working_at(base + o)) for o in offsets]


# -------------------------------------------------------------------------------------------------- ISO weeks
def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def iso_label(day: date) -> str:
    """ISO week label of ``day``, e.g. ``"2026-W07"`` (the ISO year, which may differ from the calendar year)."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


# --------------------------------------------------------------------------------------------- NumPy calendar
def busday_calendar(holidays: Iterable[date] | None) -> np.busdaycalendar:
    """NumPy's business-day calendar for Monday–Friday minus ``holidays`` (missing dates are ignored)."""
    days = to_days(list(holidays or []))
    return np.busdaycalendar(weekmask="1111100", holidays=days[~np.isnat(days)])


def to_days(values: Any, column: str = "date") -> np.ndarray:
    """Anything date-like (date objects, strings, Timestamps, None) -> ``datetime64[D]`` array (NaT when missing)."""
    try:
        stamps = pd.to_datetime(pd.Series(values, dtype=object) if isinstance(values, list) else values)
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"{column}: not a date ({exc})", field=column) from exc
    return np.asarray(stamps, dtype="datetime64[D]")


def as_date(day: np.datetime64) -> date:
    """A ``datetime64`` day as a ``datetime.date``."""
    return day.astype("datetime64[D]").astype(object)


def np_day(day: date) -> np.datetime64:
    """A ``datetime.date`` as a ``datetime64[D]``."""
    return np.datetime64(day, "D")


def working_days_between(a: Any, b: Any, holidays: Iterable[date] | None = None) -> Any:
    """Number of working days ``d`` with ``a <= d < b`` (Monday–Friday minus ``holidays``; negative if ``b < a``).

    ``a`` and ``b`` are dates (the result is an ``int``) or arrays of ``datetime64[D]`` (an array of counts). The
    same number as ``WorkCalendar(holidays=...).working_days_between(a, b)``; an inclusive range ``first..last``
    has ``working_days_between(first, last + 1 day)`` working days.

    >>> working_days_between(date(2026, 2, 13), date(2026, 2, 17))  # Fri, (Sat, Sun), Mon
    2
    """
    cal = busday_calendar(holidays)
    lo, hi = np.asarray(a, dtype="datetime64[D]"), np.asarray(b, dtype="datetime64[D]")
    # counted from the earlier date (NumPy would count a reversed range as -#{b < d <= a})
    count = np.busday_count(np.minimum(lo, hi), np.maximum(lo, hi), busdaycal=cal) * np.where(lo <= hi, 1, -1)
    return int(count) if isinstance(a, date) and isinstance(b, date) else count


# ------------------------------------------------------------------------------------------------ recurrences
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"}  # no COUNT/UNTIL: work recurs
_FREQS = {"WEEKLY", "MONTHLY", "YEARLY"}
LAST_WORKING_DAY = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
#: The picker's choices: label -> how to make the rule from (weekday 0-6 or day of month 1-31).
RULE_CHOICES = ("weekly on…", "monthly on day N", "monthly on the last working day", "quarterly on day N")


def _cadence(cadence: str) -> str:
    key = str(cadence).strip().lower()
    if key != "weekly" and key not in CADENCE_MONTHS:
        raise ValidationError(f"Unknown cadence '{cadence}': use weekly, monthly or quarterly", field="cadence")
    return key


def monthly_rule(day: int, months: int = 1) -> str:
    """Every ``months`` months on day ``day`` (1–31), on the month's last day when the month is shorter."""
    if not 1 <= int(day) <= 31:
        raise ValidationError(f"A day of the month is 1 to 31 (got {day}).", field="rrule")
    day = int(day)
    interval = f";INTERVAL={months}" if months != 1 else ""
    if day <= 28:
        by = f"BYMONTHDAY={day}"
    elif day == 31:
        by = "BYMONTHDAY=-1"
    else:
        by = "BYMONTHDAY=" + ",".join(str(d) for d in range(28, day + 1)) + ";BYSETPOS=-1"
    return f"FREQ=MONTHLY{interval};{by}"


def weekly_rule(weekday: int) -> str:
    """Every week on ``weekday`` (0 = Monday)."""
    return f"FREQ=WEEKLY;BYDAY={_WEEKDAYS[int(weekday) % 7]}"


def cadence_rule(cadence: str, anchor: date) -> str:
    """The RRULE that reproduces a cadence from its anchor (first due date) exactly.

    >>> cadence_rule("monthly", date(2026, 1, 31))
    'FREQ=MONTHLY;BYMONTHDAY=-1'
    >>> cadence_rule("quarterly", date(2026, 1, 30))
    'FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=28,29,30;BYSETPOS=-1'
    """
    key = _cadence(cadence)
    if key == "weekly":
        return weekly_rule(anchor.weekday())
    return monthly_rule(anchor.day, CADENCE_MONTHS[key])


def _parts(rule: str) -> dict[str, str]:
    text = str(rule or "").strip().upper().removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for chunk in filter(None, text.split(";")):
        key, sep, value = chunk.partition("=")
        if not sep or not value:
            raise ValidationError(f"Recurrence rule '{rule}': '{chunk}' is not NAME=VALUE.", field="rrule")
        if key not in _PARTS:
            raise ValidationError(f"Recurrence rule '{rule}': {key} is not supported (use "
                                  f"{', '.join(sorted(_PARTS))}).", field="rrule")
        parts[key] = value
    if parts.get("FREQ") not in _FREQS:
        raise ValidationError(f"Recurrence rule '{rule}' needs FREQ=WEEKLY, MONTHLY or YEARLY.", field="rrule")
    return parts


def check_rule(rule: str, anchor: date | None = None) -> str:
    """The rule, normalised (upper case, no ``RRULE:``), or ``ValidationError`` saying what is wrong with it.

    Only date rules are accepted (FREQ weekly, monthly or yearly; INTERVAL 1–12; no DTSTART: the anchor is it; no
    COUNT or UNTIL: recurring work recurs until it is deleted, so it always has a next due date). With
    an ``anchor`` the rule must also occur at least once within 400 years of it (the Gregorian calendar repeats every
    400 years, so the search runs on the anchor moved to the 97th century and stops at year 9999 — without this an
    impossible rule such as 31 February would make dateutil search for seconds).
    """
    if len(str(rule or "")) > 500:
        raise ValidationError("A recurrence rule has at most 500 characters.", field="rrule")
    parts = _parts(rule)
    if not parts.get("INTERVAL", "1").isdigit() or not 1 <= int(parts.get("INTERVAL", "1")) <= 12:
        raise ValidationError(f"Recurrence rule '{rule}': INTERVAL is a whole number from 1 to 12.", field="rrule")
    text = ";".join(f"{k}={v}" for k, v in parts.items())
    start = datetime(2000, 1, 1) if anchor is None else datetime(anchor.year, anchor.month, anchor.day)
    far = start.replace(year=start.year + 400 * ((9599 - start.year) // 400 + 1)) if start.year < 9599 else start
    try:
        du.rrulestr(text, dtstart=start)
        first = du.rrulestr(text, dtstart=far).after(far, inc=True) if anchor is not None else far
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValidationError(f"Recurrence rule '{rule}' cannot be read: {exc}.", field="rrule") from None
    if first is None:
        raise ValidationError(f"Recurrence rule '{rule}' never occurs from {anchor} on (no date matches it).",
                              field="rrule")
    return text


@lru_cache(maxsize=8192)
def _expander(rule: str, anchor: date) -> du.rrule:
    return du.rrulestr(check_rule(rule, anchor), dtstart=datetime(anchor.year, anchor.month, anchor.day))


def rule_dates(rule: str, anchor: date, start: date, end: date) -> list[date]:
    """Occurrences of ``rule`` (DTSTART = ``anchor``) within ``start..end`` inclusive."""
    lo = max(start, anchor)
    if lo > end:
        return []
    return list(_between(rule, anchor, lo, end))


@lru_cache(maxsize=16384)
def _between(rule: str, anchor: date, lo: date, end: date) -> tuple[date, ...]:
    """dateutil's expansion is ~50x slower than date arithmetic: the same window (every rerun) is expanded once."""
    found = _expander(rule, anchor).between(datetime.combine(lo, datetime.min.time()),
                                            datetime.combine(end, datetime.min.time()), inc=True)
    return tuple(d.date() for d in found)


def next_dates(rule: str, anchor: date, after: date, n: int = 5) -> list[date]:
    """The first ``n`` occurrences on or after ``after`` (the picker's preview)."""
    out: list[date] = []
    moment = datetime.combine(max(after, anchor), datetime.min.time())
    expander = _expander(rule, anchor)
    while len(out) < n:
        found = expander.after(moment, inc=not out)
        if found is None:
            break
        out.append(found.date())
        moment = found
    return out


def rule_cadence(rule: str) -> str | None:
    """The cadence a rule averages to (weekly/monthly/quarterly, for hours per week), or None for other rules."""
    parts = _parts(rule)
    interval = int(parts.get("INTERVAL", "1")) if parts.get("INTERVAL", "1").isdigit() else 0
    single_day = "," not in parts.get("BYDAY", "") or parts.get("BYSETPOS") == "-1"
    if parts["FREQ"] == "WEEKLY" and interval == 1 and single_day and not parts.keys() & {"BYMONTHDAY", "BYSETPOS"}:
        return "weekly"
    if parts["FREQ"] == "MONTHLY" and interval in (1, 3) and not parts.keys() & {"BYMONTH"} and (
            "," not in parts.get("BYMONTHDAY", "") or parts.get("BYSETPOS") == "-1") and single_day:
        return "monthly" if interval == 1 else "quarterly"
    return None


def describe_rule(rule: str, anchor: date | None = None) -> str:
    """Plain English for a rule: "Every week on Monday", "Every 3 months on day 15 (or the month's last day)"."""
    parts = _parts(rule)
    interval = int(parts.get("INTERVAL", "1")) if parts.get("INTERVAL", "1").isdigit() else 1
    unit = {"WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}[parts["FREQ"]]
    every = f"Every {unit}" if interval == 1 else ("Every quarter" if (unit, interval) == ("month", 3)
                                                   else f"Every {interval} {unit}s")
    byday, bymonthday = parts.get("BYDAY", ""), parts.get("BYMONTHDAY", "")
    if unit == "month" and byday == "MO,TU,WE,TH,FR" and parts.get("BYSETPOS") == "-1":
        return f"{every} on the last working day (Monday–Friday)"
    if unit == "week":
        days = [_DAY_NAMES[_WEEKDAYS.index(d)] for d in byday.split(",") if d in _WEEKDAYS] or (
            [_DAY_NAMES[anchor.weekday()]] if anchor else [])
        return f"{every} on {' and '.join(days)}" if days else every
    if unit == "month" and bymonthday == "-1":
        return f"{every} on the last day of the month"
    if unit == "month" and bymonthday and parts.get("BYSETPOS") == "-1":
        return f"{every} on day {bymonthday.split(',')[-1]} (or the month's last day when it is shorter)"
    if unit == "month" and bymonthday.isdigit():
        return f"{every} on day {bymonthday}"
    if unit == "month" and not bymonthday and not byday and anchor:
        return f"{every} on day {anchor.day}"
    return f"Custom rule: {';'.join(f'{k}={v}' for k, v in parts.items())}"


def recurrence_dates(cadence: str, anchor: date, start: date, end: date, rule: str = "") -> list[date]:
    """Occurrences of a recurring task from ``anchor`` on, within ``start``..``end`` inclusive.

    ``rule`` is the task's RRULE; empty: its cadence as a rule (:func:`cadence_rule`): ``weekly``: anchor + 7k days.
    ``monthly``/``quarterly``: the anchor's day of the month every 1/3 months, clamped to the last day of shorter
    months (anchor 31 Jan -> 28 Feb, 31 Mar, 30 Apr...). Raises ``ValidationError`` for an unknown cadence or a bad
    rule.

    >>> recurrence_dates("monthly", date(2026, 1, 31), date(2026, 2, 1), date(2026, 4, 30))
    [datetime.date(2026, 2, 28), datetime.date(2026, 3, 31), datetime.date(2026, 4, 30)]
    """
    return rule_dates(str(rule or "").strip() or cadence_rule(cadence, anchor), anchor, start, end)


def occurrences(cadence: str, anchor: np.datetime64, first: np.datetime64, last: np.datetime64,
                rule: str = "") -> np.ndarray:
    """:func:`recurrence_dates` on ``datetime64[D]`` days: the occurrences within ``first..last`` inclusive."""
    days = recurrence_dates(cadence, as_date(anchor), as_date(first), as_date(last), rule)
    return np.array(days, dtype="datetime64[D]")
