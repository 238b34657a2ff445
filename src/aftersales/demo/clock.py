"""The demo's simulated clock, scoped so that it cannot leak.

The demo replays three months of history through the real services, and everything they stamp
with ``django.utils.timezone.now()`` (timeline events, ``auto_now_add`` fields such as the
access log's, counters, notifications, SLA targets) must carry the time the step "happened".
The services do not all take a ``now=`` argument, and ``auto_now``/``auto_now_add`` fields cannot
take one at all, so while ``simulated(clock)`` is active ``timezone.now()`` answers ``clock.at``
— but only in the context (thread, task) that entered it: every other thread, and this one once
the block is left (also by an exception), gets the real time. The hook is installed by the
outermost block and removed by the last one to leave; nothing outside the demo app uses it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.utils import timezone


@dataclass
class Clock:
    at: dt.datetime


_current: ContextVar[Clock | None] = ContextVar("demo_clock", default=None)
_lock = threading.Lock()
_active = 0
_real_now: Callable[[], dt.datetime] = timezone.now


def _now() -> dt.datetime:
    clock = _current.get()
    return _real_now() if clock is None else clock.at


@contextmanager
def simulated(clock: Clock) -> Iterator[Clock]:
    """Within the block, in this context only, ``timezone.now()`` is ``clock.at`` (move the
    clock by assigning ``clock.at``)."""
    global _active, _real_now  # one hook for all the blocks, counted
    with _lock:
        if _active == 0:
            _real_now = timezone.now
            timezone.now = _now
        _active += 1
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)
        with _lock:
            _active -= 1
            if _active == 0:
                timezone.now = _real_now
