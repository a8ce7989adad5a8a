"""Chart builders remember their last charts: a page rerun that draws the same data gets the same chart object back
instead of building it again (building an Altair chart is most of a warm rerun's time at L; issue 16).

The key is the builder and the *content* of its arguments — DataFrames by a hash of their values, index, columns and
dtypes — so a changed value builds a new chart. Charts are never changed after they are built (Altair copies on
``to_dict``), so one object can serve every session.
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
        chart = builder(*args, **kwargs)
        with lock:
            cache[key] = chart
            while len(cache) > SIZE:
                cache.popitem(last=False)
        return chart

    wrapper.cache_clear = cache.clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
