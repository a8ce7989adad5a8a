"""Chart builders remember their last charts: a page rerun that draws the same data gets the same chart object back
instead of building it again (building an Altair chart is most of a warm rerun's time at L; issue 16).

The key is the builder and the *content* of its arguments — DataFrames by a hash of their values, index, columns and
dtypes — so a changed value builds a new chart. Charts are never changed after they are built (Altair copies on
``to_dict``), so one object can serve every session. A remembered chart is checked against the Vega-Lite schema once,
when it is built; its later ``to_dict`` calls (Streamlit's, on every rerun) skip that check, which was a quarter of a
warm rerun.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd

F = TypeVar("F", bound=Callable[..., Any])
SIZE = 256  # charts kept per process, least recently used first out


class _Unhashable(Exception):
    pass


def _part(value: Any) -> Any:
    if isinstance(value, pd.DataFrame | pd.Series):
        digest = hashlib.blake2b(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes(), digest_size=16)
        names = tuple(value.columns) if isinstance(value, pd.DataFrame) else (value.name,)
        dtypes = tuple(str(t) for t in (value.dtypes if isinstance(value, pd.DataFrame) else [value.dtype]))
        return type(value).__name__, value.shape, names, dtypes, digest.hexdigest()
    if isinstance(value, list | tuple):
        return type(value).__name__, tuple(_part(v) for v in value)
    if isinstance(value, dict):
        return "dict", tuple(sorted((k, _part(v)) for k, v in value.items()))
    try:
        hash(value)
    except TypeError:
        raise _Unhashable from None
    return type(value).__name__, value


def _checked_once(chart: Any) -> Any:
    """Validate ``chart`` now (raises like Altair would on the first render); later ``to_dict`` calls skip it."""
    to_dict = getattr(type(chart), "to_dict", None)
    if to_dict is None:
        return chart
    to_dict(chart)
    # on the instance, past Altair's __setattr__ (which would take it for a chart property)
    object.__setattr__(chart, "to_dict", functools.partial(to_dict, chart, validate=False))
    return chart


def remembered(builder: F) -> F:
    """Decorate a chart builder: the same arguments (by content) give the same chart, built once."""
    cache: OrderedDict[Any, Any] = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(builder)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            key = (_part(args), _part(kwargs))
        except _Unhashable:
            return builder(*args, **kwargs)
        except (TypeError, ValueError):  # a frame pandas cannot hash (e.g. a column of lists): build it
            return builder(*args, **kwargs)
        with lock:
            if key in cache:
                cache.move_to_end(key)
                return cache[key]
        chart = _checked_once(builder(*args, **kwargs))
        with lock:
            cache[key] = chart
            while len(cache) > SIZE:
                cache.popitem(last=False)
        return chart

    wrapper.cache_clear = cache.clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
