"""The staff app's part of the demo data (``demo/seed.py`` calls it right after the users, before
the history that assigns them): 30 technicians in three regions (华东, 华北, 华南) with profiles
and product-line certifications, through the real services. The technicians the history assigns
hold valid certifications (a few end within 30 days); the twenty more have some expired and some
missing, so the proposals and the refusals show on the demo."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aftersales.catalog.models import FaultCategory, ProductLine
from aftersales.staff import services
from aftersales.staff.eligibility import local_day

MORE_TECHNICIANS = 20  # with tech, tech2 … tech10: thirty technicians
THREE_REGIONS = ("east", "north", "south")


def _certify(gen: Any, supervisor: Any, profile: Any, line: Any, number: str, until: dt.date) -> None:
    exam = min(until - dt.timedelta(days=730), local_day(gen.now) - dt.timedelta(days=30))
    services.certification_add(
        actor=supervisor,
        profile_id=profile.pk,
        product_line_id=line.pk,
        number=number,
        exam_date=exam,
        score=gen.rng.randint(72, 98),
        valid_until=until,
        now=gen.now,
    )


def profiles(gen: Any) -> list[Any]:
    supervisor = gen.users["supervisor"]
    today = local_day(gen.now)
    lines = list(ProductLine.objects.order_by("code"))
    skills_of = {line.pk: list(FaultCategory.objects.filter(product_line=line)) for line in lines}
    existing = [u for u in gen.users.values() if u.has_role("technician")]
    more = []
    for index in range(MORE_TECHNICIANS):
        region = THREE_REGIONS[index % 3]
        name = f"工程师 {gen.person_name()}"
        more.append(gen.make_user(f"tech{11 + index}", "technician", name, region=region))
    made = []
    serial = 0
    for number, user in enumerate([*existing, *more]):
        region_code = next((code for code, r in gen.regions.items() if r.pk == user.region_id), "east")
        regions = [gen.regions[region_code].pk]
        if gen.rng.random() < 0.3:
            regions.append(gen.regions[gen.rng.choice(THREE_REGIONS)].pk)
        held = lines if user in existing or number % 4 else lines[: 1 + number % 2]
        skills = [fault.pk for line in held for fault in skills_of[line.pk] if gen.rng.random() < 0.7]
        profile = services.staff_profile_create(
            actor=supervisor,
            user_id=user.pk,
            team_id=gen.teams[region_code].pk if region_code in gen.teams else None,
            region_ids=regions,
            skill_ids=skills,
            is_senior=number % 5 == 0,
            daily_capacity=gen.rng.choice([3, 4, 4, 5, 6]),
        )
        for line in held:
            serial += 1
            if user in existing:
                # Valid over the whole history; one in five ends within the next 30 days.
                until = today + dt.timedelta(
                    days=gen.rng.randint(5, 28) if serial % 5 == 0 else gen.rng.randint(200, 900)
                )
            elif serial % 4 == 0:
                until = today - dt.timedelta(days=gen.rng.randint(1, 60))  # expired
            elif serial % 7 == 0:
                until = today + dt.timedelta(days=gen.rng.randint(1, 29))  # ends soon
            else:
                until = today + dt.timedelta(days=gen.rng.randint(120, 900))
            _certify(gen, supervisor, profile, line, f"SC-{line.code.upper()[:3]}-{today.year}-{serial:04d}", until)
        made.append(profile)
    return made
