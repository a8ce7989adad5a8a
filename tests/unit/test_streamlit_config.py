"""What the server promises a hosted user: no traceback with server paths on screen, bounded uploads."""

import tomllib
from pathlib import Path

CONFIG = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())


def test_users_never_see_error_details() -> None:
    assert CONFIG["client"]["showErrorDetails"] == "none"


def test_uploads_are_capped() -> None:
    assert 1 <= CONFIG["server"]["maxUploadSize"] <= 50  # MB
