"""@Name mentions and safe rendering of update text (pure).

**Mentions.** ``@`` followed by a person's full name, case-insensitive, names with spaces and accents included
("@Zoë van Dijk"). The ``@`` starts the text or follows a character that is not a letter or digit (so
``ava@example.com`` mentions nobody), and the name ends at the end of the text or before a character that is not a
letter or digit. Where names overlap ("@Ann" and "@Ann Lee") the longest one wins.

**Rendering.** Everything the person typed is escaped with the same rule as ``ui.md`` (every markdown, link,
directive and HTML character shown as typed), except two things the renderer builds itself from the escaped text:

- a web address ``http://…`` / ``https://…`` becomes a link ``[address](address)``; any other scheme
  (``javascript:``, ``data:``, ``file:``…) stays plain text, and markdown link syntax typed by the person is escaped;
- a mention becomes **@Name** in bold.

Line breaks are kept (markdown hard breaks). Trailing ``.,;:!?`` after an address belong to the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from urllib.parse import quote, urlsplit

EDIT_WINDOW = timedelta(minutes=15)  # authors may edit or delete their own update this long after posting
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")
_URL = re.compile(r"https?://[^\s<>()\[\]{}\"'`\\]+", re.IGNORECASE)
_TRAILING = ".,;:!?"
_URL_SAFE = ":/?#@!$&*+,;=%-._~"


def escape(text: object) -> str:
    """The ``ui.md`` rule: every markdown special character backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", str(text))


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def find_mentions(body: str, people: Mapping[int, str]) -> list[tuple[int, int, int]]:
    """``(start, end, person_id)`` of every mention in ``body`` (``start`` at the ``@``), in order."""
    names = sorted(((name.casefold(), pid) for pid, name in people.items() if name and name.strip()),
                   key=lambda np: -len(np[0]))
    folded = body.casefold()
    if len(folded) != len(body):  # a character that folds to several (ß → ss): compare lower-cased instead
        folded = body.lower()
        names = [(name.lower(), pid) for name, pid in names] if len(body.lower()) == len(body) else names
    found: list[tuple[int, int, int]] = []
    i = folded.find("@")
    while i != -1:
        if i == 0 or not _is_word(body[i - 1]):
            for name, pid in names:
                end = i + 1 + len(name)
                if folded.startswith(name, i + 1) and (end >= len(body) or not _is_word(body[end])):
                    found.append((i, end, pid))
                    i = end - 1
                    break
        i = folded.find("@", i + 1)
    return found


def mentioned(body: str, people: Mapping[int, str]) -> list[int]:
    """The ids of the people ``body`` mentions, each once, in order of first mention."""
    return list(dict.fromkeys(pid for _s, _e, pid in find_mentions(body, people)))


def safe_url(url: str) -> str | None:
    """``url`` ready for a markdown link destination if it is an http(s) address with a host, else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe=_URL_SAFE)


def _render_plain(text: str) -> str:
    out, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        start, end = match.start(), match.start() + len(url)
        target = safe_url(url)
        if target is None:
            continue
        out.append(escape(text[last:start]))
        out.append(f"[{escape(url)}]({target})")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def render(body: str, people: Mapping[int, str] | None = None) -> str:
    """``body`` as safe markdown: escaped text, http(s) links, bold mentions, line breaks kept."""
    people = people or {}
    out, last = [], 0
    for start, end, pid in find_mentions(body, people):
        out.append(_render_plain(body[last:start]))
        out.append(f"**@{escape(people[pid])}**")
        last = end
    out.append(_render_plain(body[last:]))
    return "  \n".join("".join(out).splitlines()) or ""


def quote_update(author: str, when: datetime | str, body: str) -> str:
    """An update quoted in a status report: '> Ava Thompson, 24 Nov: …' on every line (plain text)."""
    lines = (body or "").strip().splitlines() or [""]
    head = f"> {author}, {when}: {lines[0]}"
    return "\n".join([head, *(f"> {line}" for line in lines[1:])])


def within_edit_window(created_at: datetime, now: datetime) -> bool:
    """True while ``now`` is at most :data:`EDIT_WINDOW` after ``created_at``."""
    return timedelta(0) <= now - created_at <= EDIT_WINDOW or now < created_at


def autocomplete(prefix: str, people: Mapping[int, str], limit: int = 8) -> list[str]:
    """Names starting with ``prefix`` (case-insensitive), then names containing it, for the @ picker."""
    p = prefix.strip().lstrip("@").casefold()
    names = sorted(people.values(), key=str.casefold)
    first = [n for n in names if n.casefold().startswith(p)]
    rest = [n for n in names if p in n.casefold() and n not in first]
    return (first + rest)[:limit]
