"""R-1.1: phone numbers are stored in one canonical form (customers/phones.py) and found however
they are typed: "188 5090 1576", "188-5090-1576", "+86 188 5090 1576" are one number."""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from aftersales.core import triggers
from aftersales.customers import selectors, services
from aftersales.customers.models import Contact, Customer
from aftersales.customers.phones import is_valid_phone, normalise_phone, phone_query
from tests.factories import ContactFactory, CustomerFactory, UserFactory

MIGRATION = importlib.import_module("aftersales.customers.migrations.0003_customer_name_key_and_canonical_phones")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("18850901576", "18850901576"),
        ("188 5090 1576", "18850901576"),
        ("188-5090-1576", "18850901576"),
        (" 188.5090.1576 ", "18850901576"),
        ("+86 188 5090 1576", "18850901576"),
        ("+86-188-5090-1576", "18850901576"),
        ("0086 18850901576", "18850901576"),
        ("8618850901576", "18850901576"),
        ("１８８ ５０９０ １５７６", "18850901576"),  # full-width digits and ideographic space
        ("(0571) 8888 1234", "057188881234"),
        ("0571-88881234", "057188881234"),
        ("（0571）8888-1234", "057188881234"),
        ("+86 571 8888 1234", "057188881234"),  # written internationally, the trunk 0 is dropped
        ("+86 (0)571 8888 1234", "057188881234"),
        ("010 6234 5678", "01062345678"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
        ("400-820-8820", "4008208820"),
    ],
)
def test_r1_1_phone_numbers_have_one_canonical_form(typed, stored):
    assert normalise_phone(typed) == stored
    assert is_valid_phone(stored)


@pytest.mark.parametrize("typed", ["call me", "0571-8888 转 801", "+", "+86", "1234", "1" * 21, "188５０abc"])
def test_r1_1_what_is_no_phone_number_stays_invalid(typed):
    assert not is_valid_phone(normalise_phone(typed))


SEPARATORS = st.sampled_from([" ", "-", ".", "(", ")", "/", "\u3000", "\u2013", "  "])
PHONE_TEXT = st.text(alphabet="0123456789+ -().（）０１８６\u3000abc转", max_size=24)


@given(PHONE_TEXT)
def test_r1_1_normalising_is_idempotent(text):
    once = normalise_phone(text)
    assert normalise_phone(once) == once


@given(
    prefix=st.sampled_from(["", "+", "+86", "0086", "86", "00", "0"]),
    digits=st.text(alphabet="0123456789", min_size=1, max_size=16),
    cuts=st.lists(st.tuples(st.integers(min_value=0, max_value=24), SEPARATORS), max_size=6),
)
def test_r1_1_separators_do_not_change_the_number(prefix, digits, cuts):
    plain = prefix + digits
    spaced = plain
    for at, separator in sorted(cuts, reverse=True):
        spaced = spaced[:at] + separator + spaced[at:]
    assert normalise_phone(spaced) == normalise_phone(plain)
    canonical = normalise_phone(plain)
    assert canonical.lstrip("+").isdigit()  # only digits (and a leading +) are ever stored


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", "+86 ", "0086", "86", "+86-"]))
def test_r1_1_a_mainland_mobile_is_its_eleven_digits_with_or_without_the_country_code(mobile, prefix):
    assert normalise_phone(prefix + mobile) == mobile


@pytest.mark.parametrize(
    ("typed", "looked_for"),
    [
        ("188-5090-1576", "18850901576"),
        ("+86 188", "188"),
        ("5090 1576", "50901576"),
        ("+86 571 8888", "5718888"),
        ("0571-8888", "05718888"),
        ("+44 20", "+4420"),
        ("+86", ""),
        ("18", ""),
        ("张伟", ""),
        ("C0000012", ""),
    ],
)
def test_r1_1_a_search_is_cut_to_the_stored_form_and_stays_partial(typed, looked_for):
    assert phone_query(typed) == looked_for


# --- the services store the canonical form ----------------------------------------------------


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.mark.django_db
def test_r1_1_customer_and_contact_phones_are_stored_canonical(agent):
    customer = services.customer_create(actor=agent, name="张伟", phone="+86 188 5090 1576", contact_name="张伟")
    assert customer.phone == "18850901576"
    assert customer.contacts.get().phone == "18850901576"  # the primary contact made with it
    services.customer_update(actor=agent, customer=customer, phone="(0571) 8888-1234")
    customer.refresh_from_db()
    assert customer.phone == "057188881234"
    contact = services.contact_create(actor=agent, customer=customer, name="李娜", phone="139 0000 1111")
    assert Contact.objects.get(pk=contact.pk).phone == "13900001111"


@pytest.mark.django_db
def test_r1_1_a_phone_that_is_no_number_is_still_refused(agent):
    with pytest.raises(services.ValidationFailed) as caught:
        services.customer_create(actor=agent, name="张伟", phone="0571-8888 转 801")
    assert "phone" in caught.value.fields


# --- a search finds the customer by any spelling ---------------------------------------------

SPELLINGS = ["18850901576", "188 5090 1576", "188-5090-1576", "+86 188 5090 1576", "5090-1576", "188 5090"]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", SPELLINGS)
def test_r1_1_search_finds_a_customer_by_any_spelling_of_the_phone(agent, typed):
    customer = services.customer_create(actor=agent, name="张伟", phone="188 5090 1576")
    other = CustomerFactory(phone="13912340000")
    found = list(selectors.customer_list(actor=agent, q=typed))
    assert customer in found
    assert other not in found


@pytest.mark.django_db
def test_r1_1_search_finds_a_contacts_phone_and_a_landline_by_any_spelling(agent):
    firm = services.customer_create(actor=agent, name="万隆商贸", kind="organisation", phone="0571-88881234")
    services.contact_create(actor=agent, customer=firm, name="王经理", phone="137 0000 2222")
    for typed in ("(0571) 8888 1234", "+86 571 8888 1234", "8888-1234", "137-0000-2222", "+86 137 0000 2222"):
        assert list(selectors.customer_list(actor=agent, q=typed)) == [firm], typed


@pytest.mark.django_db
def test_r1_1_customer_list_page_intake_search_and_api_find_a_spelled_phone(client, agent):
    customer = services.customer_create(actor=agent, name="张伟", phone="18850901576")
    client.force_login(agent)
    assert "张伟" in client.get(reverse("customers:list"), {"q": "188-5090-1576"}).content.decode()
    html = client.get(reverse("workorders:intake_customer_search"), {"customer_q": "+86 188 5090 1576"}).content
    assert f"customer-option-{customer.pk}" in html.decode()
    body = client.get("/api/v1/customers", {"q": "188 5090 1576"}).json()
    assert [item["id"] for item in body["items"]] == [customer.pk]


@pytest.mark.django_db
def test_r1_1_api_stores_the_canonical_phone(client, agent):
    client.force_login(agent)
    response = client.post(
        "/api/v1/customers", {"name": "赵六", "phone": "+86 188-5090-1576"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert Customer.objects.get(pk=response.json()["id"]).phone == "18850901576"


# --- the data migration -------------------------------------------------------------------


@pytest.mark.django_db
def test_r1_1_the_migration_rewrites_stored_phones_and_keeps_what_is_no_number():
    # Rows as they were stored before: factories write the columns as given (no service).
    spaced = CustomerFactory(phone="188 5090 1576")
    landline = CustomerFactory(phone="0571-88881234")
    odd = CustomerFactory(phone="见备注")
    contact = ContactFactory(customer=odd, phone="+86 139-0000-1111")
    MIGRATION.canonical_phones(apps, None)
    assert list(
        Customer.objects.filter(pk__in=[spaced.pk, landline.pk, odd.pk]).order_by("pk").values_list("phone", flat=True)
    ) == ["18850901576", "057188881234", "见备注"]
    assert Contact.objects.get(pk=contact.pk).phone == "13900001111"


@pytest.mark.django_db(transaction=True)
def test_r1_1_migrating_customers_back_and_forth_keeps_every_trigger_and_the_name_key():
    """The migration rebuilds the customers table on SQLite (a generated column); the triggers
    of the project (core/triggers.py) are all there afterwards, on both databases."""
    out = StringIO()
    call_command("migrate", "customers", "0002", verbosity=0, stdout=out)
    call_command("migrate", verbosity=0, stdout=out)
    assert triggers.missing(connection) == []
    customer = CustomerFactory(name="Wang  Li", phone="188 5090 1576")
    customer.refresh_from_db()
    assert customer.name_key == "wangli"


@pytest.mark.django_db
def test_r1_1_the_admin_stores_phones_canonical_too(rf):
    from django.contrib.admin.sites import site

    request = rf.get("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    form_class = site._registry[Customer].get_form(request)
    category, region = CustomerFactory.build().category, None
    category.save()
    data = {"code": "C9", "kind": "person", "name": "张伟", "phone": "+86 188 5090 1576", "category": category.pk}
    data.update({"notification_channel": "sms", "region": region or ""})
    form = form_class(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "18850901576"
    form = form_class({**data, "phone": "call me"})
    assert not form.is_valid()
    assert "phone" in form.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q", ["\x00", "188\x00", "＋８６ １８８", "+" * 300, "(((", "0" * 500, "%", "_", "1\u3000", "+86"]
)
def test_r1_1_odd_searches_are_answered_not_a_500(client, agent, q):
    """Every door of the customer search, with what a crawler sends (NUL is refused by
    PostgreSQL's text type: it is dropped before the query)."""
    CustomerFactory()
    client.force_login(agent)
    for url, name in (
        (reverse("customers:list"), "q"),
        (reverse("workorders:intake_customer_search"), "customer_q"),
        (reverse("workorders:intake_product_search"), "serial"),
        ("/api/v1/customers", "q"),
    ):
        response = client.get(url, {name: q})
        assert response.status_code in (200, 422), (url, q, response.status_code)
