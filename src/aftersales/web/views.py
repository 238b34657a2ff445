from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_customer_user:  # type: ignore[union-attr]
        return redirect("portal:home")
    return redirect("workorders:list")
