"""R-1.1: a new customer that looks like an existing one (the same phone, however written, or the
same name spaces and case aside) is refused as ``duplicate_customer`` with the matches, at the
service, the customer form, intake's new-customer part and the API; the agent may use the
existing customer or confirm and create anyway."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from aftersales.customers import selectors, services
from aftersales.customers.errors import DuplicateCustomer
from aftersales.customers.models import Customer
from tests.factories import ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def existing(agent):
    return services.customer_create(actor=agent, name="张伟", phone="188 5090 1576")


def _refusal(call) -> DuplicateCustomer:
    with pytest.raises(DuplicateCustomer) as caught:
        call()
    return caught.value


# --- the service ------------------------------------------------------------------------------


def test_r1_1_the_same_phone_however_written_is_a_duplicate(agent, existing):
    refusal = _refusal(lambda: services.customer_create(actor=agent, name="张先生", phone="+86 188-5090-1576"))
    assert refusal.code == "duplicate_customer"
    assert refusal.status == 409
    assert "phone" in refusal.fields
    assert [(m["id"], m["reason"]) for m in refusal.matches] == [(existing.pk, "phone")]
    assert Customer.objects.count() == 1


def test_r1_1_a_contacts_phone_is_a_duplicate_too(agent):
    firm = CustomerFactory(name="万隆商贸", phone="057188881234")
    ContactFactory(customer=firm, phone="13700002222")
    refusal = _refusal(lambda: services.customer_create(actor=agent, name="王经理", phone="137 0000 2222"))
    assert [(m["id"], m["reason"]) for m in refusal.matches] == [(firm.pk, "phone")]


@pytest.mark.parametrize("name", ["张伟", "张 伟", "张\u3000伟", " 张伟 "])
def test_r1_1_the_same_name_spaces_aside_is_a_duplicate(agent, existing, name):
    refusal = _refusal(lambda: services.customer_create(actor=agent, name=name, phone="13900009999"))
    assert [(m["id"], m["reason"]) for m in refusal.matches] == [(existing.pk, "name")]
    assert "name" in refusal.fields


def test_r1_1_the_same_name_letter_case_aside_is_a_duplicate(agent):
    wang = services.customer_create(actor=agent, name="Wang Li")
    refusal = _refusal(lambda: services.customer_create(actor=agent, name="wangli"))
    assert [m["id"] for m in refusal.matches] == [wang.pk]


def test_r1_1_phone_matches_come_first_and_at_most_five_are_listed(agent):
    namesakes = [CustomerFactory(name="李娜") for _ in range(6)]
    same_phone = CustomerFactory(name="李女士", phone="13900001111")
    refusal = _refusal(lambda: services.customer_create(actor=agent, name="李娜", phone="139 0000 1111"))
    assert [m["id"] for m in refusal.matches] == [same_phone.pk, *(c.pk for c in reversed(namesakes))][:5]
    assert [m["reason"] for m in refusal.matches] == ["phone", "name", "name", "name", "name"]


def test_r1_1_a_different_customer_is_no_duplicate(agent, existing):
    services.customer_create(actor=agent, name="张伟国", phone="18850901577")
    assert Customer.objects.count() == 2


def test_r1_1_confirmed_the_agent_creates_the_customer_anyway(agent, existing):
    created = services.customer_create(actor=agent, name="张伟", phone="18850901576", confirm_duplicate=True)
    assert created.pk != existing.pk
    assert Customer.objects.filter(phone="18850901576").count() == 2


def test_r1_1_a_bad_field_is_reported_before_a_duplicate(agent, existing):
    with pytest.raises(services.ValidationFailed) as caught:
        services.customer_create(actor=agent, name="张伟", email="no-at-sign")
    assert "email" in caught.value.fields


def test_r1_1_r13_1_the_matches_show_the_phone_as_the_actor_may_see_it(existing):
    """A desk role without contact details is told of the match with its phone masked."""
    from django.contrib.auth.models import Permission

    clerk = UserFactory(role="executive")  # sees every customer, not their phones
    clerk.user_permissions.add(Permission.objects.get(codename="add_customer"))
    clerk = type(clerk).objects.get(pk=clerk.pk)  # permissions are cached per object
    assert not clerk.has_perm("customers.view_contact_details")
    refusal = _refusal(lambda: services.customer_create(actor=clerk, name="某人", phone="18850901576"))
    assert refusal.matches[0]["phone"] == "188****1576"


def test_r1_1_the_duplicate_lookup_is_one_indexed_query(agent, existing, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = selectors.customer_duplicates(actor=agent, name="张 伟", phone="188-5090-1576")
    assert [(c.pk, why) for c, why in found] == [(existing.pk, "phone")]
    # The name is compared on its stored key, through the key's index (not a scan of every name).
    from aftersales.customers.models import comparable_name

    qs = Customer.objects.filter(name_key=comparable_name("张 伟"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql, params)
        plan = " ".join(str(part) for row in cursor.fetchall() for part in row)
    assert "name_key" in plan, plan


# --- the customer form ------------------------------------------------------------------------


def test_r1_1_customer_form_warns_with_a_link_to_each_match_and_creates_after_confirming(client, agent, existing):
    client.force_login(agent)
    data = {"name": "张先生", "kind": "person", "phone": "188-5090-1576", "notification_channel": "sms"}
    response = client.post(reverse("customers:create"), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="duplicate-warning"' in html
    assert "此客户可能已存在" in html
    assert reverse("customers:detail", args=[existing.pk]) in html
    assert 'name="confirm_duplicate" value="true"' in html
    assert "仍然创建" in html
    assert Customer.objects.count() == 1

    response = client.post(reverse("customers:create"), {**data, "confirm_duplicate": "true"})
    assert response.status_code == 302
    assert Customer.objects.count() == 2


def test_r1_1_customer_form_without_a_match_shows_no_warning(client, agent, existing):
    client.force_login(agent)
    response = client.get(reverse("customers:create"))
    assert 'id="duplicate-warning"' not in response.content.decode()
    response = client.post(reverse("customers:create"), {"name": "王芳", "kind": "person", "phone": "13900000000"})
    assert response.status_code == 302


# --- intake's new-customer part ------------------------------------------------------------


def test_r1_1_intake_warns_offers_the_existing_customer_and_creates_after_confirming(client, agent, existing):
    client.force_login(agent)
    url = reverse("workorders:intake_customer_create")
    data = {"nc-name": "张伟", "nc-kind": "person", "nc-phone": "+86 188 5090 1576"}
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="duplicate-warning"' in html
    pick = f"{reverse('workorders:intake_pick')}?customer_id={existing.pk}"
    assert f'hx-get="{pick}"' in html  # "use this customer" picks it
    assert "使用此客户" in html
    assert 'id="confirm-duplicate"' in html
    assert Customer.objects.count() == 1

    picked = client.get(pick, HTTP_HX_REQUEST="true").content.decode()
    assert f'name="customer_id" value="{existing.pk}"' in picked

    response = client.post(url, {**data, "nc-confirm_duplicate": "true"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    created = Customer.objects.exclude(pk=existing.pk).get()
    assert created.phone == "18850901576"
    assert f'name="customer_id" value="{created.pk}"' in response.content.decode()


def test_r1_1_intake_new_customer_form_does_not_render_the_confirm_flag(client, agent):
    client.force_login(agent)
    html = client.get(reverse("workorders:intake")).content.decode()
    assert "nc-confirm_duplicate" not in html


# --- the API ----------------------------------------------------------------------------------


def test_r1_1_api_answers_409_duplicate_customer_with_the_matches(client, agent, existing):
    client.force_login(agent)
    payload = {"name": "张先生", "phone": "188-5090-1576"}
    response = client.post("/api/v1/customers", payload, content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicate_customer"
    assert "phone" in body["fields"]
    assert body["matches"] == [
        {"id": existing.pk, "code": existing.code, "name": "张伟", "phone": "18850901576", "reason": "phone"}
    ]
    response = client.post("/api/v1/customers", {**payload, "confirm_duplicate": True}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["phone"] == "18850901576"


@pytest.mark.parametrize("role", ["technician", "executive", "customer"])
def test_r1_1_roles_that_may_not_create_customers_are_refused_before_any_duplicate_check(client, existing, role):
    from tests.factories import portal_user

    user = portal_user(existing) if role == "customer" else UserFactory(role=role)
    client.force_login(user)
    response = client.post(
        "/api/v1/customers", {"name": "张伟", "phone": "18850901576"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
