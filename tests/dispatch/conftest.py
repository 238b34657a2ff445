from __future__ import annotations

import datetime as dt

import pytest

from aftersales.staff import services as staff
from tests.factories import (
    FaultCategoryFactory,
    InstalledProductFactory,
    ProductLineFactory,
    RegionFactory,
    UserFactory,
    make_work_order,
)


class World:
    """A region, a product line with a fault category, and technicians with different facts."""

    def __init__(self) -> None:
        self.agent = UserFactory(role="agent")
        self.dispatcher = UserFactory(role="dispatcher")
        self.supervisor = UserFactory(role="supervisor")
        self.other_supervisor = UserFactory(role="supervisor")
        self.executive = UserFactory(role="executive")
        self.qa = UserFactory(role="qa")
        self.quality = UserFactory(role="quality")
        self.expert = UserFactory(role="expert")
        self.region = RegionFactory(code="east", name="华东")
        self.far = RegionFactory(code="north", name="华北")
        self.line = ProductLineFactory(code="ac", name="空调")
        self.fault = FaultCategoryFactory(product_line=self.line, name="不制冷")
        # best: certified, skilled, in the region, senior
        self.best = self.tech(
            "张一", regions=[self.region], skills=[self.fault], senior=True, until=dt.date(2027, 6, 30)
        )
        # certified, in the region, no skill
        self.near = self.tech("李二", regions=[self.region], until=dt.date(2027, 6, 30))
        # certified, far away
        self.far_tech = self.tech("王三", regions=[self.far], skills=[self.fault], until=dt.date(2027, 6, 30))
        # expired certification, otherwise perfect
        self.expired = self.tech(
            "赵四", regions=[self.region], skills=[self.fault], senior=True, until=dt.date(2026, 10, 31)
        )
        # no profile at all
        self.bare = UserFactory(role="technician", display_name="钱五")

    def tech(self, name, *, regions=(), skills=(), senior=False, until=None):
        user = UserFactory(role="technician", display_name=name)
        profile = staff.staff_profile_create(
            actor=self.supervisor,
            user_id=user.pk,
            region_ids=[r.pk for r in regions],
            skill_ids=[s.pk for s in skills],
            is_senior=senior,
            daily_capacity=4,
        )
        if until is not None:
            staff.certification_add(
                actor=self.supervisor,
                profile_id=profile.pk,
                product_line_id=self.line.pk,
                number=f"AC-{user.pk}",
                exam_date=dt.date(2025, 1, 1),
                score=90,
                valid_until=until,
                now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            )
        return user

    def work_order(self, priority: str = "P2"):
        product = InstalledProductFactory(product_model__product_line=self.line, customer__region=self.region)
        return make_work_order(self.agent, product, priority=priority, fault_category_id=self.fault.pk)


@pytest.fixture
def world(db) -> World:
    return World()
