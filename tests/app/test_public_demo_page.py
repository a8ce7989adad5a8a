"""Public demo on the Data page: restore and start over are not offered (one line says why); export and backup
stay. Without the public demo the same page offers both."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

OFF = "Not available in the public demo"


def _data_page(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    app.switch_page("pages/data.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app



@pytest.mark.parametrize("public", [True, False])
def test_data_page_hides_restore_and_start_over_in_the_public_demo(app: AppTest, workspace, monkeypatch,
                                                                   public: bool) -> None:
    workspace(demo=True)
    monkeypatch.setenv("WORKSMITH_PUBLIC_DEMO", "1" if public else "0")
    _data_page(app)
    infos = [i.value for i in app.info]
    buttons = {b.key for b in app.button if b.key}
    assert "data_prepare_backup" in buttons  # backup stays either way
    if public:
        assert any("your own sandbox" in i for i in infos), infos
        off = [i for i in infos if OFF in i]
        assert len(off) == 2 and "restoring a backup" in off[0] and "starting over" in off[1], off
        assert not {"data_start_empty", "data_load_demo", "data_restore"} & buttons
        assert "data_confirm_empty" not in {c.key for c in app.checkbox}
    else:
        assert not [i for i in infos if OFF in i]
        assert "data_confirm_empty" in {c.key for c in app.checkbox}
        assert "data_load_demo" in buttons
