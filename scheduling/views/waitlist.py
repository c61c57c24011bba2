# Placeholder until the waitlist views land.
from django.http import HttpRequest, HttpResponse


def waitlist(request: HttpRequest) -> HttpResponse:
    return HttpResponse("waitlist")


def waitlist_new(request: HttpRequest) -> HttpResponse:
    return HttpResponse("new")


def waitlist_close(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("close")
