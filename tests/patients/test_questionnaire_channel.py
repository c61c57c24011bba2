"""How a patient answers follow-up questionnaires: a call unless they consented to links, sent where the chart says."""

import pytest
from django.urls import reverse

from patients.models import Patient

pytestmark = pytest.mark.django_db

VALID = {
    "first_name": "Inés",
    "last_name": "Ortega",
    "date_of_birth": "1966-03-09",
    "sex": "F",
    "phone": "(555) 201-3344",
}


def register(client, user, **changes):
    client.force_login(user)
    return client.post(reverse("patients:new"), VALID | changes)


def test_a_new_patient_is_called_unless_the_desk_records_another_choice(client, frontdesk):
    register(client, frontdesk)

    assert Patient.objects.get().questionnaire_channel == "call"


def test_the_desk_records_a_consented_text_message_channel_and_the_chart_shows_it(client, frontdesk):
    response = register(client, frontdesk, questionnaire_channel="sms", questionnaire_consent="on")

    patient = Patient.objects.get()
    assert (patient.questionnaire_channel, patient.questionnaire_consent) == ("sms", True)
    chart = client.get(response.url).content.decode()
    assert "Text message link" in chart
    assert "(consented)" in chart


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"questionnaire_channel": "email", "email": "ines@example.org"}, "questionnaire_consent", "consent"),
        ({"questionnaire_channel": "email", "questionnaire_consent": "on"}, "email", "Add the email address"),
        (
            {"questionnaire_channel": "sms", "questionnaire_consent": "on", "phone": ""},
            "phone",
            "Add the mobile number",
        ),
        ({"questionnaire_channel": "fax"}, "questionnaire_channel", "Select a valid choice"),
    ],
)
def test_a_link_channel_without_consent_or_an_address_is_refused_beside_the_field(
    client, frontdesk, changes, field, message
):
    response = register(client, frontdesk, **changes)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Patient.objects.count() == 0
