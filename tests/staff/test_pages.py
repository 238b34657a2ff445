"""R-10.1: the supervisors' pages of profiles and certifications; who may open them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from aftersales.staff.models import Certification, StaffProfile
from tests.factories import PASSWORD, portal_user
from tests.staff.conftest import certify, profile_for, work_order_on

pytestmark = [pytest.mark.certification_rule, pytest.mark.clock("2026-11-20T10:00:00+08:00")]


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_r10_1_list_shows_expired_and_expiring_in_chinese(client, people, line):
    certify(
        people.supervisor, profile_for(people.supervisor, people.technician), line, valid_until=dt.date(2026, 11, 19)
    )
    certify(
        people.supervisor,
        profile_for(people.supervisor, people.other_technician),
        line,
        valid_until=dt.date(2026, 12, 5),
    )
    _login(client, people.supervisor)
    page = client.get(reverse("staff:list")).content.decode()
    assert "维修李" in page
    assert "已过期 2026-11-19" in page
    assert "至 2026-12-05" in page
    assert "人员资质" in page  # the menu entry
    expiring = client.get(reverse("staff:expiring")).content.decode()
    assert "维修赵" in expiring
    assert "维修李" not in expiring


def test_r10_1_supervisor_creates_profile_and_certification_on_pages(client, people, line):
    _login(client, people.supervisor)
    response = client.post(reverse("staff:create"), {"user": people.technician.pk, "daily_capacity": 5})
    profile = StaffProfile.objects.get(user=people.technician)
    assert response.status_code == 302
    assert profile.daily_capacity == 5
    bad = client.post(
        reverse("staff:certification_create", args=[profile.pk]),
        {"product_line": line.pk, "number": "", "exam_date": "2025-01-01", "score": 120, "valid_until": "2024-01-01"},
    )
    assert bad.status_code == 422
    text = bad.content.decode()
    assert "请输入证书编号" in text
    assert "0 至 100" in text
    assert "有效期不能早于考试日期" in text
    assert not Certification.objects.exists()
    good = client.post(
        reverse("staff:certification_create", args=[profile.pk]),
        {
            "product_line": line.pk,
            "number": "AC-1",
            "exam_date": "2025-01-01",
            "score": 90,
            "valid_until": "2027-01-01",
        },
    )
    assert good.status_code == 302
    assert Certification.objects.get().number == "AC-1"
    cert = Certification.objects.get()
    edit = client.post(
        reverse("staff:certification_edit", args=[cert.pk]),
        {"number": "AC-1", "exam_date": "2025-01-01", "score": 90, "valid_until": "2029-01-01"},
    )
    assert edit.status_code == 302
    cert.refresh_from_db()
    assert cert.valid_until == dt.date(2029, 1, 1)
    detail = client.get(reverse("staff:detail", args=[profile.pk])).content.decode()
    assert "AC-1" in detail
    assert "2029-01-01" in detail


@pytest.mark.parametrize("role", ["agent", "technician", "qa", "quality", "expert"])
def test_r10_1_pages_refused_to_roles_without_the_permission(client, people, role):
    profile = profile_for(people.supervisor, people.other_technician)
    _login(client, getattr(people, role))
    for url in (reverse("staff:list"), reverse("staff:detail", args=[profile.pk]), reverse("staff:expiring")):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", ["dispatcher", "executive"])
def test_r10_1_readers_see_but_do_not_edit(client, people, role):
    profile = profile_for(people.supervisor, people.other_technician)
    _login(client, getattr(people, role))
    page = client.get(reverse("staff:detail", args=[profile.pk]))
    assert page.status_code == 200
    assert "编辑档案" not in page.content.decode()
    assert client.get(reverse("staff:edit", args=[profile.pk])).status_code == 403
    assert client.post(reverse("staff:create"), {"user": people.technician.pk}).status_code == 403


def test_r10_1_customer_and_anonymous_are_refused(client, people, line):
    wo = work_order_on(line, people.agent)
    assert client.get(reverse("staff:list")).status_code == 302  # to the log-in page
    _login(client, portal_user(wo.customer))
    assert client.get(reverse("staff:list")).status_code == 403


def test_r10_1_unknown_profile_is_404(client, people):
    _login(client, people.supervisor)
    assert client.get(reverse("staff:detail", args=[2**62])).status_code == 404
    assert client.get("/staff/99999999999999999999999/").status_code == 404


def test_r5_2_assign_page_shows_the_refusal(client, people, line):
    """The work order's assign form shows the certification refusal on the assignee field."""
    wo = work_order_on(line, people.agent)
    _login(client, people.dispatcher)
    response = client.post(reverse("workorders:action", args=[wo.pk, "assign"]), {"assignee_id": people.technician.pk})
    assert "证书" in response.content.decode()
    wo.refresh_from_db()
    assert wo.assignee_id is None
