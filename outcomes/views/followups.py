# Placeholder until the follow-up pages land.
from django.http import HttpRequest, HttpResponse


def worklist(request: HttpRequest) -> HttpResponse:
    return HttpResponse("worklist")


def record(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("record")


def not_reached(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("not reached")
