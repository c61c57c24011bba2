"""The import pages: upload, columns, preview, then the import's progress and its result.

An upload is named by `?run=<id>` on every step. Only administrators (`imports.import_procedure_log`) reach
any of them; the checks happen here, on the server, for each request.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from clinic.roles import permission_required, require, staff_user
from clinic.validators import record_id
from imports import progress, services
from imports.columns import BY_KEY, guess
from imports.forms import ColumnsForm, UploadForm
from imports.models import ProcedureLogImport
from procedures import standing

IMPORT = "imports.import_procedure_log"
PAGE_SIZE = 20
SHOWN_PROBLEMS = 200
SHOWN_ROWS = 25
Status = ProcedureLogImport.Status


def _get_run(request: HttpRequest) -> ProcedureLogImport:
    """The one access check for an upload: 403 without the permission, 404 if `?run=` names none."""
    require(request.user, IMPORT)
    pk = record_id(request.GET.get("run"))
    if pk is None:
        raise Http404("No such upload.")
    return get_object_or_404(ProcedureLogImport.objects.select_related("default_physician"), pk=pk)


def _step(name: str, run: ProcedureLogImport) -> str:
    return f"{reverse(name)}?run={run.pk}"


@permission_required(IMPORT)
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            run = services.import_upload(file_name=file.name, content=file.read(), uploaded_by=staff_user(request))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(_step("imports:columns", run))
    uploads = ProcedureLogImport.objects.defer("content").select_related("uploaded_by")
    page = Paginator(uploads, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/upload.html", {"form": form, "page": page})


def columns(request: HttpRequest) -> HttpResponse:
    run = _get_run(request)
    if run.status in (Status.IMPORTING, Status.IMPORTED):
        return redirect(_step("imports:result", run))
    table = services.import_table(run)
    initial: dict[str, Any] = run.mapping or guess(table.headers)
    initial["default_physician"] = run.default_physician_id
    form = ColumnsForm(request.POST or None, headers=table.headers, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.import_map(
            run=run, mapping=form.mapping(), default_physician=form.cleaned_data.get("default_physician")
        )
        return redirect(_step("imports:preview", run))
    fields = [(form[key], BY_KEY[key]) for key in BY_KEY]
    context = {"run": run, "form": form, "fields": fields, "headers": table.headers, "sample": table.rows[:3]}
    return render(request, "imports/columns.html", context)


def preview(request: HttpRequest) -> HttpResponse:
    run = _get_run(request)
    if run.status in (Status.IMPORTING, Status.IMPORTED):
        return redirect(_step("imports:result", run))
    if not run.is_mapped:
        return redirect(_step("imports:columns", run))
    checked = services.import_check(run)
    problems = checked.sentences()
    context = {
        "run": run,
        "checked": checked,
        "problems": problems[:SHOWN_PROBLEMS],
        "more_problems": max(0, len(problems) - SHOWN_PROBLEMS),
        "rows": checked.ready[:SHOWN_ROWS],
        "more_rows": max(0, len(checked.ready) - SHOWN_ROWS),
    }
    return render(request, "imports/preview.html", context)


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    run = _get_run(request)
    if run.status == Status.IMPORTED:
        return redirect(_step("imports:result", run))
    if not run.is_mapped:
        return redirect(_step("imports:columns", run))
    checked = services.import_check(run)
    if not checked.importable:
        messages.error(request, "Nothing was imported: correct the rows listed, or there is nothing new to import.")
        return redirect(_step("imports:preview", run))
    close = request.POST.get("close_overdue_calls") == "on"
    if not services.import_start(run=run, by=staff_user(request), close_overdue_calls=close):
        messages.info(request, "This file is already being imported.")
    return redirect(_step("imports:result", run))


def result(request: HttpRequest) -> HttpResponse:
    run = _get_run(request)
    if run.status == Status.UPLOADED:
        return redirect(_step("imports:preview", run))
    context: dict[str, Any] = {"run": run, "progress": progress.read(run.pk)}
    if run.status == Status.IMPORTED:
        context["flagged"] = standing.flagged_rows().values("patient_id").distinct().count()
    return render(request, "imports/result.html", context)


def progress_bar(request: HttpRequest) -> HttpResponse:
    """The progress bar the result page polls while the import runs; the whole page again once it has ended."""
    run = _get_run(request)
    if run.status != Status.IMPORTING:
        if request.headers.get("HX-Request"):
            return HttpResponseClientRedirect(_step("imports:result", run))
        return redirect(_step("imports:result", run))
    return render(request, "imports/_progress.html", {"run": run, "progress": progress.read(run.pk)})
