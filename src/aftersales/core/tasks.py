"""Background jobs of the core app: thin wrappers over one service each, safe to run twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from aftersales.core.outbox import outbox_deliver_due, outbox_prompt_taken, worker_heartbeat

# Huey ships no type hints; these give its decorators a declared type so mypy --strict accepts
# them. A decorated function becomes a Huey TaskWrapper: calling it enqueues the task.
TaskDecorator = Callable[[Callable[..., Any]], Any]


def _task(**kwargs: Any) -> TaskDecorator:
    decorator: TaskDecorator = db_task(**kwargs)
    return decorator


def _periodic_task(schedule: Any, **kwargs: Any) -> TaskDecorator:
    decorator: TaskDecorator = db_periodic_task(schedule, **kwargs)
    return decorator


@_task()
def outbox_deliver_soon() -> int:
    """Enqueued after a transaction that wrote outbox rows commits, so delivery is prompt."""
    outbox_prompt_taken()  # first: what commits from now on is not this run's to find
    return outbox_deliver_due()


@_periodic_task(crontab(minute="*"))
def outbox_deliver_periodic() -> int:
    """The safety net: delivers what a lost prompt task, a retry's backoff or a restart left."""
    return outbox_deliver_due()


@_periodic_task(crontab(minute="*"))
def worker_heartbeat_periodic() -> None:
    """Tells the outbox page that the worker runs; the page warns when this stops."""
    worker_heartbeat()
