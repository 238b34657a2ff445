"""Substring search over work orders that stays fast at a million rows.

Chinese has no spaces between words, so a user may type any part of a symptom or a name
("漏水", "不制冷"). Each work order keeps ``search_text``: its number, customer name, serial
number, product model and symptom cut into overlapping character pairs for Chinese
("空调漏水" → "空调 调漏 漏水") and lower-case words for everything else. A query is cut the same
way and matched as a phrase of consecutive tokens, which is "contains this substring" for two
or more Chinese characters; a word of letters or digits at the end of the query matches by
prefix (the user may not have typed all of it), other words whole.

SQLite indexes ``search_text`` in an FTS5 table, PostgreSQL in a GIN index over
``to_tsvector('simple', search_text)`` (migration ``0003_work_order_search``). A one-character
Chinese query has no pair to look up and falls back to a scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Runs of CJK ideographs (incl. extension A and compatibility), or of letters/digits.
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[0-9a-z]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
MAX_TEXT = 2000  # characters of each part that are indexed
# The FTS5 table of migration 0003_work_order_search.
SQLITE_MATCH = "SELECT rowid FROM workorders_search WHERE workorders_search MATCH %s"
# PostgreSQL: the ids that match, for an OR with another indexed condition (a number).
PG_MATCH = "SELECT id FROM workorders_workorder WHERE to_tsvector('simple', search_text) @@ to_tsquery('simple', %s)"
# How many matches, counted no further than a limit (cheap: the index answers).
SQLITE_COUNT = "SELECT count(*) FROM (SELECT rowid FROM workorders_search WHERE workorders_search MATCH %s LIMIT %s)"
# Up to this many matches a page is picked from the matches; beyond, by walking the list order.
FEW_MATCHES = 5000


def _pairs(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _tokens(text: str) -> Iterable[list[str]]:
    """Each run of the text as its list of tokens (CJK pairs, or one word)."""
    for run in _RUN.findall(text.lower()[:MAX_TEXT]):
        yield _pairs(run) if _IS_CJK.match(run) else [run]


def search_text(*parts: str) -> str:
    """The indexed form of a work order's searchable fields."""
    tokens: list[str] = []
    for part in parts:
        for run in _tokens(part or ""):
            tokens.extend(run)
    return " ".join(tokens)


def query_phrases(query: str) -> list[tuple[list[str], bool]] | None:
    """The query as phrases to match, each (tokens, last token is a prefix).

    Each space-separated part of the query is one phrase of consecutive tokens ("万隆1商贸" →
    万隆 1 商贸), so it matches where that substring stands; only the last token may be
    unfinished, and only a word of letters or digits is matched by prefix. None when the
    index cannot answer: nothing searchable, or a lone Chinese character, which is no token.
    """
    phrases: list[tuple[list[str], bool]] = []
    for part in query.split():
        runs = list(_tokens(part))
        if not runs:
            continue
        if any(len(run) == 1 and len(run[0]) == 1 and _IS_CJK.match(run[0]) for run in runs):
            return None
        tokens = [token for run in runs for token in run]
        phrases.append((tokens, not _IS_CJK.match(tokens[-1])))
    return phrases or None


def fts5_query(phrases: list[tuple[list[str], bool]]) -> str:
    """SQLite FTS5: "a b c" AND "d e"* (a phrase's * makes its last token a prefix)."""
    return " AND ".join('"' + " ".join(tokens) + '"' + ("*" if prefix else "") for tokens, prefix in phrases)


def tsquery(phrases: list[tuple[list[str], bool]]) -> str:
    """PostgreSQL to_tsquery('simple', ...): a <-> b <-> c & d <-> e:*."""
    return " & ".join(" <-> ".join(tokens) + (":*" if prefix else "") for tokens, prefix in phrases)
