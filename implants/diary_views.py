"""The page a patient opens from a trial diary link: no login, two questions about one day."""

import datetime
from contextlib import suppress

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from clinic import validators
from implants import diary_links
from outcomes.links import State
from outcomes.patient_forms import NRS_CHOICES, RELIEF_CHOICES, tap_question

MAX_TOKEN = 200
NOT_OPEN = {
    State.ANSWERED: ("Thank you", "Your diary for that day was received. There is nothing more to do."),
    State.EXPIRED: ("This link has expired", "Tell the clinic how that day went at your next visit or call."),
    State.CLOSED: ("Nothing more to answer", "The clinic has already recorded that day. Thank you."),
    State.INVALID: ("This link does not work", "Check that the whole link was copied, or call the clinic."),
}


class DiaryDayForm(forms.Form):
    nrs = tap_question(
        "How bad was your pain that day, on the whole?",
        "0 is no pain; 10 is the worst pain you can imagine.",
        NRS_CHOICES,
        "Choose a number from 0 to 10 for your pain.",
    )
    relief_pct = tap_question(
        "How much better was your pain than before the trial?",
        "0% is no better at all; 100% is completely gone.",
        RELIEF_CHOICES,
        "Choose how much better your pain was, from 0% to 100%.",
    )
    note = forms.CharField(
        label="Anything to tell the clinic about that day?",
        help_text="For example how far you walked, how you slept, or medication you took. Leave empty if nothing.",
        max_length=300,
        required=False,
        validators=[validators.validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    # The shared question template lists these; a diary day has no disability questionnaire.
    questionnaire_fields: list[object] = []


@login_not_required
@never_cache
def diary_answer(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    opened = diary_links.open_link(token, now) if len(token) <= MAX_TOKEN else diary_links.Opened(State.INVALID)
    if opened.state is not State.OPEN or opened.link is None:
        heading, message = NOT_OPEN[opened.state]
        status = 404 if opened.state is State.INVALID else 200
        return render(
            request, "outcomes/patient/link_state.html", {"heading": heading, "message": message}, status=status
        )
    link = opened.link
    form = DiaryDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Answered in another tab, or entered by the clinic meanwhile: the page then says what the link is now.
        with suppress(ValidationError):
            diary_links.link_answer(
                link=link, nrs=data["nrs"], relief_pct=data["relief_pct"], note=data["note"], now=now
            )
        return redirect("implants:diary_answer", token=token)
    diary_links.link_mark_opened(link, now)
    context: dict[str, object] = {
        "form": form,
        "main_fields": ("nrs", "relief_pct", "note"),
        "day": link.day,
        # It expires at a midnight: the last day it works is the one before.
        "last_day": timezone.localdate(link.expires_at - datetime.timedelta(microseconds=1)),
    }
    return render(request, "implants/diary_answer.html", context)
