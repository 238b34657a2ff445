"""The monthly sample (R-9.1): at the start of each month, at least ``SURVEY_SAMPLE_RATE`` (10 %)
of last month's customers — the customers whose work orders closed in it (Asia/Shanghai month) —
are invited to a survey of kind "sampling".

Method ``stratified_ceil``: each customer falls in the stratum of their last work order closed in
the month (service type × fault category × channel: the problem type and the channel); in each
stratum ``ceil(rate × customers)`` customers are drawn without replacement by
``random.Random(seed)``, strata in a fixed order and customers by id, so every stratum is
represented in proportion, the total is at least the rate, no customer is drawn twice, and the
same population and seed draw the same sample (the seed is stored).

Once per month: the sample's month is unique, so a second run, a second worker or a restarted
worker draws nothing new; the invitations go through ``services.invitation_create`` (one per work
order and kind), and a run after an interruption invites the members that have none yet.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from aftersales.surveys import services
from aftersales.surveys.models import Invitation, Kind, Sample, SampleMember, SampleStratum
from aftersales.workorders.models import WorkOrder

METHOD = "stratified_ceil"
StratumKey = tuple[str, int | None, str]  # service type, fault category id, channel


def sample_rate() -> Decimal:
    """The setting as a share between 0 (excluded) and 1; a bad value falls back to 10 %."""
    try:
        rate = Decimal(str(settings.SURVEY_SAMPLE_RATE))
    except (InvalidOperation, ValueError):
        return Decimal("0.10")
    return rate if Decimal(0) < rate <= Decimal(1) else Decimal("0.10")


def stratified_draw(
    population: Iterable[tuple[int, int, StratumKey]], *, rate: Decimal, seed: int
) -> dict[StratumKey, tuple[int, list[tuple[int, int]]]]:
    """``population``: (customer id, work order id, stratum) once per customer. Answers per stratum
    its number of customers and the drawn (customer id, work order id) pairs."""
    groups: dict[StratumKey, list[tuple[int, int]]] = defaultdict(list)
    for customer_id, work_order_id, key in population:
        groups[key].append((customer_id, work_order_id))
    share = Fraction(rate)
    rng = random.Random(seed)  # noqa: S311 -- a reproducible draw, not a secret
    drawn: dict[StratumKey, tuple[int, list[tuple[int, int]]]] = {}
    for key in sorted(groups, key=lambda k: (k[0], k[1] if k[1] is not None else -1, k[2])):
        members = sorted(groups[key])
        size = min(len(members), math.ceil(share * len(members)))
        drawn[key] = (len(members), sorted(rng.sample(members, size)))
    return drawn


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return dt.datetime.combine(first, dt.time.min, tzinfo=zone), dt.datetime.combine(
        following, dt.time.min, tzinfo=zone
    )


def month_population(month: dt.date) -> list[tuple[int, int, StratumKey]]:
    """The month's customers, each with their last work order closed in the month and its stratum."""
    since, until = _month_bounds(month)
    rows = (
        WorkOrder.objects.filter(closed_at__gte=since, closed_at__lt=until)
        .order_by("customer_id", "-closed_at", "-pk")
        .values_list("customer_id", "pk", "service_type", "fault_category_id", "channel")
    )
    population: list[tuple[int, int, StratumKey]] = []
    last = None
    for customer_id, pk, service_type, fault_category_id, channel in rows.iterator(chunk_size=5000):
        if customer_id != last:
            population.append((customer_id, pk, (service_type, fault_category_id, channel)))
            last = customer_id
    return population


def sample_draw(*, month: dt.date, now: dt.datetime | None = None, seed: int | None = None) -> tuple[Sample, bool]:
    """The sample of ``month`` (its first day), drawn now unless it exists; answers it and whether
    it was drawn by this call."""
    month = month.replace(day=1)
    existing = Sample.objects.filter(month=month).first()
    if existing is not None:
        return existing, False
    now = now if now is not None else timezone.now()
    seed = seed if seed is not None else secrets.randbelow(2**31)
    rate = sample_rate()
    drawn = stratified_draw(month_population(month), rate=rate, seed=seed)
    try:
        with transaction.atomic():
            sample = Sample.objects.create(
                month=month,
                method=METHOD,
                rate=rate,
                seed=seed,
                population=sum(total for total, _members in drawn.values()),
                size=sum(len(members) for _total, members in drawn.values()),
                drawn_at=now,
            )
            strata = SampleStratum.objects.bulk_create(
                SampleStratum(
                    sample=sample,
                    service_type=key[0],
                    fault_category_id=key[1],
                    channel=key[2],
                    population=total,
                    size=len(members),
                )
                for key, (total, members) in drawn.items()
            )
            SampleMember.objects.bulk_create(
                (
                    SampleMember(sample=sample, stratum=stratum, customer_id=customer_id, work_order_id=work_order_id)
                    for stratum, (_total, members) in zip(strata, drawn.values(), strict=True)
                    for customer_id, work_order_id in members
                ),
                batch_size=2000,
            )
    except IntegrityError:  # drawn at the same moment by another worker: theirs stands
        return Sample.objects.get(month=month), False
    return sample, True


def sample_invite(sample: Sample, *, now: dt.datetime | None = None) -> int:
    """Invite the members that have no "sampling" invitation yet; answers how many were invited."""
    pending = (
        SampleMember.objects.filter(sample=sample)
        .exclude(Exists(Invitation.objects.filter(work_order=OuterRef("work_order_id"), kind=Kind.SAMPLING)))
        .select_related("work_order__customer", "work_order__contact")
        .order_by("pk")
    )
    invited = 0
    for member in pending.iterator(chunk_size=500):
        if services.invitation_create(work_order=member.work_order, kind=Kind.SAMPLING, now=now) is not None:
            invited += 1
    return invited


def sample_draw_now(*, actor: Any, now: dt.datetime | None = None) -> tuple[Sample, bool, int]:
    """A QA inspector or supervisor draws last month's sample on the samples page rather than wait
    for the night's job: the same draw, once per month (a sample drawn already stands, its
    members not yet invited are invited). Answers the sample, whether this call drew it, and how
    many customers it invited."""
    from aftersales.audit.services import record
    from aftersales.core.errors import PermissionDenied
    from aftersales.surveys.improvement import PERM_MANAGE, last_month

    if not actor.has_perm(PERM_MANAGE) or getattr(actor, "is_customer_user", False):
        raise PermissionDenied()
    now = now if now is not None else timezone.now()
    sample, drawn = sample_draw(month=last_month(now), now=now)
    invited = sample_invite(sample, now=now)
    if drawn:
        record(actor=actor, action="create", verb="survey_sample", obj=sample, detail={"size": sample.size})
    return sample, drawn, invited


def sampling_run(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """The periodic job: last month's sample (drawn once) and its invitations (each once)."""
    from aftersales.surveys.improvement import last_month

    now = now if now is not None else timezone.now()
    sample, drawn = sample_draw(month=last_month(now), now=now)
    return {
        "month": f"{sample.month:%Y-%m}",
        "drawn": drawn,
        "size": sample.size,
        "invited": sample_invite(sample, now=now),
    }
