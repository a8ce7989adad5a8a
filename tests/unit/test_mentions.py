"""@mentions (names with spaces and accents, overlaps, emails) and safe rendering (escaping, http(s)-only links)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from worksmith.domain.mentions import (
    autocomplete,
    escape,
    mentioned,
    quote_update,
    render,
    safe_url,
    within_edit_window,
)
from worksmith.ui.markdown import md

PEOPLE = {1: "Ava Thompson", 2: "Liam Chen", 3: "Zoë van Dijk", 4: "Ann", 5: "Ann Lee", 6: "José Álvarez"}


def test_mentions_with_spaces_accents_and_case():
    assert mentioned("Hi @Ava Thompson and @zoë VAN dijk, cc @José Álvarez.", PEOPLE) == [1, 3, 6]


def test_longest_name_wins_and_names_end_at_a_word_boundary():
    assert mentioned("@Ann Lee please", PEOPLE) == [5]
    assert mentioned("@Ann, please", PEOPLE) == [4]
    assert mentioned("@Annabel and @Liam Chenoweth", PEOPLE) == []


def test_emails_and_repeats_are_not_mentions():
    assert mentioned("write to liam@Liam Chen.example or ava@example.com", PEOPLE) == []
    assert mentioned("@Liam Chen @Liam Chen (@Liam Chen)", PEOPLE) == [2]


@pytest.mark.parametrize("text", ["[x](javascript:alert(1))", "![](http://tracker/p.png)", ":red[boo]", "<b>hi</b>",
                                  "# Title", "* list", "`code`", "a_b_c", "$x$", "1. one", "|a|b|", "~~s~~"])
def test_escape_matches_ui_md_and_is_inert(text):
    assert escape(text) == md(text)
    out = render(text)
    assert "](javascript" not in out and "<b>" not in out and "![" not in out


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd",
                                 "vbscript:msgbox", "http://", "ftp://example.com/x"])
def test_only_http_links(url):
    assert safe_url(url) is None
    out = render(f"see {url} now")
    assert "](" not in out


def test_http_links_become_links_with_a_safe_destination():
    out = render("Docs: https://wiki.example/a_b?q=1&x=(2). Next")
    assert out.startswith("Docs\\: [https\\:")
    assert "](https://wiki.example/a_b?q=1&x=)" in out  # the parenthesis ends the address
    out = render('go http://e.example/"onmouseover=x')
    assert '"' not in out.split("](", 1)[1].split(")", 1)[0]


def test_markdown_link_injection_around_a_real_link():
    out = render("[click](https://ok.example) [evil](javascript:alert(1))")
    assert "](javascript" not in out
    assert out.count("](") == 1 and "\\[click\\]" in out


def test_mentions_are_bold_and_escaped_and_lines_kept():
    out = render("line one\n@Ann Lee *not bold*", {5: "Ann Lee"})
    assert out == "line one  \n**@Ann Lee** \\*not bold\\*"
    assert render("@Evil_*", {9: "Evil_*"}) == "**@Evil\\_\\***"


def test_edit_window_is_fifteen_minutes():
    t0 = datetime(2026, 11, 25, 9, tzinfo=UTC)
    assert within_edit_window(t0, t0 + timedelta(minutes=15))
    assert not within_edit_window(t0, t0 + timedelta(minutes=15, seconds=1))


def test_quote_and_autocomplete():
    assert quote_update("Ava", "24 Nov", "a\nb") == "> Ava, 24 Nov: a\n> b"
    assert autocomplete("@an", PEOPLE) == ["Ann", "Ann Lee", "Zoë van Dijk"]
