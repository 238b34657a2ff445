from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aftersales.staff import services
from tests.factories import InstalledProductFactory, ProductLineFactory, UserFactory, make_work_order

SH = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SH)


class People:
    def __init__(self) -> None:
        self.agent = UserFactory(role="agent")
        self.dispatcher = UserFactory(role="dispatcher")
        self.technician = UserFactory(role="technician", display_name="维修李")
        self.other_technician = UserFactory(role="technician", display_name="维修赵")
        self.supervisor = UserFactory(role="supervisor")
        self.executive = UserFactory(role="executive")
        self.qa = UserFactory(role="qa")
        self.quality = UserFactory(role="quality")
        self.expert = UserFactory(role="expert")
        self.admin = UserFactory(role="admin")


@pytest.fixture
def people(db) -> People:
    return People()


@pytest.fixture
def line(db):
    return ProductLineFactory(name="家用空调")


def profile_for(supervisor, user, **values):
    return services.staff_profile_create(actor=supervisor, user_id=user.pk, **values)


def certify(supervisor, profile, line, *, valid_until: dt.date, exam_date: dt.date = dt.date(2025, 1, 10), now=None):
    return services.certification_add(
        actor=supervisor,
        profile_id=profile.pk,
        product_line_id=line.pk,
        number=f"CERT-{profile.pk}-{line.pk}",
        exam_date=exam_date,
        score=88,
        valid_until=valid_until,
        now=now or at(2026, 11, 1),
    )


def work_order_on(line, agent):
    product = InstalledProductFactory(product_model__product_line=line)
    return make_work_order(agent, product)
