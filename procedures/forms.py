"""Procedure entry: the record's form plus its sites and medications, validated together."""

import datetime
import re
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone

from clinic import validators
from clinic.concurrency import OnceToken, OpenedVersion
from clinic.forms import KeptChoiceField, ReasonField
from clinic.roles import Role, has_role
from clinic.staff import PhysicianChoiceField
from patients.models import Patient
from procedures import exposure, limits, spine
from procedures.models import CATALOG_STAMP, Approach, Complication, Drug, Intent, Procedure, ProcedureType, Side
from procedures.services import MedicationInput, RecordFields, SiteInput

ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$")
SITE_ROWS = 4
MEDICATION_ROWS = 3
# The checks before an injection that the printed note names; a box left unticked prints "not documented".
ROOM_CHECKS = {"consent_obtained": "Consent", "time_out_done": "Time-out"}


class FixedChoiceField(forms.ChoiceField):
    """A choice field whose choices are the same for every form: each form's copy of the field shares them.

    Django deep-copies every field for every form, choices included; the spinal levels copied for four site rows
    were most of the cost of building the entry form, which the live check builds on every keystroke.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> "FixedChoiceField":
        # Field's copy (widget, messages, validators) without ChoiceField's deep copy of the choices.
        result: FixedChoiceField = forms.Field.__deepcopy__(self, memo)  # type: ignore[attr-defined]
        return result


class ProcedureForm(forms.ModelForm[Procedure], OpenedVersion, OnceToken):
    performed_by = PhysicianChoiceField(label="Performing physician")
    procedure_type = KeptChoiceField(
        ProcedureType.objects.active(), stamp=CATALOG_STAMP, copy="active procedure types", label="Procedure"
    )
    intent = forms.ChoiceField(
        choices=[("", "Usual for the procedure"), *Intent.choices], required=False, label="Intent"
    )
    approach = forms.ChoiceField(
        choices=[("", "Usual for the procedure"), *[c for c in Approach.choices if c[0]]],
        required=False,
        label="Approach",
    )
    complications = forms.MultipleChoiceField(
        choices=Complication.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Complications"
    )
    undocumented_ok = forms.BooleanField(
        required=False,
        label="Save without them: consent or time-out not documented",
        help_text="The procedure note then prints “not documented” for each box left unticked.",
    )
    override_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Override reason",
        help_text="Needed only when this procedure passes a hard limit; recorded in the audit history.",
    )

    class Meta:
        model = Procedure
        fields = [
            "performed_at",
            "performed_by",
            "procedure_type",
            "intent",
            "approach",
            "guidance",
            "fluoro_time_s",
            "air_kerma_mgy",
            "dap_gycm2",
            "contrast_agent",
            "contrast_volume_ml",
            "no_contrast_reason",
            "sedation",
            "consent_obtained",
            "time_out_done",
            "nrs_pre",
            "nrs_post",
            "relief_post_pct",
            "complications",
            "complication_note",
            "diagnoses",
            "note",
        ]
        widgets = {
            "performed_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "note": forms.Textarea(attrs={"rows": 2}),
            "diagnoses": forms.TextInput(attrs={"list": "icd10-common", "autocomplete": "off"}),
        }

    def __init__(
        self,
        *args: Any,
        user: User,
        patient: Patient | None = None,
        checking: bool = False,
        confirm_room_checks: bool = False,
        **kwargs: Any,
    ) -> None:
        """`confirm_room_checks`: the entry screen asks before saving with consent or time-out unticked; callers
        that cannot be asked (the API, the import) record what they send."""
        super().__init__(*args, **kwargs)
        self.checking = checking
        self.confirm_room_checks = confirm_room_checks
        self.unticked: list[str] = []
        self.patient = patient
        for field in self.fields.values():
            if validators.typed_text(field):
                field.validators.append(validators.validate_plain_text)
        self.fields["contrast_agent"].queryset = Drug.objects.filter(  # type: ignore[attr-defined]
            drug_class=Drug.DrugClass.CONTRAST, active=True
        )
        self.fields["contrast_agent"].empty_label = "None"  # type: ignore[attr-defined]
        for name in ("nrs_pre", "nrs_post", "relief_post_pct"):
            self.fields[name].widget.attrs.update({"min": 0, "inputmode": "numeric"})
        # A correction carries the version it was opened at; a new entry, its one-time token.
        del self.fields["form_token" if self.instance.pk else "version"]
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("performed_at", timezone.localtime().replace(second=0, microsecond=0))
            if has_role(user, Role.PHYSICIAN):
                self.initial.setdefault("performed_by", user.pk)
        else:
            self.initial.setdefault("version", self.instance.version)
            self.initial["complications"] = [c for c in self.instance.complications.split(",") if c]
            self.initial["override_reason"] = self.instance.override_reason

    def _post_clean(self) -> None:
        """Model validation, except for the live check (`checking`), which reads the entry and saves nothing.

        Model validation asks the database one `SELECT 1` per check constraint and one per foreign key: nine
        queries on every keystroke the live check answers. It adds nothing the check reads: the fields the limits
        count from are validated by their form fields, and the record's own constraints (pain 0–10, doses and
        volumes positive, …) are still validated, with their messages, when the entry is saved.
        """
        if not self.checking:
            super()._post_clean()  # type: ignore[misc]  # Django's model-validation hook; django-stubs omit it

    def clean_performed_at(self) -> datetime.datetime:
        performed_at: datetime.datetime = self.cleaned_data["performed_at"]
        validators.validate_performed_at(performed_at, self.patient.date_of_birth if self.patient else None)
        return performed_at

    def clean_complications(self) -> str:
        return ",".join(self.cleaned_data["complications"])

    def clean_diagnoses(self) -> str:
        codes = [c.strip().upper() for c in re.split(r"[,;\s]+", self.cleaned_data["diagnoses"]) if c.strip()]
        bad = [c for c in codes if not ICD10.match(c)]
        if bad:
            raise forms.ValidationError(f"Not an ICD-10 code: {', '.join(bad)}. Use codes like M54.16.")
        return ", ".join(codes)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("guidance") != "fluoroscopy":
            for name in ("fluoro_time_s", "air_kerma_mgy", "dap_gycm2"):
                if cleaned.get(name) is not None:
                    self.add_error(name, "Only with fluoroscopy guidance.")
        agent, volume = cleaned.get("contrast_agent"), cleaned.get("contrast_volume_ml")
        if agent and volume is None:
            self.add_error("contrast_volume_ml", "Enter the contrast volume in mL.")
        if volume is not None and not agent:
            self.add_error("contrast_agent", "Choose the contrast agent.")
        self._ask_about_room_checks(cleaned)
        return cleaned

    def _ask_about_room_checks(self, cleaned: dict[str, Any]) -> None:
        """A box left unticked holds the first save back with a word beside it, until the physician ticks it or
        confirms that it was not documented. A correction asks only about a box it unticks."""
        if not self.confirm_room_checks or self.checking:
            return
        self.unticked = [
            name
            for name in ROOM_CHECKS
            if not cleaned.get(name) and (self.instance.pk is None or getattr(self.instance, name))
        ]
        if self.unticked and not cleaned.get("undocumented_ok"):
            for name in self.unticked:
                self.add_error(
                    name,
                    f"Not ticked: the note will print “{ROOM_CHECKS[name]}: not documented”. "
                    "Tick it, or confirm below to save without it.",
                )

    @property
    def asks_about_room_checks(self) -> bool:
        """Whether the screen shows the confirmation: once a save was held back for an unticked box."""
        return bool(self.unticked)


class VoidForm(forms.Form):
    reason = ReasonField(
        max_length=Procedure._meta.get_field("void_reason").max_length,
        label="Reason for voiding",
        error_messages={"required": "Say why this record is void."},
    )


class SiteForm(forms.Form):
    place = FixedChoiceField(choices=[("", "—"), *spine.level_choices()], required=False, label="Level or site")
    side = FixedChoiceField(choices=[("", "—"), *Side.choices], required=False, label="Side")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        number = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1
        self.fields["place"].label = f"Level or site {number}"
        self.fields["side"].label = f"Side {number}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("place") and not cleaned.get("side"):
            self.add_error("side", "Choose the side.")
        if cleaned.get("side") and not cleaned.get("place"):
            self.add_error("place", "Choose the level or site.")
        return cleaned

    def site(self) -> SiteInput | None:
        place = self.cleaned_data.get("place", "")
        if not place or not self.cleaned_data.get("side"):
            return None
        return SiteInput(place.removeprefix("site:"), self.cleaned_data["side"])


class DoseField(forms.DecimalField):
    """A dose in mg as typed in the procedure room.

    Two spellings that can be read only one way are accepted: a single decimal comma with no dot ("7,5" is
    7.5) and a trailing "mg" ("10 mg", "10MG"). Anything that could mean two things ("1,000": a thousand, or
    one?) or names another unit ("10 ml") is refused with a message, never guessed. The input is text, not
    type=number: a number input drops "7,5" or "10 mg" in the browser and sends nothing, which read as no dose.
    """

    widget = forms.TextInput
    default_error_messages = {"invalid": "Enter the dose in mg as a number, e.g. 40 or 7.5."}
    NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
    UNIT = re.compile(r"^(?P<number>[+-]?[\d.,]*\d[\d.,]*)\s*(?P<unit>[^\W\d_]+)$")

    # The stubs type IntegerField.to_python as int and ignore DecimalField's override the same way.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str) and value.strip():
            value = self._plain_number(value.strip())
        return super().to_python(value)

    def _plain_number(self, typed: str) -> str:
        text = typed
        if unit := self.UNIT.match(text):
            if unit["unit"].casefold() != "mg":
                raise forms.ValidationError(
                    f"The dose is in mg, not {unit['unit']}: convert it and enter the number, e.g. 40 or 7.5.",
                    code="unit",
                )
            text = unit["number"]
        if "," in text:
            whole, _, decimals = text.partition(",")
            if "." in text or "," in decimals or len(decimals) == 3:
                # "1,000" reads as a thousand in the US and as one in much of Europe.
                raise forms.ValidationError(
                    f"“{typed}” can be read two ways: enter the dose with a dot for decimals and no "
                    "thousands separator, e.g. 1000 or 7.5.",
                    code="ambiguous",
                )
            text = f"{whole}.{decimals}"
        if not self.NUMBER.match(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return text


class MedicationForm(forms.Form):
    drug = KeptChoiceField(
        Drug.objects.filter(active=True).exclude(drug_class=Drug.DrugClass.CONTRAST),
        stamp=CATALOG_STAMP,
        copy="active drugs but contrast",
        required=False,
        label="Drug",
    )
    dose_mg = DoseField(required=False, max_digits=7, decimal_places=2, label="Dose (mg)")
    volume_ml = forms.DecimalField(required=False, max_digits=5, decimal_places=1, min_value=0.1, label="Volume (mL)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        number = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1
        for name, label in (("drug", "Drug"), ("dose_mg", "Dose (mg)"), ("volume_ml", "Volume (mL)")):
            self.fields[name].label = f"{label} {number}"
        self.fields["dose_mg"].widget.attrs.update(
            {"inputmode": "decimal", "autocomplete": "off", "class": "dose-input"}
        )
        self.fields["volume_ml"].widget.attrs.update({"step": "any", "inputmode": "decimal"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        drug: Drug | None = cleaned.get("drug")
        dose: Decimal | None = cleaned.get("dose_mg")
        if drug and dose is None and "dose_mg" not in self.errors:
            self.add_error("dose_mg", "Enter the dose in mg.")
        if dose is not None:
            if not drug:
                self.add_error("drug", "Choose the drug.")
            if dose <= 0:
                self.add_error("dose_mg", "The dose must be more than 0 mg.")
            elif drug and drug.max_dose_mg is not None and dose > drug.max_dose_mg:
                self.add_error(
                    "dose_mg",
                    f"Above the plausible ceiling for {drug.name}: {drug.max_dose_mg.normalize():f} mg per procedure.",
                )
        return cleaned

    def medication(self) -> MedicationInput | None:
        drug, dose = self.cleaned_data.get("drug"), self.cleaned_data.get("dose_mg")
        if not drug or dose is None or dose <= 0:
            return None
        return MedicationInput(drug, dose, self.cleaned_data.get("volume_ml"))


@dataclass(frozen=True)
class EntryProblem:
    """An error in something the limits are counted from, named as the entry screen labels it."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


# The record's fields the limits are counted from; the sites and medications count too.
LIMIT_FIELDS = ("performed_at", "procedure_type", "intent", "approach")


def _problems(form: forms.BaseForm, names: Collection[str], row: str) -> list[EntryProblem]:
    """One problem per field in `names` with an error; a row's own errors are named by `row`."""
    found = []
    for name, errors in form.errors.items():
        if name not in names:
            continue
        label = row if name == NON_FIELD_ERRORS else str(form.fields[name].label)
        # "Dose 1", not "Dose (mg) 1": the message says the unit when it matters.
        found.append(EntryProblem(re.sub(r"\s*\([^)]*\)", "", label), " ".join(str(e) for e in errors)))
    return found


def _rows_posted(data: Any, prefix: str) -> int:
    """How many rows named `prefix`-0, `prefix`-1, … the posted data holds: its highest row number, plus one."""
    numbers = [int(found[1]) for key in data or () if (found := re.match(rf"{prefix}-(\d{{1,4}})-", key))]
    return max(numbers, default=-1) + 1


class ProcedureEntry:
    """The whole entry screen: record, sites and medications, read and checked as one."""

    def __init__(
        self,
        data: Any,
        *,
        patient: Patient,
        user: User,
        instance: Procedure | None = None,
        initial: dict[str, Any] | None = None,
        initial_sites: list[dict[str, str]] | None = None,
        checking: bool = False,
        confirm_room_checks: bool = False,
    ) -> None:
        """`checking`: for the live limit check, which saves nothing (see `ProcedureForm._post_clean`);
        `confirm_room_checks`: the entry screen's confirmation of unticked consent or time-out (`ProcedureForm`)."""
        self.patient = patient
        self.instance = instance
        self.form = ProcedureForm(
            data,
            instance=instance,
            user=user,
            patient=patient,
            initial=initial,
            checking=checking,
            confirm_room_checks=confirm_room_checks,
        )
        site_initial, med_initial = self._initial_parts(instance)
        site_initial = site_initial or initial_sites or []
        site_rows = max(SITE_ROWS, len(site_initial) + 1)
        medication_rows = max(MEDICATION_ROWS, len(med_initial) + 1)
        if checking:
            # The check renders no rows and a row not posted is empty: build only the rows posted, of those the
            # saved entry reads (the check runs on every keystroke, and each row's form deep-copies its fields).
            site_rows = min(site_rows, _rows_posted(data, "site"))
            medication_rows = min(medication_rows, _rows_posted(data, "med"))
        self.site_forms = [
            SiteForm(data, prefix=f"site-{i}", initial=site_initial[i] if i < len(site_initial) else None)
            for i in range(site_rows)
        ]
        self.medication_forms = [
            MedicationForm(data, prefix=f"med-{i}", initial=med_initial[i] if i < len(med_initial) else None)
            for i in range(medication_rows)
        ]
        self.site_error = ""

    @staticmethod
    def _initial_parts(instance: Procedure | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        if instance is None or instance.pk is None:
            return [], []
        sites = [
            {"place": s.level or f"site:{s.named_site}", "side": s.side} for s in instance.sites.order_by("position")
        ]
        meds = [
            {"drug": m.drug_id, "dose_mg": m.dose_mg, "volume_ml": m.volume_ml}
            for m in instance.medications.order_by("pk")
        ]
        return sites, meds

    def is_valid(self) -> bool:
        valid = all([self.form.is_valid(), *(f.is_valid() for f in self.site_forms)])
        valid = all([valid, *(f.is_valid() for f in self.medication_forms)])
        sites = self.site_inputs()
        places = [s.place for s in sites]
        procedure_type = self.form.cleaned_data.get("procedure_type")
        if len(places) != len(set(places)):
            self.site_error = "Each level or site once: use the side for left, right or bilateral."
        elif procedure_type and procedure_type.spinal_level_required and not any(s.is_level for s in sites):
            self.site_error = f"{procedure_type.name} needs at least one spinal level."
        elif procedure_type and not sites:
            self.site_error = "Enter where the procedure was done."
        return valid and not self.site_error

    def site_inputs(self) -> list[SiteInput]:
        return [site for f in self.site_forms if f.is_valid() and (site := f.site())]

    def medication_inputs(self) -> list[MedicationInput]:
        return [med for f in self.medication_forms if f.is_valid() and (med := f.medication())]

    def record_fields(self) -> RecordFields:
        # The form's fields are the record's (a test holds the two lists equal), cleaned to the model's types.
        fields = cast(RecordFields, {name: self.form.cleaned_data[name] for name in ProcedureForm.Meta.fields})
        fields["intent"] = fields["intent"] or ""
        return fields

    @property
    def override_reason(self) -> str:
        return str(self.form.cleaned_data.get("override_reason", ""))

    def proposal(self) -> exposure.Injection | None:
        """What has been entered so far, as the engine sees it; None until the type and date are known."""
        cleaned = self.form.cleaned_data if hasattr(self.form, "cleaned_data") else {}
        procedure_type: ProcedureType | None = cleaned.get("procedure_type")
        performed_at: datetime.datetime | None = cleaned.get("performed_at")
        if procedure_type is None or performed_at is None:
            return None
        return limits.proposed_injection(
            procedure_type=procedure_type,
            performed_on=timezone.localdate(performed_at),
            intent=cleaned.get("intent") or "",
            approach=cleaned.get("approach") or "",
            sites=[(s.place, s.side) for s in self.site_inputs()],
            doses=[(m.drug, m.dose_mg) for m in self.medication_inputs()],
            procedure_id=self.instance.pk if self.instance else None,
        )

    def limit_problems(self) -> list[EntryProblem]:
        """What must be corrected before the limits can be checked, after is_valid().

        An invalid date, type, intent, approach, site or medication row is left out of the proposal, so a
        check run without it can read as within limits when it is not: the panel shows these instead.
        """
        problems = _problems(self.form, LIMIT_FIELDS, "Procedure")
        for number, site in enumerate(self.site_forms, start=1):
            problems += _problems(site, {*site.fields, NON_FIELD_ERRORS}, f"Site {number}")
        if self.site_error:
            problems.append(EntryProblem("Levels and sides", self.site_error))
        for number, medication in enumerate(self.medication_forms, start=1):
            problems += _problems(medication, {*medication.fields, NON_FIELD_ERRORS}, f"Medication {number}")
        return problems

    def uncounted_steroid_warnings(self) -> list[str]:
        """Drugs chosen that are named like a corticosteroid but not configured as one count as 0 mg MPE."""
        chosen = [f.cleaned_data.get("drug") for f in self.medication_forms if hasattr(f, "cleaned_data")]
        drugs = dict.fromkeys(drug for drug in chosen if drug is not None and drug.uncounted_steroid)
        return [
            f"{drug.name} is not configured as a corticosteroid: its steroid cannot be counted toward the limits. "
            "Ask an administrator to set its class and MPE factor."
            for drug in drugs
        ]

    def particulate_warning(self) -> str:
        """Transforaminal injections should use a non-particulate steroid (Rathmell et al. 2015)."""
        cleaned = self.form.cleaned_data if hasattr(self.form, "cleaned_data") else {}
        procedure_type: ProcedureType | None = cleaned.get("procedure_type")
        approach = cleaned.get("approach") or (procedure_type.approach if procedure_type else "")
        particulate = [m.drug.name for m in self.medication_inputs() if m.drug.particulate]
        if approach == Approach.TRANSFORAMINAL and particulate:
            return (
                f"{', '.join(particulate)} is particulate: for a transforaminal injection a non-particulate "
                "steroid (dexamethasone) is preferred (Rathmell et al., Anesthesiology 2015)."
            )
        return ""
