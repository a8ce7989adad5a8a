"""Risk register scoring, pure.

Score = probability × impact, each rated 1–5, so 1–25. Level: 15 or more is high, 5–14 medium, 4 or less low.
"""

from __future__ import annotations


def risk_level(score: int) -> str:
    """Probability × impact -> 'high' (≥ 15), 'medium' (5–14) or 'low' (≤ 4)."""
    return "high" if score >= 15 else "medium" if score >= 5 else "low"
