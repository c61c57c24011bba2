"""The page a patient opens from a questionnaire link: no login, their own questionnaire only.

A link that cannot be answered (used, expired, closed by the clinic, altered or made up) gets a plain page that
names nothing of the patient or the procedure; a made-up link and a real one look the same from outside.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from outcomes import links, questionnaires
from outcomes.links import State
from outcomes.patient_forms import PatientReportForm

MAIN_FIELDS = ("nrs", "relief_pct", "relief_days", "pgic", "new_complications")
# A long token is not one of ours; refused before it is parsed.
MAX_TOKEN = 200

NOT_OPEN = {
    State.ANSWERED: ("Thank you", "Your answers were received. There is nothing more to do."),
    State.EXPIRED: ("This link has expired", "A nurse from the clinic will call you instead."),
    State.CLOSED: ("Nothing more to answer", "The clinic has already recorded this follow-up. Thank you."),
    State.INVALID: ("This link does not work", "Check that the whole link was copied, or call the clinic."),
}


def _state_page(request: HttpRequest, state: State, status: int = 200) -> HttpResponse:
    heading, message = NOT_OPEN[state]
    context = {"heading": heading, "message": message}
    return render(request, "outcomes/patient/link_state.html", context, status=status)


@login_not_required
@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    opened = links.open_link(token, now) if len(token) <= MAX_TOKEN else links.Opened(State.INVALID)
    if opened.state is not State.OPEN or opened.link is None:
        # 404 for a link that is not ours, so nothing tells a made-up token from a revoked one but the words.
        return _state_page(request, opened.state, 404 if opened.state is State.INVALID else 200)
    link = opened.link
    procedure = link.follow_up.procedure
    asked = questionnaires.for_levels(procedure.levels)
    form = PatientReportForm(request.POST or None, questionnaires=asked)
    if request.method == "POST" and form.is_valid():
        try:
            links.link_answer(link=link, answers=form.answers_given(), now=now)
        except ValidationError:
            # Answered in another tab a moment ago, or closed by the clinic meanwhile: say what the link is now.
            return _state_page(request, links.open_link(token, now).state)
        return redirect("outcomes:answer", token=token)
    links.link_mark_opened(link, now)
    context = {
        "form": form,
        "main_fields": MAIN_FIELDS,
        "performed_on": timezone.localdate(procedure.performed_at),
        "expires_at": timezone.localtime(link.expires_at),
        "minutes": 2 + 2 * len(asked),
    }
    return render(request, "outcomes/patient/answer.html", context)
