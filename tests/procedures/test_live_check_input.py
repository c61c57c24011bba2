"""The live limit check never reads as clear while something it counts from is wrong or left out.

Doses are read as physicians type them ("7,5", "10 mg") where that can mean only one thing; anything else is
refused at the field and the panel says what to fix instead of "Within N limits".
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from procedures.models import Drug
from tests import factories

pytestmark = pytest.mark.django_db

CEILING = "Above the plausible ceiling for Triamcinolone acetonide: 80 mg per procedure."
UNCOUNTED = (
    "Kenalog-40 is not configured as a corticosteroid: its steroid cannot be counted toward the limits. "
    "Ask an administrator to set its class and MPE factor."
)


@pytest.fixture
def patient():
    return factories.patient(payer=factories.payer())


def drug(name: str) -> Drug:
    return Drug.objects.get(name=name)


def check(client, physician, patient, **changes):
    client.force_login(physician)
    return client.post(reverse("procedures:check"), factories.esi_entry(patient, physician, **changes))


def steroid_total(response) -> Decimal:
    [total] = [r for r in response.context["check"].relevant if r.rule.code == "steroid-200-12m"]
    return Decimal(total.value)


@pytest.mark.parametrize("dose", ["100", "120", "200"])
def test_triamcinolone_above_its_ceiling_is_not_checked_and_says_why(client, physician, patient, dose):
    triamcinolone = drug("Triamcinolone acetonide")
    response = check(client, physician, patient, **{"med-0-drug": triamcinolone.pk, "med-0-dose_mg": dose})
    html = response.content.decode()
    assert [str(p) for p in response.context["entry"].limit_problems()] == [f"Dose 1: {CEILING}"]
    assert response.context["check"] is None
    assert "Not checked: fix dose 1." in html
    assert f"Dose 1: {CEILING}" in html
    assert "Within" not in html
    assert "text-success" not in html


def test_a_dose_typed_with_mg_counts_like_the_number(client, physician, patient):
    typed = check(client, physician, patient, **{"med-0-dose_mg": "10 mg"})
    plain = check(client, physician, patient, **{"med-0-dose_mg": "10"})
    assert typed.context["entry"].limit_problems() == []
    assert steroid_total(typed) == steroid_total(plain) == drug("Dexamethasone sodium phosphate").mpe(Decimal(10))
    assert "Within" in typed.content.decode()


@pytest.mark.parametrize("typed", ["10mg", "10 MG", "7,5 mg"])
def test_a_trailing_mg_in_any_case_is_accepted(client, physician, patient, typed):
    assert check(client, physician, patient, **{"med-0-dose_mg": typed}).context["entry"].limit_problems() == []


def test_a_decimal_comma_is_read_as_a_decimal_point_and_counted(client, physician, patient):
    response = check(client, physician, patient, **{"med-0-dose_mg": "7,5"})
    assert response.context["entry"].medication_inputs()[0].dose_mg == Decimal("7.5")
    assert steroid_total(response) == drug("Dexamethasone sodium phosphate").mpe(Decimal("7.5"))
    assert "Not checked" not in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "1,000",
            "“1,000” can be read two ways: enter the dose with a dot for decimals and no thousands separator, "
            "e.g. 1000 or 7.5.",
        ),
        ("10 ml", "The dose is in mg, not ml: convert it and enter the number, e.g. 40 or 7.5."),
        ("7.5.1", "Enter the dose in mg as a number, e.g. 40 or 7.5."),
    ],
    ids=["thousands-or-decimal", "another-unit", "two-dots"],
)
def test_an_ambiguous_dose_is_refused_at_the_field_and_not_checked(client, physician, patient, typed, message):
    response = check(client, physician, patient, **{"med-0-dose_mg": typed})
    entry = response.context["entry"]
    assert entry.medication_forms[0].errors == {"dose_mg": [message]}
    assert [str(p) for p in entry.limit_problems()] == [f"Dose 1: {message}"]
    html = response.content.decode()
    assert "Not checked: fix dose 1." in html
    assert "Within" not in html


def test_a_half_filled_site_row_is_not_checked(client, physician, patient):
    response = check(client, physician, patient, **{"site-1-side": ""})
    assert [str(p) for p in response.context["entry"].limit_problems()] == ["Side 2: Choose the side."]
    assert "Not checked: fix side 2." in response.content.decode()


def test_the_page_after_a_refused_save_is_not_green_either(client, physician, patient):
    client.force_login(physician)
    data = factories.esi_entry(
        patient, physician, **{"med-0-drug": drug("Triamcinolone acetonide").pk, "med-0-dose_mg": "120"}
    )
    response = client.post(f"{reverse('procedures:new')}?patient={patient.pk}", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not checked: fix dose 1." in html
    assert "Within" not in html


def test_the_dose_input_takes_text_so_the_browser_keeps_a_decimal_comma(client, physician, patient):
    client.force_login(physician)
    response = client.get(f"{reverse('procedures:new')}?patient={patient.pk}")
    dose = response.context["entry"].medication_forms[0]["dose_mg"]
    assert dose.field.widget.input_type == "text"
    assert 'inputmode="decimal"' in str(dose)


def test_a_steroid_configured_as_another_class_is_warned_as_uncounted(client, physician, patient):
    kenalog = Drug.objects.create(name="Kenalog-40", drug_class=Drug.DrugClass.OTHER)
    response = check(client, physician, patient, **{"med-1-drug": kenalog.pk, "med-1-dose_mg": "40"})
    assert response.context["entry"].uncounted_steroid_warnings() == [UNCOUNTED]
    assert UNCOUNTED in response.content.decode()


def test_a_correctly_configured_steroid_is_not_warned_as_uncounted(client, physician, patient):
    response = check(client, physician, patient)
    assert "is not configured as a corticosteroid" not in response.content.decode()


def test_the_check_counts_every_row_the_saved_entry_would_read_and_no_other(client, physician, patient):
    """The check builds only the rows posted: a dose in the last row, after empty ones, still counts, and a row
    past those the entry screen has is ignored by the check as by the save."""
    dexamethasone = drug("Dexamethasone sodium phosphate")
    first_row = check(client, physician, patient)
    last_row = check(
        client,
        physician,
        patient,
        **{"med-0-drug": "", "med-0-dose_mg": "", "med-2-drug": dexamethasone.pk, "med-2-dose_mg": "10"},
    )
    beyond = check(client, physician, patient, **{"med-2-drug": dexamethasone.pk, "med-2-dose_mg": "10"})
    # Rows past the screen's three are not part of the entry.
    past = check(client, physician, patient, **{"med-3-drug": dexamethasone.pk, "med-3-dose_mg": "10"})
    assert steroid_total(first_row) == dexamethasone.mpe(Decimal(10))
    assert steroid_total(last_row) == dexamethasone.mpe(Decimal(10))
    assert steroid_total(beyond) == 2 * dexamethasone.mpe(Decimal(10))
    assert steroid_total(past) == steroid_total(first_row)
