"""Where the pages below link to the printed papers (registered with `clinic.page_links` from the app's ready())."""

import datetime
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode


def procedure_note(*, procedure: Any) -> str:
    return reverse("paper:procedure_note", args=[procedure.pk])


def day_sheet(*, day: datetime.date, param: str, pk: int) -> str:
    query: dict[str, str | int] = {"day": day.isoformat(), param: pk}
    return f"{reverse('paper:day_sheet')}?{urlencode(query)}"
