"""Fuzzing every importer's reading and checking: random bytes, wrong encodings, BOMs, semicolons, huge cells.

Whatever the file, the outcome is a frame whose rows are each clean or listed with problems, or an
``ImportRefused`` listing the problems — never another exception. (The database half, "never a partial write", is
tests/db/test_table_import.py.)
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worksmith.commands.table_rows import TABLES, Refs, prepare
from worksmith.exchange import tables_import as ti
from worksmith.exchange.tables_import import ImportRefused

cell = st.one_of(st.text(max_size=30), st.sampled_from(["", "40", "-3", "1e400", "nan", "2027-01-31", "31/01/2027",
                                                       "Marketing", "x" * 25_000, "=cmd()", "a;b", "\"q", "\r"]))


@st.composite
def files(draw) -> bytes:
    table = draw(st.sampled_from(list(TABLES)))
    labels = [f.label for f in TABLES[table].fields]
    header = draw(st.lists(st.sampled_from(labels + ["Junk", ""]), min_size=1, max_size=8))
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=len(header) + 2), max_size=6))
    text = "\n".join(sep.join(r) for r in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


def _check(data: bytes) -> None:
    try:
        frame = ti.read_table(data, "fuzz.csv")
    except ImportRefused as refused:
        assert refused.problems and str(refused)
        return
    for table in TABLES:
        try:
            prepared = prepare(frame, table=table, mapping=ti.guess_mapping(table, list(frame.columns)),
                               refs=Refs(names={"team": {"marketing": 1}}), project="P")
        except ImportRefused as refused:
            assert refused.problems
            continue
        assert len(prepared.rows) == len(frame)
        assert all(prepared.problems.values())
        ti.preview_frame(prepared)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data):
    _check(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files())
def test_random_tables_in_any_encoding_never_raise(data):
    _check(data)
