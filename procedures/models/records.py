"""The procedure record (domain.md §7): what was done, where, with what, and how it went."""

import datetime
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic.concurrency import form_token_field, form_token_unique, version_field
from patients.models import Patient
from procedures import billing, exposure, injections, spine
from procedures.models.catalog import Approach, Drug, Intent, ProcedureType


class Guidance(models.TextChoices):
    FLUOROSCOPY = "fluoroscopy", "Fluoroscopy"
    CT = "ct", "CT"
    ULTRASOUND = "ultrasound", "Ultrasound"
    NONE = "none", "None (landmark)"


class Sedation(models.TextChoices):
    NONE = "none", "None"
    LOCAL = "local", "Local anaesthetic only"
    MINIMAL = "minimal", "Minimal (anxiolysis)"
    MODERATE = "moderate", "Moderate (conscious)"
    DEEP = "deep", "Deep / MAC"


class Complication(models.TextChoices):
    VASOVAGAL = "vasovagal", "Vasovagal reaction"
    DURAL_PUNCTURE = "dural_puncture", "Dural puncture"
    BLEEDING = "bleeding", "Bleeding / hematoma"
    INFECTION = "infection", "Infection"
    NERVE_INJURY = "nerve_injury", "Nerve injury"
    INTRAVASCULAR = "intravascular", "Intravascular uptake"
    OTHER = "other", "Other"


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BILATERAL = "bilateral", "Bilateral"
    MIDLINE = "midline", "Midline"


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def valid(self) -> Self:
        """Not voided: the procedures that count."""
        return self.filter(voided_at__isnull=True)

    def for_patient(self, patient: Patient) -> Self:
        return self.filter(patient=patient)

    def since(self, day: datetime.date) -> Self:
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        return self.filter(performed_at__gte=start)

    def with_details(self) -> Self:
        """Everything a list, the chart or the exposure engine reads, in a fixed number of queries."""
        return self.select_related("procedure_type", "performed_by", "patient").prefetch_related(
            Prefetch("sites", queryset=ProcedureSite.objects.order_by("position", "pk")),
            Prefetch("medications", queryset=ProcedureMedication.objects.select_related("drug").order_by("pk")),
        )


class Procedure(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="procedures")
    performed_at = models.DateTimeField("date and time")
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="procedures_performed",
        verbose_name="performing physician",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    procedure_type = models.ForeignKey(ProcedureType, on_delete=models.PROTECT, verbose_name="procedure")
    intent = models.CharField(max_length=12, choices=Intent.choices)
    approach = models.CharField(max_length=20, choices=Approach.choices, blank=True)

    guidance = models.CharField(max_length=12, choices=Guidance.choices, default=Guidance.FLUOROSCOPY)
    fluoro_time_s = models.DecimalField("fluoroscopy time (s)", max_digits=6, decimal_places=1, null=True, blank=True)
    air_kerma_mgy = models.DecimalField("air kerma (mGy)", max_digits=8, decimal_places=2, null=True, blank=True)
    dap_gycm2 = models.DecimalField("DAP (Gy·cm²)", max_digits=8, decimal_places=2, null=True, blank=True)
    contrast_agent = models.ForeignKey(
        Drug,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"drug_class": Drug.DrugClass.CONTRAST},
    )
    contrast_volume_ml = models.DecimalField(
        "contrast volume (mL)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    no_contrast_reason = models.CharField(
        "why no contrast", max_length=200, blank=True, help_text="e.g. contrast allergy"
    )
    sedation = models.CharField(max_length=10, choices=Sedation.choices, default=Sedation.LOCAL)
    consent_obtained = models.BooleanField("informed consent obtained", default=False)
    time_out_done = models.BooleanField("time-out done", default=False)

    nrs_pre = models.PositiveSmallIntegerField(
        "pain before (NRS 0–10)", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    nrs_post = models.PositiveSmallIntegerField(
        "pain after (NRS 0–10)", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    relief_post_pct = models.PositiveSmallIntegerField(
        "relief after (%)", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    complications = models.CharField(
        max_length=200, blank=True, help_text="Comma-separated complication codes; empty for none."
    )
    complication_note = models.CharField(max_length=300, blank=True)
    diagnoses = models.CharField("diagnoses (ICD-10)", max_length=200, blank=True, help_text="e.g. M54.16, M51.16")
    note = models.TextField(blank=True)

    # Saving past a hard limit is allowed only with a reason, kept with the rules it overrode.
    overridden_rules = models.CharField(max_length=300, blank=True)
    override_reason = models.TextField(blank=True)

    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = version_field()
    form_token = form_token_field()

    objects = ProcedureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-performed_at"]
        permissions = [("void_procedure", "Can void a procedure entered in error")]
        constraints = [
            form_token_unique("procedure_form_token_unique"),
            models.CheckConstraint(condition=Q(nrs_pre__lte=10), name="procedure_nrs_pre_0_10"),
            models.CheckConstraint(condition=Q(nrs_post__lte=10), name="procedure_nrs_post_0_10"),
            models.CheckConstraint(condition=Q(relief_post_pct__lte=100), name="procedure_relief_0_100"),
            models.CheckConstraint(
                condition=Q(fluoro_time_s__isnull=True) | Q(fluoro_time_s__gte=0), name="procedure_fluoro_time_nonneg"
            ),
            models.CheckConstraint(
                condition=Q(air_kerma_mgy__isnull=True) | Q(air_kerma_mgy__gte=0), name="procedure_air_kerma_nonneg"
            ),
            models.CheckConstraint(
                condition=Q(dap_gycm2__isnull=True) | Q(dap_gycm2__gte=0), name="procedure_dap_nonneg"
            ),
            models.CheckConstraint(
                condition=Q(contrast_volume_ml__isnull=True) | Q(contrast_volume_ml__gt=0),
                name="procedure_contrast_volume_positive",
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name="procedure_void_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(overridden_rules="") | ~Q(override_reason=""), name="procedure_override_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "performed_at"], name="procedure_patient_date_idx"),
            models.Index(fields=["performed_at"], name="procedure_date_idx"),
            models.Index(fields=["performed_by", "performed_at"], name="procedure_physician_date_idx"),
            models.Index(fields=["procedure_type", "performed_at"], name="procedure_type_date_idx"),
            # Voided records are a handful among millions: the open follow-ups leave theirs out by this list.
            models.Index(fields=["voided_at"], condition=Q(voided_at__isnull=False), name="procedure_voided_idx"),
            # The dashboard's fluoroscopy medians: a year of guided procedures read from the index alone.
            models.Index(
                fields=["performed_at"],
                include=["procedure_type", "performed_by", "fluoro_time_s", "air_kerma_mgy"],
                condition=Q(guidance="fluoroscopy", voided_at__isnull=True),
                name="procedure_fluoroscopy_date_idx",
            ),
            # Saved past a hard limit: a few in a hundred; the dashboard counts them over a date range.
            models.Index(
                fields=["performed_at"], condition=~Q(overridden_rules=""), name="procedure_overridden_date_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_type} {self.site_summary} on {self.performed_on}"

    def get_absolute_url(self) -> str:
        return reverse("procedures:detail", args=[self.pk])

    @property
    def performed_on(self) -> datetime.date:
        return timezone.localdate(self.performed_at)

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def levels(self) -> list[str]:
        return sorted({s.level for s in self.sites.all() if s.level}, key=spine.LEVEL_ORDER.__getitem__)

    @property
    def is_bilateral(self) -> bool:
        return spine.is_bilateral((site.place, site.side) for site in self.sites.all())

    @property
    def site_summary(self) -> str:
        """E.g. "L4-L5, L5-S1 bilateral" or "L4-L5 left, L5-S1 right"."""
        sites = list(self.sites.all())
        sides = {s.side for s in sites}
        if len(sides) == 1:
            return f"{', '.join(s.place_label for s in sites)} {sides.pop()}"
        return ", ".join(f"{s.place_label} {s.side}" for s in sites)

    @property
    def complication_labels(self) -> list[str]:
        labels = dict(Complication.choices)
        return [str(labels.get(code, code)) for code in self.complications.split(",") if code]

    @property
    def steroid_mpe(self) -> Decimal:
        return sum((m.mpe for m in self.medications.all()), Decimal(0))

    def billed(self) -> billing.Billing:
        """The CPT codes this record bills, derived from its region, levels, sides and guidance (reads prefetched
        sites); the catalog's text and why to verify when they cannot be derived."""
        return billing.bill(
            billing.Session(
                type_code=self.procedure_type.code,
                catalog_codes=self.procedure_type.cpt_codes,
                sites=tuple((site.place, site.side) for site in self.sites.all()),
                guidance=self.guidance,
            )
        )

    def as_injection(self) -> exposure.Injection:
        """This record as the exposure engine sees it (reads prefetched sites and medications)."""
        intent, approach = self.procedure_type.usual(intent=self.intent, approach=self.approach)
        return injections.build(
            id=self.pk,
            on=self.performed_on,
            family=self.procedure_type.family,
            intent=intent,
            approach=approach,
            sites=[(site.place, site.side) for site in self.sites.all()],
            doses=[m.as_dose() for m in self.medications.all()],
            voided=self.is_voided,
            label=f"{self.procedure_type.name} {self.site_summary}",
        )


class ProcedureSite(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="sites")
    position = models.PositiveSmallIntegerField(default=0)
    level = models.CharField(max_length=8, blank=True, choices=[(lvl, lvl) for lvl in spine.LEVELS])
    named_site = models.CharField(max_length=30, blank=True, choices=spine.NAMED_SITES)
    side = models.CharField(max_length=10, choices=Side.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(~Q(level="") & Q(named_site="")) | (Q(level="") & ~Q(named_site="")),
                name="site_is_a_level_or_a_named_site",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place_label} {self.side}"

    @property
    def place(self) -> str:
        return self.level or self.named_site

    @property
    def place_label(self) -> str:
        return self.level or spine.NAMED_SITE_LABELS.get(self.named_site, self.named_site)

    @property
    def region(self) -> exposure.Region | None:
        return spine.region_of(self.level) if self.level else None


class ProcedureMedication(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="medications")
    drug = models.ForeignKey(Drug, on_delete=models.PROTECT)
    dose_mg = models.DecimalField("dose (mg)", max_digits=7, decimal_places=2, validators=[MinValueValidator(0)])
    volume_ml = models.DecimalField("volume (mL)", max_digits=5, decimal_places=1, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(dose_mg__gt=0), name="medication_dose_positive"),
            models.CheckConstraint(
                condition=Q(volume_ml__isnull=True) | Q(volume_ml__gt=0), name="medication_volume_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drug} {self.dose_mg} mg"

    @property
    def mpe(self) -> Decimal:
        return self.drug.mpe(self.dose_mg)

    def as_dose(self) -> exposure.Dose:
        return exposure.Dose(drug=self.drug.name, mg=self.dose_mg, mpe_factor=self.drug.mpe_factor or Decimal(0))
