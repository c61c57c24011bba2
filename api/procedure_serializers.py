"""The procedure record as the API shows it and takes it, and the procedure entry built from what it takes.

What a client sends has the shape of what it reads (a correction may send back what it read, changed), and is read
by the entry form itself (`procedures.forms.ProcedureEntry`): the serializers check the JSON's types, the form
every rule of the entry screen.
"""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.forms import form_data, form_errors, refuse
from clinic.staff import staff_name
from patients.models import Patient
from procedures import spine
from procedures.forms import ProcedureEntry, ProcedureForm
from procedures.models import (
    Approach,
    Complication,
    Drug,
    Guidance,
    Intent,
    Procedure,
    ProcedureMedication,
    ProcedureSite,
    ProcedureType,
    Sedation,
    Side,
)

SITE_PREFIX = "site:"


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class Reference(serializers.Field):  # type: ignore[type-arg]
    """A catalog entry by its id or by its `key` (a procedure type's code, a drug's name): answers the id."""

    def __init__(self, queryset: "QuerySet[Any]", key: str, **kwargs: Any) -> None:
        self.queryset, self.key = queryset, key
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int | str) or (isinstance(data, str) and not data.strip()):
            raise serializers.ValidationError(f"An id or a {self.key}.")
        if isinstance(data, int):
            found: Model | None = self.queryset.filter(pk=data).first() if abs(data) < 2**31 else None
        elif "\x00" in data:
            # No entry's name holds one, and PostgreSQL refuses it in a query outright.
            found = None
        else:
            found = self.queryset.filter(**{f"{self.key}__iexact": data.strip()}).first()
        if found is None:
            raise serializers.ValidationError(f"No such entry: {data}.")
        return int(found.pk)

    def to_representation(self, value: Any) -> Any:
        return value


class SiteSerializer(serializers.Serializer[Any]):
    place = serializers.CharField(help_text="A spinal level (L4-L5, L5, C5-C6, …) or a named site (knee, hip, …).")
    side = serializers.ChoiceField(choices=Side.choices)


class MedicationSerializer(serializers.Serializer[Any]):
    drug = Reference(Drug.objects.all(), "name", help_text="The drug's id or its name.")
    dose_mg = serializers.CharField(help_text='The dose in mg, e.g. "80" or "7.5".')
    volume_ml = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)


class SiteOut(serializers.ModelSerializer[ProcedureSite]):
    place = serializers.CharField(read_only=True)

    class Meta:
        model = ProcedureSite
        fields = ["place", "side"]


class MedicationOut(serializers.ModelSerializer[ProcedureMedication]):
    drug_name = serializers.CharField(source="drug.name", read_only=True)
    mpe_mg = serializers.DecimalField(
        source="mpe", max_digits=12, decimal_places=3, read_only=True, help_text="Methylprednisolone-equivalent mg."
    )

    class Meta:
        model = ProcedureMedication
        fields = ["drug", "drug_name", "dose_mg", "volume_ml", "mpe_mg"]


class ProcedureSerializer(serializers.ModelSerializer[Procedure]):
    """A procedure record with its sites and medications."""

    procedure_type: "serializers.SlugRelatedField[ProcedureType]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    procedure_type_name = serializers.CharField(source="procedure_type.name", read_only=True)
    performed_by_name = serializers.SerializerMethodField()
    complications = serializers.SerializerMethodField()
    overridden_rules = serializers.SerializerMethodField()
    sites = SiteOut(many=True, read_only=True)
    medications = MedicationOut(many=True, read_only=True)
    voided = serializers.BooleanField(source="is_voided", read_only=True)

    class Meta:
        model = Procedure
        # The entry form's fields (one list of what a record says), with who, what and the record's state.
        fields = [
            "id",
            "patient",
            *ProcedureForm.Meta.fields,
            "performed_by_name",
            "recorded_by",
            "procedure_type_name",
            "sites",
            "medications",
            "overridden_rules",
            "override_reason",
            "voided",
            "voided_at",
            "void_reason",
            "created_at",
            "version",
        ]
        read_only_fields = fields

    def get_performed_by_name(self, procedure: Procedure) -> str:
        return staff_name(procedure.performed_by)

    def get_complications(self, procedure: Procedure) -> list[str]:
        return [code for code in procedure.complications.split(",") if code]

    def get_overridden_rules(self, procedure: Procedure) -> list[str]:
        """The codes of the hard limits the record was saved past, with `override_reason`."""
        return [code for code in procedure.overridden_rules.split(",") if code]


def _choices(choices: list[tuple[str, str]], **kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, **kwargs)


class ProposalSerializer(serializers.Serializer[Any]):
    """What the limits are counted from: the procedure, its date, its sites and its drugs."""

    procedure_type = Reference(ProcedureType.objects.all(), "code", help_text="The procedure type's id or code.")
    intent = _choices(Intent.choices, required=False, allow_blank=True, help_text="Blank: the type's usual.")
    approach = _choices(
        [c for c in Approach.choices if c[0]], required=False, allow_blank=True, help_text="Blank: the type's usual."
    )
    sites = SiteSerializer(many=True, required=False)
    medications = MedicationSerializer(many=True, required=False)


class ProcedureInput(ProposalSerializer):
    """A procedure as logged or corrected. `performed_by` defaults, as on the entry form, to the physician logging."""

    performed_at = serializers.DateTimeField()
    performed_by = serializers.IntegerField(required=False, help_text="The performing physician's user id.")
    guidance = _choices(Guidance.choices, required=False)
    fluoro_time_s = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True)
    air_kerma_mgy = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    dap_gycm2 = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    contrast_agent = Reference(
        Drug.objects.filter(drug_class=Drug.DrugClass.CONTRAST), "name", required=False, allow_null=True
    )
    contrast_volume_ml = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)
    no_contrast_reason = serializers.CharField(required=False, allow_blank=True)
    sedation = _choices(Sedation.choices, required=False)
    consent_obtained = serializers.BooleanField(required=False)
    time_out_done = serializers.BooleanField(required=False)
    nrs_pre = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10)
    nrs_post = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10)
    relief_post_pct = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    complications = serializers.ListField(child=_choices(Complication.choices), required=False)
    complication_note = serializers.CharField(required=False, allow_blank=True)
    diagnoses = serializers.CharField(required=False, allow_blank=True, help_text="ICD-10 codes, e.g. M54.16, M51.16")
    note = serializers.CharField(required=False, allow_blank=True)
    override_reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Needed only when the procedure passes a hard limit."
    )


class ProcedureLog(ProcedureInput):
    patient = serializers.IntegerField(min_value=1)
    form_token = serializers.UUIDField(
        required=False, allow_null=True, help_text="Any UUID (or an Idempotency-Key header): sent again, logs once."
    )


class ProcedureCorrection(ProcedureInput):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version corrected; or send its ETag as If-Match."
    )


class VoidSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        allow_blank=True, help_text="Why the record is void, e.g. 'entered for the wrong patient'."
    )


def current_values(procedure: Procedure) -> dict[str, Any]:
    """A record as a correction sends it: what it reads, in the input's names."""
    shown = ProcedureSerializer(procedure).data
    return {name: shown[name] for name in list(ProcedureInput().fields) if name in shown}


def _place(place: str) -> str:
    """A site as the entry form's choice names it: a level as itself, a named site as `site:<key>`."""
    return place if place in spine.LEVEL_ORDER or place.startswith(SITE_PREFIX) else f"{SITE_PREFIX}{place}"


def entry(
    values: dict[str, Any],
    *,
    patient: Patient,
    user: User,
    instance: Procedure | None = None,
    checking: bool = False,
) -> ProcedureEntry:
    """The entry form, filled with `values` (an input serializer's, or a correction's merged with the record's)."""
    values = dict(values)
    sites = [{"place": _place(site["place"]), "side": site["side"]} for site in values.pop("sites", [])]
    medications = [
        {"drug": m["drug"], "dose_mg": m["dose_mg"], "volume_ml": m.get("volume_ml")}
        for m in values.pop("medications", [])
    ]
    data = form_data(values, rows={"site": sites, "med": medications})
    found = ProcedureEntry(data, patient=patient, user=user, instance=instance, checking=checking)
    # The entry screen has a fixed number of rows; a row it cannot show would be dropped, never silently.
    for name, rows, posted in (
        ("sites", found.site_forms, sites),
        ("medications", found.medication_forms, medications),
    ):
        if len(posted) > len(rows):
            raise refuse({name: [f"At most {len(rows)}, as on the entry screen."]})
    return found


def entry_errors(found: ProcedureEntry) -> dict[str, list[str]]:
    """Every error of the entry, after `is_valid()`, by the API's names (`sites.0.side`, `medications.1.dose_mg`)."""
    errors = form_errors(found.form)
    for number, site in enumerate(found.site_forms):
        errors |= form_errors(site, f"sites.{number}.")
    if found.site_error:
        errors.setdefault("sites", []).append(found.site_error)
    for number, medication in enumerate(found.medication_forms):
        errors |= form_errors(medication, f"medications.{number}.")
    return errors


def valid_entry(found: ProcedureEntry) -> ProcedureEntry:
    if not found.is_valid():
        raise refuse(entry_errors(found))
    return found
