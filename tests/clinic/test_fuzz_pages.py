"""No input gives a server error: every page of the clinic's apps, fuzzed in its query string and its forms.

The pages are the URL patterns themselves (a new page is fuzzed without being listed here). Each is opened as
each role that works with it; its query keys are the ones the views read, and the posted fields are the inputs
of the forms that post to it, as the pages render them, plus the values a view reads from the POST by hand.
The values are what people and scripts send: NUL bytes, huge strings, the first and last dates Python knows,
negative and huge numbers, invisible and text-direction characters, and the pages' own valid choices, so a
fuzzed value reaches the code behind a valid rest of the form. Every example runs in a transaction rolled back
after it, so each starts from the same records. A server error fails the test with its traceback.
"""

import datetime
import inspect
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authorizations.services import authorization_request
from outcomes import links
from outcomes.models import FollowUp, FollowUpLink
from procedures.models import ProcedureType
from scheduling import services as scheduling_services
from scheduling.models import VisitType
from tests import factories
from tests.implants.helpers import scs_trial
from tests.scheduling.helpers import at, book, next_weekday

APPS = (
    "clinic",
    "patients",
    "procedures",
    "scheduling",
    "outcomes",
    "authorizations",
    "implants",
    "api",
    "fhir_r4",
    "imports",
    "paper",
)
# Logging out ends the session the rest of the examples use.
SKIPPED = {"logout"}
ROLES = ("frontdesk", "nurse", "physician", "administrator")
# Per page; a few keep the suite's run short. FUZZ_EXAMPLES=200 digs deeper when a form or a view changes.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
# CI draws the same examples on every run, so a red run is a change's doing; FUZZ_RANDOM=1 draws new ones.
DERANDOMIZE = os.environ.get("FUZZ_RANDOM", "") != "1"

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "1800-01-01T10:00",
    "-1",
    "0",
    "-99999999999999999999",
    "99999999999999999999",
    "9" * 5000,
    "1e309",
    "NaN",
    "²",
    "١٢",
    "\u200b\u200b",
    "Ana\u202egnaM",
    "\u2066x\u2069",
    "\r\n",
    "foo",
    "//evil.example/",
    "javascript:alert(1)",
    "L4-L5:bilateral,\x00:left",
]
VALUE = st.one_of(st.sampled_from(NASTY), st.text(max_size=12))


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace or ""
            if namespace in APPS:
                yield from _patterns(entry, f"{namespace}:")
        elif entry.name and entry.callback.__module__.split(".")[0] in APPS and entry.name not in SKIPPED:
            yield f"{prefix}{entry.name}", entry


PATTERNS = dict(_patterns(get_resolver()))


def _source(pattern: URLPattern) -> str:
    callback = pattern.callback
    view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
    module = inspect.getmodule(view)
    assert module is not None
    return inspect.getsource(module)  # the module: views read keys in their helpers too


def _keys(pattern: URLPattern, method: str) -> set[str]:
    """The query (or hand-read POST) keys the view's module reads."""
    found = re.findall(rf'{method}(?:\.get\(|\[)"(\w+)"', _source(pattern))
    if method == "GET":
        found += re.findall(r'\bget(?:\.get\(|\[)"(\w+)"', _source(pattern))
    return set(found) | {"next"}


class _Forms(HTMLParser):
    """Each form's target (action or hx-post) and its inputs' names, with the values the page offers for each."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.targets: list[str] = []
        self.fields: dict[str, set[str]] = defaultdict(set)
        self.forms: list[tuple[list[str], dict[str, set[str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.targets = [attr.get("action") or self.page] + ([attr["hx-post"]] if "hx-post" in attr else [])
            self.fields = defaultdict(set)
            self.forms.append((self.targets, self.fields))
        elif tag in {"input", "select", "textarea"} and attr.get("name") and self.targets:
            self.fields[attr["name"]].add(attr.get("value", ""))
        elif tag == "option" and self.targets and self.fields:
            last = list(self.fields)[-1]
            self.fields[last].add(attr.get("value", ""))
        if "hx-post" in attr and tag != "form" and self.targets:
            self.targets.append(attr["hx-post"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.targets = []


@pytest.fixture
def clinic(db, frontdesk, nurse, physician, administrator) -> dict[str, Any]:
    """One of each record a page is about, built through the services, and the ids the URL patterns take."""
    patient = factories.patient()
    procedure = factories.procedure(patient, on=timezone.localdate() - datetime.timedelta(days=20), physician=physician)
    day = next_weekday()
    visit = book(
        patient,
        physician,
        at(day, 9),
        visit_type=VisitType.PROCEDURE,
        procedure="esi-transforaminal",
        levels="L4-L5",
        side="left",
    )
    other = factories.patient(first_name="Omar", last_name="Ali", date_of_birth=datetime.date(1970, 5, 6))
    entry = scheduling_services.waitlist_entry_add(
        patient=other, visit_type=VisitType.PROCEDURE, earliest_on=timezone.localdate(), created_by=frontdesk
    )
    follow_up = FollowUp.objects.filter(procedure=procedure).first()
    assert follow_up is not None
    link = FollowUpLink.objects.create(
        follow_up=follow_up,
        channel="sms",
        sent_to=patient.phone,
        nonce="fuzz",
        sent_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    ids = {"pk": 0, "patient_id": patient.pk, "table": "complications", "token": links.token(link), "name": "diary"}
    by_app = {
        "patients": patient.pk,
        "procedures": procedure.pk,
        "scheduling": visit.pk,
        "outcomes": follow_up.pk,
        "paper": procedure.pk,
        "authorizations": authorization_request(
            patient=patient,
            payer=factories.payer(),
            procedure_types=ProcedureType.objects.filter(code="rfa-facet"),
            region="",
            units_approved=1,
            requested_on=timezone.localdate(),
            by=frontdesk,
        ).pk,
        "implants": scs_trial(patient, nurse).pk,
    }
    return {"ids": ids, "by_app": by_app, "waitlist": entry.pk, "patient": patient}


# The API's routes name their record by the route's basename (api:appointment-detail): the app that keeps it.
API_RECORDS = {"appointment": "scheduling", "followup": "outcomes", "patient": "patients", "procedure": "procedures"}


def _record_app(name: str) -> str:
    app, _, route = name.partition(":")
    return API_RECORDS[route.split("-")[0]] if app == "api" else app


def _url(name: str, pattern: URLPattern, clinic: dict[str, Any]) -> str:
    kwargs: dict[str, Any] = {}
    for key in pattern.pattern.converters:
        if key == "pk":
            kwargs[key] = clinic["waitlist"] if "waitlist" in name else clinic["by_app"][_record_app(name)]
        else:
            kwargs[key] = clinic["ids"][key]
    return reverse(name, kwargs=kwargs)


def _logged_in(role: str) -> Client:
    client = Client()
    client.force_login(
        User.objects.get(
            username={"frontdesk": "fiona", "nurse": "nora", "physician": "paul", "administrator": "ada"}[role]
        )
    )
    return client


# By URL name, the inputs of the forms that post (or htmx-post) there, read once from every page as every role.
FORMS: dict[str, dict[str, set[str]]] = {}


def _forms_by_target(clinic: dict[str, Any]) -> dict[str, dict[str, set[str]]]:
    if FORMS:
        return FORMS
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for role in ROLES:
        client = _logged_in(role)
        for name, pattern in PATTERNS.items():
            response = client.get(_url(name, pattern, clinic), {"patient": clinic["patient"].pk})
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = _Forms(response.wsgi_request.path)
            parser.feed(response.content.decode())
            for targets, fields in parser.forms:
                for target in targets:
                    try:
                        name = resolve(urlsplit(target).path).view_name
                    except Resolver404:
                        continue
                    for field, values in fields.items():
                        found[name][field] |= values
    FORMS.update(found)
    return FORMS


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_no_input_to_a_page_gives_a_server_error(name: str, clinic: dict[str, Any]) -> None:
    pattern = PATTERNS[name]
    url = _url(name, pattern, clinic)
    patient = str(clinic["patient"].pk)
    fields = {
        field: sorted(values)
        for field, values in _forms_by_target(clinic).get(name, {}).items()
        if field != "csrfmiddlewaretoken"
    }
    posted = fields | {key: [] for key in _keys(pattern, "POST") if key not in fields}
    queried = fields | {key: [] for key in _keys(pattern, "GET") if key not in fields}

    def values(names: dict[str, list[str]]) -> st.SearchStrategy[dict[str, str]]:
        return st.fixed_dictionaries(
            {field: st.one_of(st.sampled_from([*offered, patient]), VALUE) for field, offered in names.items()}
        )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=list(HealthCheck),
    )
    @given(role=st.sampled_from(ROLES), htmx=st.booleans(), query=values(queried), data=values(posted))
    def fuzz(role: str, htmx: bool, query: dict[str, str], data: dict[str, str]) -> None:
        client = _logged_in(role)
        headers = {"HX-Request": "true"} if htmx else {}
        with transaction.atomic():
            client.get(url, query, headers=headers)
            client.post(f"{url}?patient={patient}", data, headers=headers)
            transaction.set_rollback(True)

    fuzz()
