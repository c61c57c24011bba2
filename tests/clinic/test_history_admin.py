"""The admin's history pages: every version can be read; only a user who may change a configuration record reverts
it, and clinical records are never reverted there (they are corrected through the clinic's pages and services)."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from clinic.history_admin import HistoryAdmin, RecordAdmin
from outcomes import services as outcome_services
from outcomes.models import FollowUp
from patients import services as patient_services
from procedures import services as procedure_services
from procedures.models import LimitRule
from scheduling import services as scheduling_services
from scheduling.models import Room, Status, VisitType
from tests import factories
from tests.clock import on_clinic_day
from tests.procedures.test_admin import rule_form_data
from tests.procedures.test_standing import fresh, stored

pytestmark = pytest.mark.django_db


def history_url(record: Any, version: Any) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[record.pk, version.history_id])


def posted(form: forms.BaseForm) -> dict[str, Any]:
    """The version page's form as the browser posts it back: each field's shown value."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, forms.MultiWidget):
            for index, part in enumerate(field.widget.decompress(value) or []):
                data[f"{name}_{index}"] = "" if part is None else part
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = list(value)
        elif value is not None:
            data[name] = value
    return data


def row(record: Any) -> dict[str, Any]:
    return dict(type(record).objects.filter(pk=record.pk).values().get())


def _patient(physician, frontdesk):
    patient = factories.patient()
    return patient_services.patient_update(patient=patient, first_name="Mariana")


def _procedure(physician, frontdesk):
    procedure = factories.procedure(factories.patient(), on=timezone.localdate(), physician=physician)
    return procedure_services.procedure_void(procedure=procedure, by=physician, reason="Wrong patient")


def _follow_up(physician, frontdesk):
    procedure = factories.procedure(
        factories.patient(), on=timezone.localdate() - datetime.timedelta(days=20), physician=physician
    )
    follow_up = FollowUp.objects.get(procedure=procedure, label="2 weeks")
    return outcome_services.followup_record(follow_up=follow_up, recorded_by=physician, relief_pct=20, nrs=7)


def _appointment(physician, frontdesk):
    room = Room.objects.create(name="Exam 1", kind=Room.Kind.EXAM_ROOM)
    starts_at = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=3), datetime.time(9))
    )
    appointment = scheduling_services.appointment_book(
        patient=factories.patient(),
        slot=scheduling_services.Slot(physician, room, starts_at, starts_at + datetime.timedelta(minutes=20)),
        visit_type=VisitType.FOLLOW_UP,
        booked_by=frontdesk,
    )
    return scheduling_services.appointment_set_status(
        appointment=appointment, status=Status.CANCELLED, reason="Patient unwell"
    )


def _waitlist_entry(physician, frontdesk):
    entry = scheduling_services.waitlist_entry_add(
        patient=factories.patient(),
        visit_type=VisitType.FOLLOW_UP,
        earliest_on=timezone.localdate(),
        created_by=frontdesk,
    )
    return scheduling_services.waitlist_entry_close(entry=entry, reason="Booked elsewhere")


# Each clinical record, changed once through its service after it was created.
RECORDS = {
    "patient": _patient,
    "procedure": _procedure,
    "follow-up": _follow_up,
    "appointment": _appointment,
    "waitlist entry": _waitlist_entry,
}


@pytest.fixture
def superuser(make_user):
    return make_user("root", None, is_staff=True, is_superuser=True)


@pytest.mark.parametrize("persona", ["administrator", "superuser"])
@pytest.mark.parametrize("kind", RECORDS)
def test_a_clinical_records_old_version_is_shown_but_cannot_be_posted_back(
    client, request, physician, frontdesk, persona, kind
):
    record = RECORDS[kind](physician, frontdesk)
    current = row(record)
    first = record.history.earliest()
    client.force_login(request.getfixturevalue(persona))

    page = client.get(history_url(record, first))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()

    response = client.post(history_url(record, first), posted(page.context["adminform"].form))
    assert response.status_code == 403
    assert row(record) == current


def test_an_administrator_cannot_unvoid_a_procedure_by_posting_its_first_version(client, administrator, physician):
    procedure = _procedure(physician, None)
    first = procedure.history.earliest()
    client.force_login(administrator)
    form = client.get(history_url(procedure, first)).context["adminform"].form
    data = posted(form) | {"voided_at_0": "", "voided_at_1": "", "void_reason": ""}
    assert client.post(history_url(procedure, first), data).status_code == 403
    procedure.refresh_from_db()
    assert procedure.is_voided


def test_a_version_that_cannot_be_reverted_reads_as_text(client, administrator, physician):
    procedure = _procedure(physician, None)
    client.force_login(administrator)
    page = client.get(history_url(procedure, procedure.history.earliest())).content.decode()
    assert "View " in page
    assert 'name="note"' not in page


def rule_with_a_history(client, administrator) -> LimitRule:
    """The clinic default saved as shipped (its history's first version, limit 3), then with a limit of 1."""
    rule = LimitRule.objects.get(code="clinic-esi-6m")
    client.force_login(administrator)
    url = reverse("admin:procedures_limitrule_change", args=[rule.pk])
    assert client.post(url, rule_form_data(rule)).status_code == 302
    assert client.post(url, rule_form_data(rule, limit="1")).status_code == 302
    rule.refresh_from_db()
    assert rule.limit == 1
    return rule


def test_an_administrator_reverts_a_rule_and_the_standing_limits_follow(client, administrator, physician):
    day = timezone.localdate()
    with on_clinic_day(day):
        patient = factories.patient()
        for weeks in (2, 8):
            factories.procedure(patient, on=day - datetime.timedelta(weeks=weeks), physician=physician)
        rule = rule_with_a_history(client, administrator)
        at_one = stored(day)
        original = rule.history.earliest()
        form = client.get(history_url(rule, original)).context["adminform"].form
        response = client.post(history_url(rule, original), posted(form))
        assert response.status_code == 302
        rule.refresh_from_db()
        assert rule.limit == Decimal(3)
        assert rule.history.latest().history_user == administrator
        assert stored(day) == fresh(day)
        assert stored(day) != at_one


def test_a_reverted_rule_is_checked_as_a_change_is(client, administrator):
    rule = rule_with_a_history(client, administrator)
    original = rule.history.earliest()
    form = client.get(history_url(rule, original)).context["adminform"].form
    response = client.post(history_url(rule, original), posted(form) | {"window_months": "0"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["window_months"]
    rule.refresh_from_db()
    assert rule.limit == 1


def test_a_user_who_may_only_view_a_rule_reads_its_history_but_cannot_revert_it(client, administrator, make_user):
    rule = rule_with_a_history(client, administrator)
    viewer = make_user("auditor", None, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_limitrule"))
    client.force_login(viewer)
    original = rule.history.earliest()
    page = client.get(history_url(rule, original))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(history_url(rule, original), rule_form_data(rule, limit="3")).status_code == 403
    rule.refresh_from_db()
    assert rule.limit == 1


def test_every_history_page_in_the_admin_refuses_what_the_user_may_not_change():
    for model, model_admin in admin.site._registry.items():
        if hasattr(model_admin, "history_form_view"):
            assert isinstance(model_admin, HistoryAdmin), model
    clinical = {"patient", "procedure", "followup", "appointment", "waitlistentry"}
    for model, model_admin in admin.site._registry.items():
        if model._meta.model_name in clinical:
            assert isinstance(model_admin, RecordAdmin), model
