"""Cleaning of answers (R-9.5): an answer is kept either way, marked invalid with its reason when

- its text is abusive: it contains a word of the administrator's list (``AbusiveWord``) anywhere,
  compared after NFKC folding, lower-casing and removing spaces and punctuation, since Chinese has
  no word boundaries (and "傻 逼" must not slip through);
- every dimension has the same score (straight-lining);
- text is required (``SURVEY_TEXT_REQUIRED``, the default) and it is shorter than 10 characters
  (spaces and punctuation not counted).

The first reason that applies, in that order, is stored.

An on-site opinion (R-9.9: the customer's service score and sentence from the approved service
report) gives one service score for all five dimensions, so straight-lining is not asked of it, and
its sentence is optional: the length rule (when text is required) applies only when a sentence
was given; the abusive rule always.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from django.conf import settings

from aftersales.surveys.models import AbusiveWord, InvalidReason

MIN_TEXT_LENGTH = 10


def fold(text: str) -> str:
    """``text`` as compared: NFKC (full-width to half-width), lower case, letters and digits only."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def abusive_words() -> list[str]:
    return [w for w in (fold(word) for word in AbusiveWord.objects.values_list("word", flat=True)) if w]


def invalid_reason(
    scores: Mapping[str, int], text: str, *, words: list[str] | None = None, on_site: bool = False
) -> str:
    """The reason ``scores`` and ``text`` make an invalid answer, or "" for a valid one;
    ``on_site``: an opinion from a service report (no straight-lining, the sentence optional)."""
    folded = fold(text)
    for word in abusive_words() if words is None else words:
        if word in folded:
            return InvalidReason.ABUSIVE
    if not on_site and len(set(scores.values())) == 1:
        return InvalidReason.STRAIGHT_LINING
    text_asked = settings.SURVEY_TEXT_REQUIRED and (bool(folded) or not on_site)
    if text_asked and len(folded) < MIN_TEXT_LENGTH:
        return InvalidReason.TEXT_TOO_SHORT
    return ""
