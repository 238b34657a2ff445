"""R-9.2: SMS replies are parsed with or without the code, with full-width digits and separators;
anything else is malformed (hypothesis over good and malformed replies)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aftersales.surveys.models import DIMENSIONS
from aftersales.surveys.sms import normalise_sender, parse_reply

FULL = str.maketrans("0123456789", "０１２３４５６７８９")
SEPARATORS = st.lists(st.sampled_from([" ", "，", "、", ",", "\u3000", "；"]), min_size=1, max_size=3).map("".join)
CODE = st.text(alphabet="23456789ABCDEFGHJKMNPQRSTUVWXYZ", min_size=4, max_size=4).filter(
    lambda c: any(ch.isalpha() for ch in c)
)
WORDS = st.text(alphabet="很满意师傅准时服务好谢谢不太", min_size=0, max_size=20)


def _number(value: int, full: bool) -> str:
    return str(value).translate(FULL) if full else str(value)


@given(
    code=st.one_of(st.just(""), CODE),
    scores=st.lists(st.integers(1, 10), min_size=5, max_size=5),
    seps=st.lists(SEPARATORS, min_size=6, max_size=6),
    full=st.lists(st.booleans(), min_size=5, max_size=5),
    words=WORDS,
    lower=st.booleans(),
)
def test_r9_2_good_replies_are_read(code, scores, seps, full, words, lower):
    parts = [_number(v, f) for v, f in zip(scores, full, strict=True)]
    text = ""
    if code:
        text = (code.lower() if lower else code) + seps[0]
    for i, part in enumerate(parts):
        text += part + (seps[i + 1] if i < 4 else "")
    if words:
        text += seps[5] + words
    reply = parse_reply(text)
    assert reply is not None
    assert reply.code == code
    assert reply.scores == dict(zip(DIMENSIONS, scores, strict=True))
    assert reply.text == words.strip()


@given(
    scores=st.lists(st.integers(1, 10), min_size=0, max_size=4),
    words=WORDS,
)
def test_r9_2_fewer_than_five_scores_are_malformed(scores, words):
    assert parse_reply(" ".join(map(str, scores)) + " " + words) is None


@given(
    scores=st.lists(st.integers(1, 10), min_size=5, max_size=5),
    position=st.integers(0, 4),
    bad=st.one_of(st.just(0), st.integers(11, 99)),
)
def test_r9_2_a_score_outside_1_to_10_is_malformed(scores, position, bad):
    scores[position] = bad
    assert parse_reply("A7K3 " + " ".join(map(str, scores)) + " 很满意") is None


@given(st.text(alphabet="很满意师傅准时服务好谢谢不太!?。 abcXYZ", max_size=40))
def test_r9_2_replies_without_scores_are_malformed(text):
    assert parse_reply(text) is None


def test_r9_2_a_sender_is_read_with_or_without_the_country_code():
    assert normalise_sender("+86 138-0013-8000") == "13800138000"
    assert normalise_sender("008613800138000") == "13800138000"
    assert normalise_sender("１３８００１３８０００") == "13800138000"
