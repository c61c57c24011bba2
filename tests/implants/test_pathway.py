"""The stimulator pathway as the physician and nurse keep it: the diary's summary always agrees with its days, an
implant that no successful trial supports needs a reason that is kept, and nothing is ever deleted."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from implants import services
from implants.models import DiaryEntry, Implant, Pathway
from tests import factories
from tests.implants.helpers import DAY, scs_trial

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def patient():
    return factories.patient(first_name="James", last_name="Patel")


def test_the_diary_summary_follows_every_entry_and_void(patient, nurse):
    pathway = scs_trial(patient, nurse, reliefs=(60, 70, 65))
    assert (pathway.diary_days, pathway.diary_relief_total) == (3, 195)

    wrong = pathway.diary.get(relief_pct=70)
    services.diary_void(entry=wrong, reason="Entered for the wrong day", by=nurse)
    pathway.refresh_from_db()
    assert (pathway.diary_days, pathway.diary_relief_total) == (2, 125)
    # The day can be recorded again once its entry is voided; the voided one stays on record.
    services.diary_add(pathway=pathway, day=wrong.day, nrs=3, relief_pct=80, by=nurse)
    pathway.refresh_from_db()
    assert (pathway.diary_days, pathway.diary_relief_total) == (3, 205)
    assert DiaryEntry.objects.filter(pathway=pathway).count() == 4


def test_a_day_outside_the_trial_or_ahead_is_refused_beside_the_day(client, patient, nurse):
    pathway = scs_trial(patient, nurse, reliefs=(60,))
    start = TODAY - DAY
    client.force_login(nurse)
    url = reverse("implants:step", args=[pathway.pk, "diary"])

    before = start - DAY
    response = client.post(url, {"day": before, "nrs": 4, "relief_pct": 50})
    assert response.status_code == 400
    assert "Enter a day of the trial" in response.content.decode()
    response = client.post(url, {"day": TODAY + DAY, "nrs": 4, "relief_pct": 50})
    assert "The diary day cannot be in the future." in response.content.decode()
    response = client.post(url, {"day": start, "nrs": 4, "relief_pct": 50})
    assert "is already recorded: void it first to correct it." in response.content.decode()
    response = client.post(url, {"day": TODAY, "nrs": 11, "relief_pct": 101})
    assert "Ensure this value is less than or equal to 10." in response.content.decode()
    assert DiaryEntry.objects.filter(pathway=pathway).count() == 1


def test_the_database_keeps_one_entry_per_day_and_the_numbers_in_range(patient, nurse):
    pathway = scs_trial(patient, nurse, reliefs=(60,))
    with pytest.raises(IntegrityError), transaction.atomic():
        DiaryEntry.objects.create(pathway=pathway, day=TODAY - DAY, nrs=3, relief_pct=50, entered_by=nurse)
    with pytest.raises(IntegrityError), transaction.atomic():
        DiaryEntry.objects.create(pathway=pathway, day=TODAY, nrs=3, relief_pct=150, entered_by=nurse)


def test_one_open_pathway_per_device(client, patient, nurse):
    scs_trial(patient, nurse)
    client.force_login(nurse)
    response = client.post(reverse("implants:start", args=[patient.pk]), {"device": "scs"}, follow=True)
    assert "James Patel already has an open SCS pathway." in response.content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():
        Pathway.objects.create(patient=patient, device="scs", opened_on=TODAY, opened_by=nurse)
    # A pump pathway beside it is another matter.
    response = client.post(reverse("implants:start", args=[patient.pk]), {"device": "pump"})
    assert response.status_code == 302
    assert Pathway.objects.filter(patient=patient, device="pump").exists()


def test_a_physician_records_the_decision_then_the_implant_with_serial_numbers(client, patient, physician):
    pathway = scs_trial(patient, physician, reliefs=(60, 70, 65))
    client.force_login(physician)
    decided = client.post(
        reverse("implants:step", args=[pathway.pk, "decision"]),
        {"decision": "proceed", "decided_on": TODAY, "note": "Walks further, sleeps better"},
        follow=True,
    )
    assert "Decision recorded: proceed to implant." in decided.content.decode()

    implanted = client.post(
        reverse("implants:step", args=[pathway.pk, "implant"]),
        {
            "implanted_on": TODAY,
            "manufacturer": "Abbott",
            "model": "Proclaim XR",
            "serial": "PXR-55123",
            "location": "Left upper buttock",
            "lead_type": "percutaneous",
            "lead_model": "Octrode",
            "lead_serials": "OCT-1001, OCT-1002",
            "lead_tip_level": "T8",
        },
        follow=True,
    )
    page = implanted.content.decode()
    assert "Implant recorded: Abbott Proclaim XR, serial PXR-55123." in page
    assert "OCT-1001, OCT-1002" in page
    implant = Implant.objects.get(pathway=pathway)
    assert (implant.unsupported_because, implant.override_reason) == ("", "")
    assert implant.history.count() == 1


def test_an_implant_without_a_successful_trial_warns_and_keeps_the_reason(client, patient, physician):
    pathway = scs_trial(patient, physician, reliefs=(30, 40, 35))
    services.pathway_decide(pathway=pathway, decision="proceed", on=TODAY, by=physician)
    client.force_login(physician)
    page = client.get(reverse("implants:pathway", args=[pathway.pk])).content.decode()
    assert "No successful trial." in page
    assert "35% mean relief over 3 diary days: below the 50% the rule asks" in page

    form = {
        "implanted_on": TODAY,
        "manufacturer": "Boston Scientific",
        "model": "WaveWriter Alpha",
        "serial": "WWA-1",
        "location": "Right flank",
        "lead_type": "paddle",
        "lead_serials": "CP-1",
    }
    refused = client.post(reverse("implants:step", args=[pathway.pk, "implant"]), form)
    assert refused.status_code == 400
    assert "Give the reason to implant anyway." in refused.content.decode()
    assert not Implant.objects.filter(pathway=pathway).exists()

    reason = "Relief held at 40% but opioid use halved; payer peer-to-peer approved"
    client.post(reverse("implants:step", args=[pathway.pk, "implant"]), form | {"override_reason": reason})
    implant = Implant.objects.get(pathway=pathway)
    assert implant.override_reason == reason
    assert implant.unsupported_because.startswith("The SCS trial is not shown successful: 35% mean relief")


def test_the_chart_shows_the_stage_and_what_is_missing(client, patient, nurse):
    pathway = scs_trial(patient, nurse, reliefs=(60, 70))
    services.diary_void(entry=pathway.diary.earliest("day"), reason="Wrong patient's card", by=nurse)
    client.force_login(nurse)
    page = client.get(patient.get_absolute_url()).content.decode()
    assert "Stimulator and pump" in page
    assert ">Trial</span>" in page
    assert "Trial diary: 1 of 3 days recorded." in page
    assert "Start intrathecal pump pathway" in page


def test_psych_clearance_not_documented_is_said_on_the_chart(client, patient, nurse):
    services.pathway_open(patient=patient, device="scs", by=nurse)
    client.force_login(nurse)
    assert "Psych clearance not documented." in client.get(patient.get_absolute_url()).content.decode()


def test_a_closed_pathway_takes_no_more_entries(client, patient, nurse):
    pathway = scs_trial(patient, nurse, reliefs=(20, 10, 15))
    client.force_login(nurse)
    refused = client.post(reverse("implants:step", args=[pathway.pk, "close"]), {"on": TODAY, "reason": ""})
    assert "This field is required." in refused.content.decode()
    client.post(reverse("implants:step", args=[pathway.pk, "close"]), {"on": TODAY, "reason": "Trial failed"})
    response = client.post(
        reverse("implants:step", args=[pathway.pk, "diary"]), {"day": TODAY, "nrs": 4, "relief_pct": 10}
    )
    assert response.status_code == 400
    assert f"This SCS pathway was closed on {TODAY:%Y-%m-%d}." in response.content.decode()
    # A new pathway may start after a closed one.
    assert services.pathway_open(patient=patient, device="scs", by=nurse).pk != pathway.pk


def test_trial_dates_cannot_leave_diary_days_outside(client, patient, nurse):
    pathway = scs_trial(patient, nurse, reliefs=(60, 70, 65))
    start = TODAY - 3 * DAY
    client.force_login(nurse)
    response = client.post(
        reverse("implants:step", args=[pathway.pk, "trial"]), {"start": start + DAY, "end": pathway.trial_end}
    )
    assert f"The diary has an entry for {start:%Y-%m-%d}, outside these dates." in (response.content.decode())


def test_a_nurse_may_not_record_the_decision_or_the_implant(client, patient, nurse):
    pathway = scs_trial(patient, nurse)
    client.force_login(nurse)
    for step in ("decision", "implant"):
        assert client.post(reverse("implants:step", args=[pathway.pk, step]), {}).status_code == 403
    page = client.get(reverse("implants:pathway", args=[pathway.pk])).content.decode()
    assert "Save the decision" not in page
    assert "Add the day" in page


def test_voiding_needs_a_reason_and_an_entry_of_this_pathway(client, patient, nurse):
    pathway = scs_trial(patient, nurse, reliefs=(60,))
    other = scs_trial(factories.patient(first_name="Ana", last_name="Ruiz"), nurse, reliefs=(50,))
    client.force_login(nurse)
    url = reverse("implants:step", args=[pathway.pk, "diary-void"])
    assert "This field is required." in client.post(url, {"entry": pathway.diary.get().pk}).content.decode()
    response = client.post(url, {"entry": other.diary.get().pk, "reason": "test"})
    assert "That entry is not on this pathway." in response.content.decode()
    assert not DiaryEntry.objects.filter(voided_at__isnull=False).exists()


def test_every_change_is_in_the_audit_history(patient, nurse):
    pathway = scs_trial(patient, nurse, reliefs=(60,))
    entry = pathway.diary.get()
    services.diary_void(entry=entry, reason="Duplicate", by=nurse)
    assert [h.history_type for h in entry.history.order_by("history_date")] == ["+", "~"]
    assert pathway.history.count() >= 4


def test_the_trial_rule_is_data(patient, physician):
    from implants.models import TrialRule

    pathway = scs_trial(patient, physician, reliefs=(60, 60, 60))
    services.pathway_decide(pathway=pathway, decision="proceed", on=TODAY, by=physician)
    pathway.refresh_from_db()
    assert services.implant_warning(pathway) is None
    TrialRule.objects.filter(device="scs").update(min_relief_pct=70, source="Clinic policy 2027")
    assert "below the 70% the rule asks (Clinic policy 2027)" in (services.implant_warning(pathway) or "")


def test_the_future_is_refused_for_every_date(patient, physician):
    pathway = services.pathway_open(patient=patient, device="scs", by=physician)
    tomorrow = TODAY + datetime.timedelta(days=1)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.pathway_evaluation(pathway=pathway, psych_on=tomorrow, cleared=True)


def test_logging_a_stimulator_implant_is_advised_from_the_pathway(patient, physician):
    from procedures.exposure import Injection
    from procedures.extensions import advice

    pathway = scs_trial(patient, physician, reliefs=(30, 40, 35))
    implant = Injection(id=None, on=TODAY, family="scs", intent="therapeutic")
    assert "Stimulator pathway: The SCS trial is not shown successful: 35% mean relief over 3 diary days" in " ".join(
        advice(patient, implant)
    )
    # The trial itself, and other procedures, are not the pathway's to advise on.
    trial = Injection(id=None, on=TODAY, family="scs", intent="diagnostic")
    assert not [line for line in advice(patient, trial) if line.startswith("Stimulator pathway")]
    services.pathway_close(pathway=pathway, on=TODAY, reason="Trial failed")
    assert not [line for line in advice(patient, implant) if line.startswith("Stimulator pathway")]
