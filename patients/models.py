import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connections, models
from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic.concurrency import form_token_field, form_token_unique, version_field
from clinic.validators import EARLIEST_BIRTH_DATE, record_id
from patients.search import MAX_QUERY, digits, fold, search_terms, trigram_searchable

# How patients are listed (the model's ordering); the name index serves the first two.
NAME_ORDER = ("last_name", "first_name", "date_of_birth")
# How far a list counts its patients, and a search's matches when every term can use the trigram index; past
# that it says "more than", and a search walks the name index instead of sorting (`PatientQuerySet.find`).
COUNT_LIMIT = 1000
SORT_LIMIT = 5000
# How far down the registry's names a search with more matches than that walks for its page before it sorts them all.
WALK_LIMIT = 5000
MIN_WEIGHT_KG = Decimal("0.5")
MAX_WEIGHT_KG = Decimal("400")

phone_validator = RegexValidator(
    r"^\+?[\d\s().\-]{7,20}$",
    "Enter a phone number of 7 to 15 digits, e.g. (555) 013-4567 or +1 555 013 4567.",
)


class Payer(models.Model):
    """An insurance payer; procedure limit rule sets attach to payers."""

    name = models.CharField(max_length=120, unique=True)
    key = models.SlugField(
        max_length=40, unique=True, help_text="Stable short name used by rule sets, e.g. 'medicare'."
    )
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Found:
    """What the search box found: one page of patients in list order, and how many match, counted up to
    `limit` + 1."""

    patients: list["Patient"]
    matches: int
    limit: int

    @property
    def capped(self) -> bool:
        """More match than were counted."""
        return self.matches > self.limit


class PatientQuerySet(models.QuerySet["Patient"]):
    def active(self) -> Self:
        return self.filter(archived_at__isnull=True)

    def search(self, query: str) -> Self:
        """Every term must match: name fragments in any order, MRN, phone digits or a birth date.

        A birth date matches exactly; the other terms match any part of the folded search key, which
        PostgreSQL answers from a trigram index (patients migration 0002). `find` orders and counts them.
        """
        result = self
        for term in search_terms(query):
            if isinstance(term, datetime.date):
                result = result.filter(date_of_birth=term)
            else:
                result = result.filter(search_key__contains=term)
        return result

    def named(self, value: object) -> "Patient | None":
        """The patient whose id a link or a form gives; None for a missing, malformed or unknown id."""
        patient_id = record_id(value)
        return None if patient_id is None else self.filter(pk=patient_id).first()

    def from_request(self, request: HttpRequest) -> "Patient | None":
        """The patient a page is opened or posted for: `patient` in the query, else in the form."""
        return self.named(request.GET.get("patient") or request.POST.get("patient"))

    def count_up_to(self, limit: int) -> int:
        """The rows, counted no further than `limit` + 1 (in no order: any of them will do)."""
        return self.order_by()[: limit + 1].count()

    def find(self, query: str, *, start: int = 0, size: int) -> Found:
        """The search box's result as lists show it: `size` patients from `start`, and how many match.

        The patient whose MRN is the query comes first, then the rest by name. When the matches are few they
        are sorted, and counted in the same query (`_ranked_page`), so they are read once: PostgreSQL cannot
        walk the name index for them, as it would go from "A" assuming matches spread evenly, and a search
        whose matches sit in one part of the alphabet ("nguy": every Nguyen) read 118,000 rows for 25. When
        they are many ("l", "555") walking the name index finds a page soonest, unless they too sit in one part
        of the alphabet (`_walk_names`), and then they are all sorted and counted. Few means up to SORT_LIMIT
        when every term can use the trigram index (three characters or more: counting that far reads only
        matches), else up to COUNT_LIMIT, which bounds the count's scan.
        """
        end = start + size
        query = query[:MAX_QUERY]
        if not query.strip():
            return Found(list(self.order_by(*NAME_ORDER)[start:end]), self.count_up_to(COUNT_LIMIT), COUNT_LIMIT)
        matching = self.search(query)
        limit = SORT_LIMIT if trigram_searchable(query) else COUNT_LIMIT
        mrn = query.strip()
        page, matches = matching._ranked_page(mrn, limit, start, size)
        if not page and start:
            # Past the last page the page query returns no row to carry the count.
            matches = matching.count_up_to(limit)
        if matches > limit:
            walked = matching._walk_names(start, end)
            if walked is not None:
                return Found(walked, matches, limit)
            # Many matches in one part of the alphabet ("smith"): sort every one, which counts them all too.
            page, matches = matching._ranked_page(mrn, None, start, size)
            limit = matches
        return Found(page, matches, limit)

    def _walk_names(self, start: int, end: int) -> list["Patient"] | None:
        """Rows `start` to `end` in name order, if they are among the registry's first WALK_LIMIT names; else None.

        Walking the name index finds a page soonest when the rows are spread over the alphabet ("mar", "555"),
        but rows that sit late in it ("smith": 7,000 Smiths at 200,000 patients) had it read most of the registry
        first, 400 ms. Any name will do as the bound: a full page before it is the page.
        """
        names = self.model._default_manager.order_by("last_name").values_list("last_name", flat=True)
        bound = names[WALK_LIMIT : WALK_LIMIT + 1].first()
        walk = self.order_by(*NAME_ORDER)
        if bound is None:
            return list(walk[start:end])
        page = list(walk.filter(last_name__lte=bound)[start:end])
        return page if len(page) == end - start else None

    def _ranked_page(self, mrn: str, limit: int | None, start: int, size: int) -> tuple[list["Patient"], int]:
        """`size` patients from `start` (the typed MRN first, then by name), each with their payer, and how many
        rows there are, both from the first `limit` + 1 rows found in no order (every row if `limit` is None).

        One query reads the matching rows once for both: a count and a sorted page would each read every match
        (3,500 heap rows for "nguy"). It ranks narrow rows, then joins the page's patients and payers, which
        cost a query of their own before (1.8 ms). The ORM has no subquery in FROM, so its SQL for the bounded
        rows is wrapped by hand, and a raw query builds the patients.
        """
        # Named columns: SQLite does not name a subquery's columns after the table's.
        named = {f"found_{name}": F(name) for name in ("id", "mrn", "last_name", "first_name", "date_of_birth")}
        found = self.order_by().values(**named)
        if limit is not None:
            found = found[: limit + 1]
        found_sql, params = found.query.get_compiler(using=self.db).as_sql()
        quote = connections[self.db].ops.quote_name
        patients, payers = quote(self.model._meta.db_table), quote(Payer._meta.db_table)
        order = (
            "CASE WHEN ranked.found_mrn IN (%s, %s) THEN 0 ELSE 1 END, ranked.found_last_name, "
            "ranked.found_first_name, ranked.found_date_of_birth, ranked.found_id"
        )
        ranked = (
            f"SELECT found.*, COUNT(*) OVER () AS found_count FROM ({found_sql}) found "
            f"ORDER BY {order.replace('ranked.', 'found.')} LIMIT %s OFFSET %s"
        )
        sql = (
            f"SELECT {patients}.*, {payers}.name AS payer_name, {payers}.{quote('key')} AS payer_key, "
            f"{payers}.active AS payer_active, ranked.found_count FROM ({ranked}) ranked "
            f"JOIN {patients} ON {patients}.id = ranked.found_id "
            f"LEFT JOIN {payers} ON {payers}.id = {patients}.payer_id "
            f"ORDER BY {order}"
        )
        ranks = (mrn, mrn.upper())
        page = list(self.model._default_manager.raw(sql, (*params, *ranks, size, start, *ranks)).using(self.db))
        payer_field = self.model._meta.get_field("payer")
        for patient in page:
            payer = None
            if patient.payer_id is not None:
                columns = (patient.payer_id, patient.payer_name, patient.payer_key, bool(patient.payer_active))  # type: ignore[attr-defined]
                payer = Payer.from_db(self.db, ["id", "name", "key", "active"], columns)
            payer_field.set_cached_value(patient, payer)
        return page, page[0].found_count if page else 0  # type: ignore[attr-defined]

    def same_person_as(self, *, first_name: str, last_name: str, date_of_birth: datetime.date) -> list["Patient"]:
        """Patients whose name and birth date match, ignoring case and accents."""
        name = (fold(first_name), fold(last_name))
        return [
            patient
            for patient in self.filter(date_of_birth=date_of_birth)
            if (fold(patient.first_name), fold(patient.last_name)) == name
        ]


class Channel(models.TextChoices):
    """How a patient answers follow-up questionnaires."""

    CALL = "call", "A call from the clinic"
    EMAIL = "email", "Email link"
    SMS = "sms", "Text message link"


class Patient(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        OTHER = "X", "Other / intersex"
        UNKNOWN = "U", "Unknown"

    mrn = models.CharField(
        "MRN",
        max_length=20,
        help_text="Medical record number. Leave blank to have one generated.",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(
        validators=[MinValueValidator(EARLIEST_BIRTH_DATE)],
    )
    sex = models.CharField(max_length=1, choices=Sex.choices)
    phone = models.CharField(max_length=30, blank=True, validators=[phone_validator])
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, null=True, blank=True, verbose_name="insurance payer")
    member_id = models.CharField("insurance member ID", max_length=40, blank=True)
    weight_kg = models.DecimalField(
        "weight (kg)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_WEIGHT_KG), MaxValueValidator(MAX_WEIGHT_KG)],
    )
    primary_care_physician = models.CharField(max_length=200, blank=True)

    # Safety facts checked before every injection (domain.md §7).
    anticoagulant = models.BooleanField("takes an anticoagulant or antiplatelet", default=False)
    anticoagulant_detail = models.CharField(
        "anticoagulant / antiplatelet drugs", max_length=200, blank=True, help_text="e.g. apixaban 5 mg BID"
    )
    diabetes = models.BooleanField(default=False)
    contrast_allergy = models.BooleanField("contrast (iodine) allergy", default=False)
    other_allergies = models.CharField(max_length=300, blank=True)
    pregnant = models.BooleanField("pregnant or possibly pregnant", default=False)
    bone_density_risk = models.BooleanField(
        "bone-density risk", default=False, help_text="e.g. post-menopausal, osteoporosis, long-term steroids"
    )

    # How the patient answers the follow-up questionnaires: a nurse's call unless they agreed to links.
    questionnaire_channel = models.CharField(
        "follow-up questionnaires by", max_length=5, choices=Channel.choices, default=Channel.CALL
    )
    questionnaire_consent = models.BooleanField(
        "consents to questionnaire links",
        default=False,
        help_text="By email or text message, as chosen: one questionnaire per link, about their own procedure.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    archive_reason = models.CharField(max_length=300, blank=True)
    # Folded name, MRN and phone digits: what the search box matches against.
    search_key = models.CharField(max_length=400, editable=False, default="")
    version = version_field()
    form_token = form_token_field()

    objects = PatientQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_key"])

    class Meta:
        ordering = list(NAME_ORDER)
        permissions = [("archive_patient", "Can archive and restore patients")]
        constraints = [
            models.UniqueConstraint(fields=["mrn"], name="patient_mrn_unique"),
            form_token_unique("patient_form_token_unique"),
            models.CheckConstraint(condition=~Q(mrn=""), name="patient_mrn_present"),
            models.CheckConstraint(condition=~Q(first_name="") & ~Q(last_name=""), name="patient_name_present"),
            models.CheckConstraint(
                condition=Q(date_of_birth__gte=EARLIEST_BIRTH_DATE), name="patient_birth_date_plausible"
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gte=MIN_WEIGHT_KG, weight_kg__lte=MAX_WEIGHT_KG),
                name="patient_weight_plausible",
            ),
            models.CheckConstraint(
                condition=Q(sex__in=["F", "M", "X", "U"]),
                name="patient_sex_valid",
            ),
            models.CheckConstraint(
                condition=Q(archived_at__isnull=True) | ~Q(archive_reason=""),
                name="patient_archive_has_reason",
            ),
            # A link goes out only with the patient's consent and to an address on file.
            models.CheckConstraint(
                condition=Q(questionnaire_channel="call")
                | Q(questionnaire_consent=True, questionnaire_channel="email") & ~Q(email="")
                | Q(questionnaire_consent=True, questionnaire_channel="sms") & ~Q(phone=""),
                name="patient_questionnaire_channel_consented",
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="patient_name_idx"),
            models.Index(fields=["date_of_birth"], name="patient_dob_idx"),
            models.Index(fields=["archived_at"], name="patient_archived_idx"),
            # The home page's "recently registered": read backwards from the newest.
            models.Index(fields=["created_at"], name="patient_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.mrn})"

    def get_absolute_url(self) -> str:
        return reverse("patients:chart", args=[self.pk])

    def questionnaire_channel_problems(self) -> dict[str, str]:
        """Why the chosen channel cannot carry a link, by field: the database constraint's rule, in words."""
        if self.questionnaire_channel == Channel.CALL:
            return {}
        if not self.questionnaire_consent:
            return {"questionnaire_consent": "Links go out only with the patient’s consent: tick it, or choose a call."}
        if self.questionnaire_channel == Channel.EMAIL and not self.email:
            return {"email": "Add the email address the links go to, or choose another channel."}
        if self.questionnaire_channel == Channel.SMS and not self.phone:
            return {"phone": "Add the mobile number the texts go to, or choose another channel."}
        return {}

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def require_active(self, before: str) -> None:
        """Refuse new work for an archived patient; `before` names the work, as "booking" in the message.

        The rule's one home: every service that logs, books or waitlists for a patient calls it, and the pages
        that start such work call it too, to turn the patient away before the form rather than after it.
        """
        if self.is_archived:
            raise ValidationError(f"This patient is archived; restore them before {before}.")

    def age(self, on: datetime.date | None = None) -> int:
        on = on or timezone.localdate()
        born = self.date_of_birth
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    def refresh_search_key(self) -> None:
        self.search_key = " ".join(
            part for part in (fold(self.first_name), fold(self.last_name), fold(self.mrn), digits(self.phone)) if part
        )

    @property
    def safety_badges(self) -> list[str]:
        """Short names of the same facts, for lists where a sentence does not fit."""
        facts = [
            (self.anticoagulant, "Anticoagulant"),
            (self.contrast_allergy, "Contrast allergy"),
            (bool(self.other_allergies), "Allergies"),
            (self.diabetes, "Diabetes"),
            (self.pregnant, "Pregnant"),
            (self.bone_density_risk, "Bone density"),
        ]
        return [name for present, name in facts if present]

    @property
    def safety_alerts(self) -> list[str]:
        """The facts a physician must see before a neuraxial injection, in plain words."""
        alerts = []
        if self.anticoagulant:
            detail = f": {self.anticoagulant_detail}" if self.anticoagulant_detail else ""
            alerts.append(f"Anticoagulant / antiplatelet{detail}")
        if self.contrast_allergy:
            alerts.append("Contrast (iodine) allergy")
        if self.other_allergies:
            alerts.append(f"Allergies: {self.other_allergies}")
        if self.diabetes:
            alerts.append("Diabetes: check glucose; steroids raise it")
        if self.pregnant:
            alerts.append("Pregnant or possibly pregnant: avoid fluoroscopy")
        if self.bone_density_risk:
            alerts.append("Bone-density risk: lower cumulative steroid cap")
        return alerts


class ChartStamp(models.Model):
    """The value under which the patient's chart panels are kept; triggers renew it (`patients.chart_stamp`).

    No foreign key: a row is written by triggers alone, for any patient id a record names.
    """

    patient_id = models.BigIntegerField(primary_key=True)
    value = models.BigIntegerField()

    def __str__(self) -> str:
        return f"patient {self.patient_id} @ {self.value}"
