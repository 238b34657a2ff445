"""The demo's simulated clock (demo/clock.py) is scoped: only the code that entered it sees the
simulated time, and nothing of it is left once the block is over (the demo used to patch
``timezone.now`` for the whole process)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.utils import timezone

from aftersales.demo.clock import Clock, simulated

PAST = dt.datetime(2001, 5, 1, 9, 30, tzinfo=dt.UTC)


def _now_in_another_thread() -> dt.datetime:
    seen: list[dt.datetime] = []
    thread = threading.Thread(target=lambda: seen.append(timezone.now()))
    thread.start()
    thread.join()
    return seen[0]


def test_only_the_block_sees_the_simulated_time_and_it_moves_with_the_clock():
    real = timezone.now
    with simulated(Clock(PAST)) as clock:
        assert timezone.now() == PAST
        assert timezone.localdate() == dt.date(2001, 5, 1)
        clock.at += dt.timedelta(hours=2)
        assert timezone.now() == PAST + dt.timedelta(hours=2)
        assert _now_in_another_thread().year != 2001  # other threads (requests, the worker) keep the real time
    assert timezone.now is real
    assert timezone.now().year != 2001


def test_leaving_the_block_by_an_exception_restores_the_real_clock():
    real = timezone.now
    with pytest.raises(ZeroDivisionError), simulated(Clock(PAST)):
        _ = 1 / 0
    assert timezone.now is real


def test_nested_blocks_each_see_their_own_clock():
    with simulated(Clock(PAST)):
        with simulated(Clock(PAST + dt.timedelta(days=1))):
            assert timezone.now() == PAST + dt.timedelta(days=1)
        assert timezone.now() == PAST
    assert timezone.now().year != 2001
