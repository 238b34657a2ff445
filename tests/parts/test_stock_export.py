"""Export of stock to Excel (R-7.1): it needs its permission and every export is logged (R-13.2);
the page and the API refuse the others; the import pages and templates likewise."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.audit.models import AccessLog
from aftersales.core.errors import PermissionDenied
from aftersales.parts.stock_export import stock_export
from tests.factories import PASSWORD, CustomerFactory, PartFactory, UserFactory, WarehouseFactory, portal_user, stock_in
from tests.workorders.attachment_samples import media

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
__all__ = ["media"]


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def stock():
    central, branch = WarehouseFactory(code="CEN", name="中心库"), WarehouseFactory(code="BR1", kind="branch")
    part = PartFactory(code="CAP-1", name="电容", unit_cost="80.00")
    stock_in(part, central, 5, minimum=8)
    stock_in(part, branch, 2)
    return central, branch, part


def rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))


def test_r13_2_export_has_the_balances_and_writes_an_export_row(stock):
    central, _branch, _part = stock
    admin = UserFactory(role="admin")
    name, data = stock_export(actor=admin)
    assert name.endswith(".xlsx")
    sheet = rows(data)
    assert sheet[0][:3] == ("仓库编码", "仓库", "备件编号")
    assert ("CEN", "中心库", "CAP-1", "电容", None, "pcs", 5, 0, 5, 8, "是", 80, 400) in sheet
    assert len(sheet) == 3
    entry = AccessLog.objects.get(action="export")
    assert (entry.actor, entry.object_type, entry.detail["rows"]) == (admin, "stockbalance", 2)
    stock_export(actor=admin, warehouse_id=central.pk)
    one = AccessLog.objects.filter(action="export").first()
    assert (one.object_id, one.detail["rows"]) == (str(central.pk), 1)


@pytest.mark.parametrize("role", ["agent", "technician", "executive", "qa", "dispatcher"])
def test_r13_2_export_needs_its_permission(stock, role):
    with pytest.raises(PermissionDenied):
        stock_export(actor=UserFactory(role=role))
    assert not AccessLog.objects.filter(action="export").exists()


def test_r13_2_export_page_and_api_refuse_without_the_permission_and_log_with_it(stock):
    agent = client_for(UserFactory(role="agent"))
    assert agent.get(reverse("parts_data:export")).status_code == 403
    refused = agent.get("/api/v1/stock/export")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    customer = client_for(portal_user(CustomerFactory()))
    assert customer.get(reverse("parts_data:export")).status_code == 403
    assert customer.get("/api/v1/stock/export").status_code == 403
    assert not AccessLog.objects.filter(action="export").exists()
    supervisor = client_for(UserFactory(role="supervisor"))
    page = supervisor.get(reverse("parts_data:export"), {"warehouse": "not-a-number"})
    assert page.status_code == 200
    assert page["Content-Type"].startswith("application/vnd.openxmlformats")
    api = supervisor.get("/api/v1/stock/export", {"warehouse_id": stock[0].pk})
    assert api.status_code == 200
    assert len(rows(api.content)) == 2
    assert AccessLog.objects.filter(action="export").count() == 2
    assert supervisor.get("/api/v1/stock/export", {"warehouse_id": 999999}).json()["code"] == "not_found"


def test_r7_1_import_pages_and_api_are_for_who_may_import():
    for role in ("agent", "technician", "executive"):
        client = client_for(UserFactory(role=role))
        assert client.get(reverse("parts_data:hub")).status_code == 403
        assert client.get(reverse("parts_data:template", args=["catalogue"])).status_code == 403
        denied = client.post("/api/v1/parts-imports", {"kind": "catalogue"})
        assert denied.status_code in (403, 422)
    admin = client_for(UserFactory(role="admin"))
    assert admin.get(reverse("parts_data:hub")).status_code == 200
    template = admin.get(reverse("parts_data:template", args=["opening_stock"]))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    assert admin.get(reverse("parts_data:template", args=["nope"])).status_code == 404
    assert admin.get(reverse("parts_data:import", args=[999999])).status_code == 404
    assert admin.get("/api/v1/parts-imports/999999").json()["code"] == "not_found"


def test_r7_1_api_dry_run_and_confirm():
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = client_for(UserFactory(role="admin"))
    text = "编码,名称,成本单价,客户单价\r\nA-1,电容,1,2\r\nA-2,继电器,x,3\r\n"
    bad = admin.post(
        "/api/v1/parts-imports", {"kind": "catalogue", "file": SimpleUploadedFile("a.csv", text.encode("gbk"))}
    )
    assert bad.status_code == 201
    body = bad.json()
    assert (body["status"], body["errors"][0]["row"], body["errors"][0]["column"]) == ("invalid", 3, "unit_cost")
    assert body["errors"][0]["message"] == "第 3 行 成本单价：不是数字。"
    refused = admin.post(f"/api/v1/parts-imports/{body['id']}/confirm")
    assert (refused.status_code, refused.json()["code"]) == (409, "import_has_errors")
    good = admin.post(
        "/api/v1/parts-imports",
        {"kind": "catalogue", "file": SimpleUploadedFile("a.csv", text.replace(",x,", ",1.5,").encode("utf-8-sig"))},
    )
    done = admin.post(f"/api/v1/parts-imports/{good.json()['id']}/confirm")
    assert (done.status_code, done.json()["status"], done.json()["percent"]) == (202, "done", 100)
