"""Spinal cord stimulator and intrathecal pump pathways: evaluation, trial with its daily diary, the decision, the
implanted device, then reprogramming visits (stimulator) or refills (pump).

A pathway's trial diary summary (`diary_days`, `diary_relief_total`) and a pump's `next_refill_due` are kept on the
pathway's row by the services, in the transaction of every diary entry, refill and void, so the chart and the
refill worklist read one indexed row. Nothing here is deleted: entries in error are voided with a reason.
"""

import datetime
from typing import Any, Self

from django.conf import settings
from django.contrib.auth.models import User
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from implants import rules
from patients.models import Patient


class Device(models.TextChoices):
    SCS = rules.SCS, "Spinal cord stimulator"
    PUMP = rules.PUMP, "Intrathecal pump"


class Decision(models.TextChoices):
    NONE = "", "Not decided"
    PROCEED = rules.PROCEED, "Proceed to implant"
    STOP = rules.STOP, "Do not implant"


class TrialRule(models.Model):
    """What makes a device's trial successful; administrators edit it, each with its source."""

    device = models.CharField(max_length=4, choices=Device.choices, unique=True)
    min_relief_pct = models.PositiveSmallIntegerField(
        "lowest mean relief (%)", validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    min_days = models.PositiveSmallIntegerField(
        "fewest diary days", default=1, validators=[MinValueValidator(1)], help_text="Days recorded before judging."
    )
    source = models.CharField(max_length=300)

    history = HistoricalRecords()

    class Meta:
        ordering = ["device"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_relief_pct__gte=1, min_relief_pct__lte=100), name="trial_rule_relief_1_100"
            ),
            models.CheckConstraint(condition=Q(min_days__gte=1), name="trial_rule_days_positive"),
            models.CheckConstraint(condition=~Q(source=""), name="trial_rule_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.get_device_display()} trial: ≥ {self.min_relief_pct}% mean relief over ≥ {self.min_days} days"

    def as_rule(self) -> rules.TrialRule:
        return rules.TrialRule(self.min_relief_pct, self.min_days, self.source)


class Pathway(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="device_pathways")
    device = models.CharField(max_length=4, choices=Device.choices)
    opened_on = models.DateField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    psych_on = models.DateField("psychological evaluation on", null=True, blank=True)
    psych_cleared = models.BooleanField("cleared for the device", null=True, blank=True)
    psych_by = models.CharField("evaluated by", max_length=120, blank=True)

    trial_start = models.DateField("trial start", null=True, blank=True)
    trial_end = models.DateField("trial end", null=True, blank=True)
    trial_note = models.CharField(
        max_length=300, blank=True, help_text="Stimulator: the leads. Pump: the drug and dose given."
    )
    # The diary's non-voided days and their relief added up, kept by the services with each entry and void.
    diary_days = models.PositiveSmallIntegerField(default=0, editable=False)
    diary_relief_total = models.PositiveIntegerField(default=0, editable=False)

    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(max_length=300, blank=True)

    # A pump's: the due date of its latest non-voided refill, kept by the services.
    next_refill_due = models.DateField(null=True, blank=True, editable=False)

    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        permissions = [
            ("decide_pathway", "Can record a trial's decision and the implant"),
            ("view_refill_worklist", "Can see the pump refill worklist"),
        ]
        constraints = [
            # One open pathway per device and patient: a second would split the diary and the refills.
            models.UniqueConstraint(
                fields=["patient", "device"], condition=Q(closed_on__isnull=True), name="pathway_one_open_per_device"
            ),
            models.CheckConstraint(
                condition=Q(trial_start__isnull=True)
                | Q(trial_end__isnull=True)
                | Q(trial_end__gte=models.F("trial_start")),
                name="pathway_trial_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(psych_on__isnull=False) | Q(psych_cleared__isnull=True),
                name="pathway_psych_result_has_date",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_on__isnull=False, trial_start__isnull=False),
                name="pathway_decision_has_date_and_trial",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(close_reason=""), name="pathway_close_has_reason"
            ),
            models.CheckConstraint(condition=Q(device__in=[rules.SCS, rules.PUMP]), name="pathway_device_known"),
        ]
        indexes = [
            models.Index(fields=["patient", "device"], name="pathway_patient_idx"),
            # The refill worklist: open pumps by due date.
            models.Index(
                fields=["next_refill_due"],
                condition=Q(closed_on__isnull=True, next_refill_due__isnull=False),
                name="pathway_refill_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_device_display()} pathway of {self.patient}"

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def facts(self) -> rules.Facts:
        implant = getattr(self, "implant", None)
        return rules.Facts(
            device=self.device,
            psych_on=self.psych_on,
            psych_cleared=self.psych_cleared,
            trial_start=self.trial_start,
            trial_end=self.trial_end,
            diary_days=self.diary_days,
            diary_relief_total=self.diary_relief_total,
            decision=self.decision,
            implanted_on=implant.implanted_on if implant else None,
            serials_missing=bool(implant and implant.serials_missing),
            closed=self.is_closed,
            next_refill_due=self.next_refill_due,
        )


class KeptQuerySet(models.QuerySet[Any]):
    def kept(self) -> Self:
        """The entries not voided: what the diary's summary, the due date and the pages count."""
        return self.filter(voided_at__isnull=True)


class Voidable(models.Model):
    """An entry never deleted: voided with a reason, kept struck through."""

    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_reason = models.CharField(max_length=300, blank=True)
    entered_at = models.DateTimeField(auto_now_add=True)

    objects = KeptQuerySet.as_manager()

    class Meta:
        abstract = True


def _entered_by() -> "models.ForeignKey[User, User]":
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class DiaryEntry(Voidable):
    """One trial day as the patient reported it: to staff from their card, or themselves through a diary link."""

    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="diary")
    # The patient's own entry, through a diary link: no staff member entered it.
    by_patient = models.BooleanField(default=False, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    day = models.DateField()
    nrs = models.PositiveSmallIntegerField("pain (NRS 0–10)", validators=[MaxValueValidator(10)])
    relief_pct = models.PositiveSmallIntegerField("relief (%)", validators=[MaxValueValidator(100)])
    note = models.CharField(max_length=300, blank=True, help_text="Activity, sleep, medication taken")

    history = HistoricalRecords()

    class Meta:
        ordering = ["day"]
        verbose_name_plural = "diary entries"
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "day"], condition=Q(voided_at__isnull=True), name="diary_one_entry_per_day"
            ),
            models.CheckConstraint(condition=Q(nrs__lte=10), name="diary_nrs_0_10"),
            models.CheckConstraint(condition=Q(relief_pct__lte=100), name="diary_relief_0_100"),
            models.CheckConstraint(condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name="diary_void_reason"),
            models.CheckConstraint(
                condition=Q(entered_by__isnull=False) | Q(by_patient=True), name="diary_entered_by_someone"
            ),
        ]

    def __str__(self) -> str:
        return f"Trial day {self.day}: NRS {self.nrs}, {self.relief_pct}% relief"


class LeadType(models.TextChoices):
    NONE = "", "—"
    PERCUTANEOUS = "percutaneous", "Percutaneous"
    PADDLE = "paddle", "Paddle (surgical)"


class Implant(models.Model):
    """The permanent device as implanted: what, where, and its serial numbers."""

    pathway = models.OneToOneField(Pathway, on_delete=models.PROTECT, related_name="implant")
    implanted_on = models.DateField()
    manufacturer = models.CharField(max_length=80)
    model = models.CharField("generator / pump model", max_length=80)
    serial = models.CharField("generator / pump serial", max_length=60, blank=True)
    location = models.CharField(max_length=120, help_text="e.g. left upper buttock, right lower abdomen")
    # Stimulator leads.
    lead_type = models.CharField(max_length=12, choices=LeadType.choices, blank=True)
    lead_model = models.CharField(max_length=80, blank=True)
    lead_serials = models.CharField(max_length=200, blank=True, help_text="Each lead's serial, comma-separated")
    lead_tip_level = models.CharField("lead / catheter tip level", max_length=10, blank=True)
    # Pump reservoir.
    reservoir_ml = models.DecimalField(
        "reservoir (mL)", max_digits=5, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(1)]
    )
    # An implant that no successful trial supported, and why the physician went on.
    unsupported_because = models.CharField(max_length=300, blank=True, editable=False)
    override_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(unsupported_because="") | ~Q(override_reason=""), name="implant_override_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(reservoir_ml__isnull=True) | Q(reservoir_ml__gte=1), name="implant_reservoir_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.model} implanted {self.implanted_on}"

    @property
    def serials_missing(self) -> bool:
        # A stimulator's leads each have a serial as well as the generator.
        return not self.serial or (self.pathway.device == rules.SCS and not self.lead_serials)


class Reprogramming(Voidable):
    """A stimulator programming visit: why, what changed, and the pain after."""

    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="reprogrammings")
    entered_by = _entered_by()
    on = models.DateField()
    reason = models.CharField(max_length=200)
    settings_note = models.CharField("what changed", max_length=300, blank=True)
    nrs_after = models.PositiveSmallIntegerField(
        "pain after (NRS 0–10)", null=True, blank=True, validators=[MaxValueValidator(10)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(nrs_after__lte=10), name="reprogramming_nrs_0_10"),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name="reprogramming_void_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Reprogramming {self.on}: {self.reason}"


class Refill(Voidable):
    """A pump refill: the drug and strength put in, the prescribed daily dose, and when the next one is due."""

    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="refills")
    entered_by = _entered_by()
    on = models.DateField("refilled on")
    drug = models.CharField(max_length=80)
    concentration_mg_ml = models.DecimalField(
        "concentration (mg/mL)", max_digits=8, decimal_places=3, validators=[MinValueValidator(0.001)]
    )
    volume_ml = models.DecimalField("volume (mL)", max_digits=5, decimal_places=1, validators=[MinValueValidator(0.1)])
    # Four places: ziconotide is dosed in micrograms (2.4 µg/day is 0.0024 mg).
    daily_dose_mg = models.DecimalField(
        "daily dose (mg/day)", max_digits=9, decimal_places=4, validators=[MinValueValidator(0.0001)]
    )
    next_due_on = models.DateField("next refill due")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(concentration_mg_ml__gt=0, volume_ml__gt=0, daily_dose_mg__gt=0),
                name="refill_amounts_positive",
            ),
            models.CheckConstraint(condition=Q(next_due_on__gt=models.F("on")), name="refill_next_due_after"),
            models.CheckConstraint(condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name="refill_void_reason"),
        ]
        indexes = [models.Index(fields=["pathway", "on"], name="refill_pathway_idx")]

    def __str__(self) -> str:
        return f"Refill {self.on}: {self.drug} {self.concentration_mg_ml} mg/mL, {self.volume_ml} mL"

    @property
    def dry_on(self) -> datetime.date:
        return rules.reservoir_dry_on(self.on, self.volume_ml, self.concentration_mg_ml, self.daily_dose_mg)


class DiaryLink(models.Model):
    """A trial day's diary sent to the patient, the next morning, by the channel they consented to: answered once,
    until it expires (`implants.diary_links`)."""

    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="diary_links")
    day = models.DateField()
    channel = models.CharField(max_length=8)
    sent_to = models.CharField(max_length=254)
    nonce = models.CharField(max_length=40, editable=False)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            # One link per trial day: a second run of the daily job writes nothing.
            models.UniqueConstraint(fields=["pathway", "day"], name="diary_link_one_per_day"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="diary_link_expires"),
        ]
        indexes = [
            models.Index(fields=["expires_at"], condition=Q(sent_at__isnull=True), name="diary_link_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"Diary link for {self.day} of {self.pathway}"
