"""Phone numbers in one written form, so that one number is one string (R-1.1).

An agent types what the caller says: "188 5090 1576", "188-5090-1576", "+86 188 5090 1576",
"(0571) 8888-1234", "００８６ 18850901576". Stored as typed, the same person was created twice and a
search for "188-5090-1576" found nothing. Every phone the customer archive stores (customers and
their contacts, whichever door: pages, API, intake, the demo data) is written in its canonical
form, and a search is cut to the same form before it is compared.

The canonical form:
- only ASCII digits, with a leading ``+`` for a number outside mainland China;
- separators are dropped: spaces (also the ideographic space), dashes, dots, parentheses and
  slashes; full-width digits and signs count as their ASCII twins (NFKC);
- the international prefix ``00`` is written ``+``;
- the country code of mainland China (``+86``, ``0086``, and ``86`` before an 11-digit mobile
  number) is dropped: a mobile number is its 11 digits (``18850901576``), a landline keeps its
  area code with the trunk ``0`` (``057188881234``; "+86 571 8888 1234" is the same number);
- anything else (letters, an extension written "转 801") is left for the validation to refuse.

Canonical numbers are valid when they have 5 to 20 digits (``PHONE_RE``).
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

# Characters people put between digits; NFKC has already made full-width ones ASCII.
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.()/]+")
DIGITS = re.compile(r"[0-9]+", re.ASCII)
MAINLAND_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
# A canonical phone number (what services accept).
PHONE_RE = re.compile(r"\+?[0-9]{5,20}", re.ASCII)
CHINA = "86"
INVALID_PHONE = _(
    "Enter a phone number of 5 to 20 digits (spaces, dashes and brackets between them are fine; "
    "+ or 00 before a country code)."
)
# A search needs this many digits before it is read as (part of) a phone number.
MIN_SEARCH_DIGITS = 3


def _cleaned(text: str) -> str:
    return SEPARATORS.sub("", unicodedata.normalize("NFKC", text))


def normalise_phone(text: str) -> str:
    """``text`` in the canonical form above; idempotent. Text that is no phone number comes
    back without separators, for the validation to refuse."""
    cleaned = _cleaned(text)
    plus = cleaned.startswith("+")
    body = cleaned[1:] if plus else cleaned
    if not DIGITS.fullmatch(body):
        return cleaned
    if not plus and body.startswith("00") and len(body) > 2:
        plus, body = True, body[2:]
    if plus:
        if not body.startswith(CHINA) or body == CHINA:
            return "+" + body
        national = body[len(CHINA) :].lstrip("0")
        return national if MAINLAND_MOBILE.fullmatch(national) else "0" + national
    if len(body) == 13 and body.startswith(CHINA) and MAINLAND_MOBILE.fullmatch(body[2:]):
        return body[2:]
    return body


def is_valid_phone(canonical: str) -> bool:
    return bool(PHONE_RE.fullmatch(canonical))


def phone_query(text: str) -> str:
    """What a search for ``text`` looks for inside stored phone numbers, or "" when ``text`` is
    no (part of a) phone number. Unlike ``normalise_phone`` it keeps a partial number partial:
    "+86 188" looks for "188", "5090-1576" for "50901576", "+86 571 8888" for "5718888" (found
    inside "057188881234")."""
    cleaned = _cleaned(text.strip())
    plus = cleaned.startswith("+")
    body = cleaned[1:] if plus else cleaned
    if not DIGITS.fullmatch(body) or len(body) < MIN_SEARCH_DIGITS:
        return ""
    if not plus and body.startswith("00") and len(body) > 2:
        plus, body = True, body[2:]
    if plus:
        body = body[len(CHINA) :] if body.startswith(CHINA) else "+" + body
    elif len(body) == 13 and body.startswith(CHINA) and MAINLAND_MOBILE.fullmatch(body[2:]):
        body = body[2:]
    # "+86" alone is no number yet: looking for "" would find every customer.
    return body if len(body.lstrip("+")) >= MIN_SEARCH_DIGITS else ""
