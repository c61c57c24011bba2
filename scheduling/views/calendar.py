# Placeholder until the calendar views land.
from django.http import HttpRequest, HttpResponse


def day(request: HttpRequest) -> HttpResponse:
    return HttpResponse("day")


def week(request: HttpRequest) -> HttpResponse:
    return HttpResponse("week")


def agenda(request: HttpRequest) -> HttpResponse:
    return HttpResponse("agenda")
