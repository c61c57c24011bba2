# Placeholder until the dashboard lands.
from django.http import HttpRequest, HttpResponse


def dashboard(request: HttpRequest) -> HttpResponse:
    return HttpResponse("dashboard")


def export_csv(request: HttpRequest, table: str) -> HttpResponse:
    return HttpResponse("")
