"""AppTest for the data-exchange surfaces: the import wizard's first step and templates, calendar downloads, and the
recurrence picker's preview (AppTest cannot upload files; the wizard's checks are tested in tests/unit and tests/db)."""

from __future__ import annotations

from tests.app.test_operations_pages import _exceptions, one, open_page
from worksmith.store import models as m


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


PEOPLE = "Full name;Department;Hourly rate;Capacity\nNia Obi;Brand New Team;65;40\nOla Ek;Brand New Team;x;30\n"


def _preview(at):
    return next(df.value for df in at.dataframe if "Action" in df.value.columns)


def test_wizard_previews_rows_with_problems_then_imports_a_clean_file_once(app, workspace):
    workspace()
    at = open_page(app, "data.py")
    at.selectbox(key="data_wizard_table").set_value("person").run()
    at.file_uploader(key="data_wizard_file_person").set_value(("people.csv", PEOPLE.encode(), "text/csv")).run()
    assert not at.exception, _exceptions(at)
    preview = _preview(at)
    assert preview["Action"].tolist() == ["create", "refused"]
    assert "Cost rate: not a number" in preview["Problems"].iloc[1]
    assert at.button(key="data_wizard_go").disabled
    fixed = PEOPLE.replace(";x;", ";70;").encode()
    at.file_uploader(key="data_wizard_file_person").set_value(("people.csv", fixed, "text/csv")).run()
    assert _preview(at)["Action"].tolist() == ["create", "create"]
    offer = at.checkbox(key="data_wizard_create")  # the offer to create "Brand New Team"
    assert "Brand New Team" in offer.label and not offer.value
    at.button(key="data_wizard_go").click().run()
    assert "do not exist yet" in at.error[0].value  # refused whole until the offer is taken
    at.checkbox(key="data_wizard_create").check().run()
    at.button(key="data_wizard_go").click().run()
    assert not at.exception, _exceptions(at)
    assert not at.error, [e.value for e in at.error]
    assert any("This file has been imported" in s.value for s in at.success)
    assert one(m.Person, m.Person.name == "Ola Ek").cost_rate == 70
    assert one(m.Team, m.Team.name == "Brand New Team") is not None
