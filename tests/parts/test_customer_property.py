"""Customer property in our care (用户备品, R-7.3): receiving, custody history, hand-over, the
return with a signature, photos, scope (R-13.1), and that it never touches our stock."""

from __future__ import annotations

import base64
import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from aftersales.audit.models import AccessLog
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.parts.models import CustodyTransfer, CustomerProperty, PropertyPhoto, StockBalance, StockMove
from aftersales.parts.property_selectors import customer_property_get, customer_property_list
from aftersales.parts.property_services import (
    customer_property_hand_over,
    customer_property_photos_add,
    customer_property_receive,
    customer_property_return,
    signature_from_data_url,
)
from tests.factories import CustomerFactory, UserFactory, make_work_order, portal_user
from tests.workorders.attachment_samples import media

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
__all__ = ["media"]
AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


def signature_png(*, blank: bool = False) -> bytes:
    picture = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(picture).line([(40, 150), (200, 40), (380, 160), (560, 60)], fill=(11, 31, 68, 255), width=5)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def photo(name: str = "front.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def agent():
    return UserFactory(role="agent")


@pytest.fixture
def tech():
    return UserFactory(role="technician")


@pytest.fixture
def customer():
    return CustomerFactory()


def receive(actor, customer, **kwargs):
    values = {"description": "空调室内机主板", "serial_number": "SN-778", "condition": "外壳有划痕", "now": AT}
    values.update(kwargs)
    return customer_property_receive(actor=actor, customer_id=customer.pk, **values)


def test_r7_3_receiving_records_the_item_and_the_first_custody_row(agent, customer):
    item = receive(agent, customer, photos=[photo()])
    assert item.number.startswith("CP-2026-")
    assert (item.status, item.holder, item.held_since) == (CustomerProperty.Status.IN_CUSTODY, agent, AT)
    (row,) = item.transfers.all()
    assert (row.kind, row.from_user, row.to_user, row.at) == (CustodyTransfer.Kind.RECEIVED, None, agent, AT)
    (stored,) = item.photos.all()
    assert default_storage.exists(stored.file.name)
    assert default_storage.exists(stored.thumbnail.name)
    assert AccessLog.objects.filter(object_type="customerproperty", verb="property_receive").count() == 1


def test_r7_3_customer_property_never_touches_our_stock(agent, customer):
    """Separate models: receiving, handing over and returning write no stock move or balance."""
    item = receive(agent, customer)
    other = UserFactory(role="agent")
    customer_property_hand_over(actor=agent, item_id=item.pk, to_user_id=other.pk)
    customer_property_return(actor=other, item_id=item.pk, returned_to="李先生", signature=signature_png())
    assert StockMove.objects.count() == 0
    assert StockBalance.objects.count() == 0


def test_r7_3_receiving_needs_a_description_and_the_work_order_of_the_same_customer(agent, customer):
    with pytest.raises(ValidationFailed) as exc:
        receive(agent, customer, description="  ")
    assert set(exc.value.fields) == {"description"}
    wo = make_work_order(agent)  # another customer's job
    with pytest.raises(ValidationFailed) as exc:
        receive(agent, customer, work_order_id=wo.pk)
    assert set(exc.value.fields) == {"work_order_id"}
    assert CustomerProperty.objects.count() == 0


def test_r7_3_a_photo_that_is_no_picture_is_refused_and_nothing_is_kept(agent, customer):
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%...", content_type="application/pdf")
    with pytest.raises(DomainError) as exc:
        receive(agent, customer, photos=[pdf])
    assert exc.value.code == "property_photo_type"
    assert set(exc.value.fields) == {"photos"}
    assert CustomerProperty.objects.count() == 0


def test_r7_3_custody_history_has_a_row_per_hand_over(agent, customer):
    item = receive(agent, customer)
    tech, qa = UserFactory(role="technician"), UserFactory(role="qa")
    customer_property_hand_over(
        actor=agent, item_id=item.pk, to_user_id=tech.pk, note="送修", now=AT + dt.timedelta(hours=1)
    )
    customer_property_hand_over(actor=tech, item_id=item.pk, to_user_id=qa.pk, now=AT + dt.timedelta(hours=5))
    item.refresh_from_db()
    assert (item.holder, item.held_since) == (qa, AT + dt.timedelta(hours=5))
    history = list(item.transfers.values_list("kind", "from_user", "to_user", "note"))
    assert history == [
        ("received", None, agent.pk, ""),
        ("handed_over", agent.pk, tech.pk, "送修"),
        ("handed_over", tech.pk, qa.pk, ""),
    ]


def test_r7_3_only_the_holder_hands_over_and_only_to_staff_who_may_hold(agent, customer, tech):
    item = receive(agent, customer)
    customer_property_hand_over(actor=agent, item_id=item.pk, to_user_id=tech.pk)
    other_tech = UserFactory(role="technician")
    with pytest.raises(NotFound):  # he does not hold it: he does not even see it
        customer_property_hand_over(actor=other_tech, item_id=item.pk, to_user_id=other_tech.pk)
    buyer = portal_user(customer)
    with pytest.raises(ValidationFailed) as exc:  # a customer's login cannot hold it
        customer_property_hand_over(actor=tech, item_id=item.pk, to_user_id=buyer.pk)
    assert set(exc.value.fields) == {"to_user_id"}
    with pytest.raises(ValidationFailed):
        customer_property_hand_over(actor=tech, item_id=item.pk, to_user_id=tech.pk)  # holds it already
    executive = UserFactory(role="executive")  # sees every item, may not move one
    with pytest.raises(PermissionDenied):
        customer_property_hand_over(actor=executive, item_id=item.pk, to_user_id=agent.pk)
    assert item.transfers.count() == 2


def test_r7_3_return_with_a_signature_stores_the_png_and_ends_custody(agent, customer):
    item = receive(agent, customer)
    data_url = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    returned = customer_property_return(
        actor=agent,
        item_id=item.pk,
        returned_to="李先生",
        signature=signature_from_data_url(data_url),
        now=AT + dt.timedelta(days=3),
    )
    assert (returned.status, returned.holder, returned.returned_to) == ("returned", None, "李先生")
    assert returned.returned_at == AT + dt.timedelta(days=3)
    with default_storage.open(returned.return_signature.name, "rb") as handle:
        stored = Image.open(handle)
        assert (stored.format, stored.size) == ("PNG", (600, 200))
    last = item.transfers.last()
    assert (last.kind, last.from_user, last.to_user) == ("returned", agent, None)
    with pytest.raises(DomainError) as exc:  # twice: refused
        customer_property_return(actor=agent, item_id=item.pk, returned_to="李先生", signature=signature_png())
    assert exc.value.code == "property_already_returned"


@pytest.mark.parametrize(
    ("signature", "code"),
    [
        (b"", "signature_missing"),
        ("blank", "signature_missing"),
        (b"GIF89a....", "signature_invalid"),
        (b"\x89PNG\r\n\x1a\n-truncated", "signature_invalid"),
    ],
)
def test_r7_3_return_without_a_real_signature_is_refused(agent, customer, signature, code):
    item = receive(agent, customer)
    data = signature_png(blank=True) if signature == "blank" else signature
    with pytest.raises(DomainError) as exc:
        customer_property_return(actor=agent, item_id=item.pk, returned_to="李先生", signature=data)
    assert exc.value.code == code
    assert set(exc.value.fields) == {"signature"}
    item.refresh_from_db()
    assert item.status == "in_custody"
    assert not item.return_signature


def test_r7_3_return_needs_the_name_of_who_takes_it(agent, customer):
    item = receive(agent, customer)
    with pytest.raises(ValidationFailed) as exc:
        customer_property_return(actor=agent, item_id=item.pk, returned_to=" ", signature=signature_png())
    assert set(exc.value.fields) == {"returned_to"}


def test_r7_3_signature_from_a_data_url_that_is_not_png_is_unreadable():
    assert signature_from_data_url("") == b""
    assert signature_from_data_url("data:image/svg+xml;base64,PHN2Zz4=") == b"\x00"
    assert signature_from_data_url("not base64 !!") == b"\x00"


def test_r13_1_a_customer_sees_only_their_own_property(agent, customer):
    mine = receive(agent, customer)
    theirs = receive(agent, CustomerFactory())
    buyer = portal_user(customer)
    assert list(customer_property_list(actor=buyer)) == [mine]
    assert customer_property_get(actor=buyer, item_id=mine.pk) == mine
    with pytest.raises(NotFound):
        customer_property_get(actor=buyer, item_id=theirs.pk)
    with pytest.raises(PermissionDenied):  # nor may they record, hand over or return anything
        customer_property_hand_over(actor=buyer, item_id=mine.pk, to_user_id=agent.pk)
    with pytest.raises(PermissionDenied):
        receive(buyer, customer)


def test_r13_1_a_technician_sees_what_he_holds(agent, customer, tech):
    held = receive(agent, customer)
    other = receive(agent, customer)
    customer_property_hand_over(actor=agent, item_id=held.pk, to_user_id=tech.pk)
    assert list(customer_property_list(actor=tech)) == [held]
    with pytest.raises(NotFound):
        customer_property_get(actor=tech, item_id=other.pk)
    assert set(customer_property_list(actor=agent)) == {held, other}  # the desk sees all
    customer_property_hand_over(actor=tech, item_id=held.pk, to_user_id=agent.pk)
    assert list(customer_property_list(actor=tech)) == []  # handed on: no longer his


def test_r7_3_photos_added_later_by_the_holder(agent, customer, tech):
    item = receive(agent, customer)
    added = customer_property_photos_add(actor=agent, item_id=item.pk, photos=[photo("a.jpg"), photo("b.jpg")])
    assert [p.name for p in added] == ["a.jpg", "b.jpg"]
    with pytest.raises(NotFound):
        customer_property_photos_add(actor=tech, item_id=item.pk, photos=[photo()])
    assert PropertyPhoto.objects.count() == 2
