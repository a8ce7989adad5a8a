"""Checks shared by the budget domain tests: undefined numbers are None, never NaN or inf."""

from __future__ import annotations

import math

import pandas as pd

from worksmith.domain.evm import METRICS


def assert_clean(df: pd.DataFrame) -> None:
    """No NaN, NA or inf anywhere: undefined numbers must be None."""
    for column in df.columns:
        for value in df[column].tolist():
            if isinstance(value, float):
                assert math.isfinite(value), f"{column}: {value}"
            assert value is not pd.NA and value is not pd.NaT, column


def assert_metrics_clean(m: dict) -> None:
    for key in METRICS:
        assert m[key] is None or (isinstance(m[key], float) and math.isfinite(m[key])), (key, m[key])
    for text in m["formulas"].values():
        assert "nan" not in text.lower() and "inf" not in text.lower(), text
