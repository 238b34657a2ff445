"""What a notification is about, shown as a link for the one who reads it.

A notification's ``topic`` names its object as ``"<type>:<id>"`` (``"workorder:42"``). The app that
owns that type registers, in its ``AppConfig.ready``, how to show such objects to a reader: their
label (the work-order number) and their page, **for those the reader may see only** (the app's
own scoped selector decides). So a link is derived when the notification is shown or opened, never
stored: a technician who was taken off a work order gets no link to it, and a notification never
reveals an object its reader cannot see. Core imports no domain app; the apps register here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from aftersales.accounts.models import User


@dataclass(frozen=True, slots=True)
class Subject:
    """An object a notification is about, as one reader may see it."""

    type_label: str | Promise  # "Work order"
    label: str  # "SR-2026-000996"
    url: str


# (reader, ids) → the subjects among those ids the reader may see, by id. One query for all ids.
Resolver = Callable[["User", list[int]], dict[int, Subject]]

_resolvers: dict[str, Resolver] = {}


def subject_type_register(name: str, resolve: Resolver) -> None:
    """Called by the app that owns ``name`` (e.g. ``"workorder"``) from its ``ready()``."""
    _resolvers[name] = resolve


def topic_for(name: str, pk: int) -> str:
    """The topic of a notification about object ``pk`` of type ``name``."""
    return f"{name}:{pk}"


def topic_parse(topic: str) -> tuple[str, int] | None:
    """``("workorder", 42)`` for ``"workorder:42"``; None for a topic that names no object."""
    name, sep, pk = topic.partition(":")
    if not sep or not pk.isdigit() or name not in _resolvers:
        return None
    return name, int(pk)


def subjects_shown(*, actor: User, topics: Iterable[str]) -> dict[str, Subject]:
    """The subjects of ``topics`` that ``actor`` may see, by topic: one query per type of object.
    Topics out of the actor's scope, of objects that no longer exist or naming no object are
    left out."""
    wanted: dict[str, dict[int, str]] = defaultdict(dict)
    for topic in topics:
        parsed = topic_parse(topic)
        if parsed is not None:
            wanted[parsed[0]][parsed[1]] = topic
    shown: dict[str, Subject] = {}
    for name, by_id in wanted.items():
        for pk, subject in _resolvers[name](actor, sorted(by_id)).items():
            shown[by_id[pk]] = subject
    return shown
