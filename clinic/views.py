import csv
import itertools
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from clinic import access, passwords, services
from clinic.forms import OwnPasswordChangeForm
from clinic.panels import home_panels
from clinic.roles import permission_required, require


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        if services.staff_password_pending(form.get_user()):
            passwords.require_change(self.request)
            return redirect("password_change")
        return response


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site signs in through the clinic's login, so every login meets the same checks."""
    if request.user.is_authenticated:
        if request.user.is_staff:
            return redirect("admin:index")
        raise PermissionDenied("The administration pages need the Administrator role.")
    return redirect(f"{reverse('login')}?{request.GET.urlencode()}")


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(required=passwords.required(self.request), **kwargs)

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        services.staff_password_mark_chosen(user=form.user)
        passwords.done(self.request)
        messages.success(self.request, "Your password was changed.")
        return super().form_valid(form)


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on what it does first: the apps' buttons and cards (`clinic.panels`), each shown only with
    the permission behind it."""
    buttons, cards = home_panels(request)
    return render(request, "clinic/home.html", {"buttons": buttons, "cards": cards})


@permission_required("clinic.view_accesslog")
def access_log(request: HttpRequest) -> HttpResponse:
    """Who opened which patient's records: newest first, a page at a time, never counted."""
    filters = access.AccessFilter(request.GET or None)
    page = access.page_of(filters.entries(), request.GET.get("before", ""))
    query = request.GET.copy()
    query.pop("before", None)
    context = {"filters": filters, "page": page, "query": query.urlencode()}
    return render(request, "clinic/access_log.html", context)


def access_log_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The log with the page's filters, as CSV; the export is itself logged."""
    require(request.user, "clinic.view_accesslog")
    filters = access.AccessFilter(request.GET or None)
    rows = filters.entries()
    access.log_access(request, access.Kind.EXPORT)
    writer = csv.writer(Echo())
    lines = (writer.writerow(row) for row in access.csv_rows(rows))
    response = StreamingHttpResponse(itertools.chain(["\ufeff"], lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log_{timezone.localdate():%Y-%m-%d}.csv"'
    return response


class Echo:
    """A file for csv.writer that hands each line back to be streamed."""

    def write(self, value: str) -> str:
        return value
