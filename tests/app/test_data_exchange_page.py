"""AppTest for the data-exchange surfaces: the import wizard's first step and templates, calendar downloads, and the
recurrence picker's preview (AppTest cannot upload files; the wizard's checks are tested in tests/unit and tests/db)."""

from __future__ import annotations

from tests.app.test_operations_pages import _exceptions, open_page


def test_data_page_offers_the_wizard_templates_and_the_workspace_calendar(app, workspace):
    workspace()
    at = open_page(app, "data.py")
    assert at.selectbox(key="data_wizard_table").value == "team"
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Template (CSV)" in labels and "Template (Excel)" in labels
    assert "Milestones of every project (.ics)" in labels
    at.selectbox(key="data_wizard_table").set_value("expense").run()
    assert not at.exception, _exceptions(at)


def test_recurrence_picker_previews_the_next_five_dates(app, workspace):
    workspace()
    at = open_page(app, "operations.py")
    at.selectbox(key="ops_rec_choice").set_value("monthly on the last working day").run()
    assert not at.exception, _exceptions(at)
    preview = next(md.value for md in at.markdown if "last working day" in md.value)
    assert preview.count(",") == 4  # five dates
    assert "Mon 30 Nov 2026" in preview  # the first one on or after 25 Nov 2026
    assert any("Repeats" in str(df.value.columns.tolist()) for df in at.dataframe)


def test_people_page_offers_a_person_calendar(app, workspace):
    workspace()
    at = open_page(app, "people.py")
    assert "Download .ics" in [b.proto.label for b in at.get("download_button")]
