"""What the care endpoints read and write: appointments, follow-up calls and the dashboard's outcome tables.

Reads are plain serializers over the models, with a small summary of each record a visit or a call points at
(the patient's id, name and MRN; a member of staff's id and name) so a client shows a list without a second call.
Writes are typed here for the schema and checked again, field for field, by the very forms the pages post
(`scheduling.forms`, `outcomes.forms`), so the API refuses exactly what a page refuses, with the page's message.
"""

import datetime
from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.filters import MAX_ID
from clinic.staff import staff_name
from outcomes.forms import MAX_RELIEF_DAYS
from outcomes.models import PGIC, FollowUp, Method
from outcomes.questionnaires import QUESTIONNAIRES, for_levels
from outcomes.scoring import MAX_PER_SECTION, SECTIONS
from procedures.models import Side
from scheduling.models import MAX_VISIT_MINUTES, Appointment, Status, VisitType

# The statuses a visit is moved to by `POST …/status/`; cancelling asks why, at `…/cancel/`.
STATUS_STEPS = [(value, label) for value, label in Status.choices if value != Status.CANCELLED]


class PatientSummary(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="full_name", read_only=True)
    mrn = serializers.CharField(read_only=True)


class StaffSummary(serializers.Serializer[User]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user: User) -> str:
        return staff_name(user)


class RoomSummary(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProcedureTypeSummary(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class LimitSnapshot(serializers.Serializer[Appointment]):
    """The limit check kept at booking (the schedule's badge), not run again on a read."""

    would_pass = serializers.BooleanField(
        source="passes_limit", read_only=True, help_text="Would pass a hard limit and still holds its slot."
    )
    summary = serializers.CharField(source="limit_summary", read_only=True)
    clears_on = serializers.DateField(source="limit_clears_on", read_only=True, allow_null=True)
    override_reason = serializers.CharField(source="limit_override_reason", read_only=True)


class AppointmentSerializer(serializers.ModelSerializer[Appointment]):
    patient = PatientSummary(read_only=True)
    physician = StaffSummary(read_only=True)
    room = RoomSummary(read_only=True, allow_null=True)
    minutes = serializers.IntegerField(read_only=True)
    procedure_type = ProcedureTypeSummary(read_only=True, allow_null=True)
    planned_levels = serializers.ListField(child=serializers.CharField(), source="levels", read_only=True)
    # Blank on a visit that plans no procedure (the model's choices alone would not say so in the schema).
    planned_side = serializers.ChoiceField(choices=Side.choices, allow_blank=True, read_only=True)
    booked_by = StaffSummary(read_only=True)
    procedure = serializers.IntegerField(source="procedure_id", read_only=True, allow_null=True)
    limit = LimitSnapshot(source="*", read_only=True)
    next_statuses = serializers.SerializerMethodField(help_text="The statuses this visit can move to now.")

    class Meta:
        model = Appointment
        fields = [
            "id",
            "version",
            "patient",
            "physician",
            "room",
            "starts_at",
            "ends_at",
            "minutes",
            "visit_type",
            "procedure_type",
            "planned_levels",
            "planned_side",
            "reason",
            "notes",
            "status",
            "cancel_reason",
            "checked_in_at",
            "booked_by",
            "booked_at",
            "procedure",
            "limit",
            "next_statuses",
        ]
        read_only_fields = fields

    def get_next_statuses(self, appointment: Appointment) -> list[str]:
        return [status for status in Status.values if appointment.can_become(status)]


class WaitlistOffer(serializers.Serializer[Any]):
    """An open waitlist entry the freed slot suits, as the cancel page offers it."""

    id = serializers.IntegerField(read_only=True)
    patient = PatientSummary(read_only=True)
    visit_type = serializers.ChoiceField(choices=VisitType.choices, read_only=True)
    earliest_on = serializers.DateField(read_only=True)
    note = serializers.CharField(read_only=True)


class CancelResult(serializers.Serializer[Any]):
    appointment = AppointmentSerializer(read_only=True)
    waitlist_offers = WaitlistOffer(many=True, read_only=True)


class VersionInput(serializers.Serializer[Any]):
    """The version the client last read; `If-Match` says the same. Absent, the write applies to the record as it
    is now, as a page's one-click buttons do."""

    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class MomentField(serializers.DateTimeField):
    """A date and time; one at the edge of the calendar ("9999-12-31T23:59") is refused, not an overflow in DRF's
    time-zone arithmetic (a 500)."""

    def to_internal_value(self, value: Any) -> datetime.datetime:
        try:
            return super().to_internal_value(value)
        except OverflowError:
            raise serializers.ValidationError("Choose a date and time within the bookable days.") from None


class SlotInput(serializers.Serializer[Any]):
    """Who, where and when: the booking and move forms' shared fields (`scheduling.forms.SlotForm`)."""

    physician = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    room = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    starts_at = MomentField(help_text="ISO 8601; without an offset, the clinic's time zone.")
    minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=5,
        max_value=MAX_VISIT_MINUTES,
        help_text="Empty for the usual length of the visit type.",
    )
    confirm_hours = serializers.BooleanField(
        required=False, default=False, help_text="Book anyway outside the physician's working hours or on time off."
    )
    limit_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="Needed only when the visit would pass a hard limit; the physician sees it on the schedule.",
    )


class MoveInput(SlotInput, VersionInput):
    pass


class BookingInput(SlotInput):
    """The booking form's fields (`scheduling.forms.BookingForm`)."""

    patient = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    visit_type = serializers.ChoiceField(choices=VisitType.choices)
    procedure_type = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    planned_levels = serializers.CharField(required=False, allow_blank=True, max_length=100)
    planned_side = serializers.ChoiceField(choices=Side.choices, required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    form_token = serializers.UUIDField(
        required=False, allow_null=True, help_text="A one-time token: the same request sent again books once."
    )


class CancelInput(VersionInput):
    reason = serializers.CharField(max_length=200, help_text="Why the visit is cancelled.")


class StatusInput(VersionInput):
    status = serializers.ChoiceField(choices=STATUS_STEPS, help_text="Cancel at …/cancel/, which asks why.")


@extend_schema_field(
    {
        "type": "array",
        "nullable": True,
        "items": {"type": "integer", "minimum": 0, "maximum": MAX_PER_SECTION, "nullable": True},
        "minItems": SECTIONS,
        "maxItems": SECTIONS,
    }
)
class AnswersField(serializers.ListField):
    """A questionnaire's answers: one per section, 0–5 points or null for a section not answered."""

    child = serializers.IntegerField(min_value=0, max_value=MAX_PER_SECTION, allow_null=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_length=SECTIONS, max_length=SECTIONS, allow_null=True, required=False, **kwargs)

    def to_internal_value(self, data: Any) -> list[int | None]:
        """Errors as sentences naming the section ("Section 3: …"), so every error is a list of messages."""
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(error.detail, dict):
                raise
            raise serializers.ValidationError(
                [
                    f"Section {int(index) + 1}: {' '.join(map(str, messages))}"
                    for index, messages in error.detail.items()
                ]
            ) from error


class FollowUpProcedure(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    performed_on = serializers.DateField(read_only=True)
    procedure_type = ProcedureTypeSummary(read_only=True)
    levels = serializers.ListField(child=serializers.CharField(), read_only=True)
    nrs_pre = serializers.IntegerField(read_only=True, allow_null=True)
    voided = serializers.BooleanField(source="is_voided", read_only=True)


class FollowUpSerializer(serializers.ModelSerializer[FollowUp]):
    patient = PatientSummary(source="procedure.patient", read_only=True)
    procedure = FollowUpProcedure(read_only=True)
    recorded_by = StaffSummary(read_only=True, allow_null=True)
    # Blank until the call is made.
    method = serializers.ChoiceField(choices=Method.choices, allow_blank=True, read_only=True)
    odi_answers = AnswersField(read_only=True)
    ndi_answers = AnswersField(read_only=True)
    questionnaires = serializers.SerializerMethodField(
        help_text="The questionnaires the procedure's levels call for: odi (lumbar/sacral), ndi (cervical/thoracic)."
    )

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "version",
            "patient",
            "procedure",
            "label",
            "days_after",
            "due_on",
            "status",
            "questionnaires",
            "recorded_at",
            "recorded_by",
            "method",
            "nrs",
            "relief_pct",
            "relief_days",
            "pgic",
            "odi_answers",
            "odi_score",
            "ndi_answers",
            "ndi_score",
            "new_complications",
            "note",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=[(q.key, q.name) for q in QUESTIONNAIRES]))
    )
    def get_questionnaires(self, follow_up: FollowUp) -> list[str]:
        return [questionnaire.key for questionnaire in for_levels(follow_up.procedure.levels)]


class FollowUpRecordInput(VersionInput):
    """The follow-up form's fields (`outcomes.forms.FollowUpForm`), the questionnaires as lists of answers."""

    nrs = serializers.IntegerField(min_value=0, max_value=10, help_text="Pain now, 0–10.")
    relief_pct = serializers.IntegerField(min_value=0, max_value=100, help_text="% relief since the procedure.")
    relief_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_RELIEF_DAYS,
        help_text="How long the relief lasted; empty while it continues.",
    )
    pgic = serializers.ChoiceField(
        choices=PGIC.choices,
        required=False,
        allow_null=True,
        help_text="Impression of change, 1–7; empty if not asked.",
    )
    method = serializers.ChoiceField(
        choices=[c for c in Method.choices if c[0] != Method.LINK], required=False, default=Method.PHONE
    )
    new_complications = serializers.CharField(required=False, allow_blank=True, max_length=300)
    note = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    odi_answers = AnswersField(help_text="ODI, ten sections; only for lumbar/sacral levels.")
    ndi_answers = AnswersField(help_text="NDI, ten sections; only for cervical/thoracic levels.")


class NotReachedInput(VersionInput):
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer"}]})
class CellField(serializers.Field):  # type: ignore[type-arg]
    """A table cell as the dashboard shows it: a count, or text such as "67% (4/6)" or "—"."""

    def to_representation(self, value: Any) -> Any:
        return value


class DatasetSerializer(serializers.Serializer[Any]):
    # Chart.js's names. DRF takes declared fields out of the class, so they shadow neither `Field.label` nor
    # `Serializer.data`; the type checker sees only the class body.
    label = serializers.CharField()  # type: ignore[assignment]
    data = serializers.ListField(child=serializers.FloatField(allow_null=True))  # type: ignore[assignment]


class ChartSerializer(serializers.Serializer[Any]):
    """The numbers behind the table's chart, unrounded."""

    labels = serializers.ListField(child=serializers.CharField())
    datasets = DatasetSerializer(many=True)
    stacked = serializers.BooleanField()
    horizontal = serializers.BooleanField()
    percent = serializers.BooleanField()
    full_scale = serializers.BooleanField()
    value_label = serializers.CharField()


class TableSerializer(serializers.Serializer[Any]):
    """One dashboard table: the rows are the cells the page shows (and the CSV export writes)."""

    slug = serializers.CharField()
    title = serializers.CharField()
    note = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=CellField()))
    totals = serializers.ListField(child=serializers.ListField(child=CellField()))
    chart = ChartSerializer(allow_null=True)
    empty = serializers.CharField(help_text="What the page says when there are no rows.")


class CriteriaSerializer(serializers.Serializer[Any]):
    """The filters the tables were built for, defaults filled in."""

    date_from = serializers.DateField()
    date_to = serializers.DateField()
    physician = serializers.IntegerField(source="physician.pk", allow_null=True)
    family = serializers.CharField()
    region = serializers.CharField()
    description = serializers.CharField(source="describe")


class TablesSerializer(serializers.Serializer[Any]):
    criteria = CriteriaSerializer()
    tables = TableSerializer(many=True)


class OneTableSerializer(serializers.Serializer[Any]):
    criteria = CriteriaSerializer()
    table = TableSerializer()
