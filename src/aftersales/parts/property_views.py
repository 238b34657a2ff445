"""Staff pages of customer property (用户备品, R-7.3): the list, an item with its custody history,
receiving, handing over, returning with the customer's signature (on a phone too), photos.

Thin handlers: parse, call one service or selector, render or redirect. Scope comes from
``property_selectors.customer_property_scope``: what the actor may not see is "not found".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.audit.services import record, record_views
from aftersales.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.pagination import keyset_page
from aftersales.customers.selectors import customer_scope
from aftersales.parts import property_selectors as selectors
from aftersales.parts import property_services as services
from aftersales.parts.property_forms import HandOverForm, PropertyFilterForm, ReceiveForm, ReturnForm
from aftersales.web.access import staff_page
from aftersales.web.forms import form_status, submit
from aftersales.workorders.selectors import work_order_scope

if TYPE_CHECKING:
    from aftersales.accounts.models import User

PAGE_SIZE = 25
VIEW = "parts.view_customerproperty"


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


@require_GET
@staff_page(VIEW)
def property_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PropertyFilterForm(request.GET)
    filters = form.values()
    qs = selectors.customer_property_list(
        actor=user, status=filters["status"], holder_id=filters["holder"], customer_id=filters["customer"]
    )
    page = form.page(
        lambda cursor: keyset_page(qs, sort_field="id", descending=True, cursor=cursor, page_size=PAGE_SIZE)
    )
    record_views(actor=user, objs=page.items)  # R-13.2: the customers' items that were shown
    context = {"form": form, "page": page, "may_manage": user.has_perm(selectors.MANAGE)}
    return render(request, "parts/property/list.html", context)


def _after_change(user: User, pk: int) -> HttpResponse:
    """Back to the item, or to the list when the change put it out of the user's sight."""
    if selectors.customer_property_scope(actor=user).filter(pk=pk).exists():
        return redirect("property:detail", pk)
    return redirect("property:list")


def _detail(request: HttpRequest, pk: int, **forms: Any) -> HttpResponse:
    user = _user(request)
    item = selectors.customer_property_get(actor=user, item_id=pk)
    record(actor=user, action="view", obj=item)
    manage = selectors.may_manage(user, item)
    context = {
        "item": item,
        "may_manage": manage,
        "hand_over_form": forms.get("hand_over_form") or (HandOverForm(exclude=item.holder_id) if manage else None),
        "photo_error": forms.get("photo_error"),
    }
    status = 422 if any(forms.values()) else 200
    return render(request, "parts/property/detail.html", context, status=status)


@require_GET
@staff_page(VIEW)
def property_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


def _resolve(user: User, form: ReceiveForm) -> tuple[int | None, int | None]:
    """The work order and customer the numbers on the form name, within the user's scope."""
    number, code = form.cleaned_data["work_order"].strip(), form.cleaned_data["customer"].strip()
    wo_id = customer_id = None
    if number:
        found = work_order_scope(actor=user).filter(number=number).values_list("pk", "customer_id").first()
        if found is None:
            raise ValidationFailed({"work_order": _("No work order with this number.")})
        wo_id, customer_id = found
    if code:
        found_customer = customer_scope(actor=user).filter(code=code).values_list("pk", flat=True).first()
        if found_customer is None:
            raise ValidationFailed({"customer": _("No customer with this number.")})
        if customer_id is not None and found_customer != customer_id:
            raise ValidationFailed({"customer": _("The work order belongs to another customer.")})
        customer_id = found_customer
    if customer_id is None:
        raise ValidationFailed({"work_order": _("Enter the work-order number or the customer number.")})
    return wo_id, customer_id


@require_http_methods(["GET", "POST"])
@staff_page("parts.add_customerproperty")
def property_receive(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        form = ReceiveForm(request.POST, request.FILES)

        def receive() -> Any:
            wo_id, customer_id = _resolve(user, form)
            return services.customer_property_receive(
                actor=user,
                customer_id=customer_id,  # type: ignore[arg-type]
                work_order_id=wo_id,
                description=form.cleaned_data["description"],
                serial_number=form.cleaned_data["serial_number"],
                condition=form.cleaned_data["condition"],
                photos=form.cleaned_data["photos"],
            )

        item = submit(form, receive)
        if item is not None:
            messages.success(request, _("%(number)s was received.") % {"number": item.number})
            return redirect("property:detail", item.pk)
    else:
        initial = {k: request.GET.get(k, "")[:32] for k in ("work_order", "customer")}
        form = ReceiveForm(initial=initial)
    return render(request, "parts/property/receive.html", {"form": form}, status=form_status(form))


@require_POST
@staff_page("parts.change_customerproperty")
def property_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = selectors.customer_property_get(actor=user, item_id=pk)
    form = HandOverForm(request.POST, exclude=item.holder_id)
    done = submit(
        form,
        lambda: services.customer_property_hand_over(
            actor=user, item_id=pk, to_user_id=form.cleaned_data["to_user_id"], note=form.cleaned_data["note"]
        ),
    )
    if done is not None:
        holder = str(done.holder) if done.holder else ""
        messages.success(request, _("Handed over to %(name)s.") % {"name": holder})
        return _after_change(user, pk)
    return _detail(request, pk, hand_over_form=form)


@require_http_methods(["GET", "POST"])
@staff_page("parts.change_customerproperty")
def property_return(request: HttpRequest, pk: int) -> HttpResponse:
    """The return on its own page: the customer signs on the phone or tablet of the holder."""
    user = _user(request)
    item = selectors.customer_property_get(actor=user, item_id=pk)
    if request.method == "POST":
        form = ReturnForm(request.POST)
        done = submit(
            form,
            lambda: services.customer_property_return(
                actor=user,
                item_id=pk,
                returned_to=form.cleaned_data["returned_to"],
                signature=services.signature_from_data_url(form.cleaned_data["signature"]),
                note=form.cleaned_data["note"],
            ),
        )
        if done is not None:
            messages.success(request, _("%(number)s was returned to the customer.") % {"number": done.number})
            return _after_change(user, pk)
    else:
        form = ReturnForm(initial={"returned_to": ""})
    context = {"item": item, "form": form, "may_manage": selectors.may_manage(user, item)}
    return render(request, "parts/property/return.html", context, status=form_status(form))


@require_POST
@staff_page("parts.change_customerproperty")
def property_photos_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    form = ReceiveForm(files=request.FILES)
    photos = form.fields["photos"].clean(request.FILES.getlist("photos"))
    try:
        added = services.customer_property_photos_add(actor=user, item_id=pk, photos=photos)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        return _detail(request, pk, photo_error=str(error.message))
    messages.success(request, _("%(count)d photos were added.") % {"count": len(added)})
    return redirect("property:detail", pk)


@require_GET
@staff_page(VIEW)
def property_photo(request: HttpRequest, pk: int, photo_id: int) -> Any:  # a FileResponse
    return services.customer_property_photo_download(actor=request.user, item_id=pk, photo_id=photo_id)


@require_GET
@staff_page(VIEW)
def property_thumbnail(request: HttpRequest, pk: int, photo_id: int) -> Any:  # a FileResponse
    return services.customer_property_photo_download(actor=request.user, item_id=pk, photo_id=photo_id, thumbnail=True)


@require_GET
@staff_page(VIEW)
def property_signature(request: HttpRequest, pk: int) -> Any:  # a FileResponse
    return services.customer_property_signature_download(actor=request.user, item_id=pk)
