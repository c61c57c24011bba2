# Placeholder until the booking views land.
from django.http import HttpRequest, HttpResponse


def book(request: HttpRequest) -> HttpResponse:
    return HttpResponse("book")


def patient_search(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("detail")


def move(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("move")


def set_status(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("status")


def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("cancel")


def log_procedure(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("log")
