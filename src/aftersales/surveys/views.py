from django.http import HttpRequest, HttpResponse


def answer(request: HttpRequest, token: str) -> HttpResponse:
    raise NotImplementedError


def phone_survey(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def dashboard(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
