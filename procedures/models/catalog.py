"""The clinic's catalog: procedure types and drugs. Administrators edit both in the admin site."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Family(models.TextChoices):
    """Procedure families (domain.md §1); limit rules match on these."""

    ESI = "esi", "Epidural steroid injection"
    SNRB = "snrb", "Selective nerve root block"
    FACET = "facet", "Facet joint injection"
    MBB = "mbb", "Medial branch block"
    RFA = "rfa", "Radiofrequency ablation (facet)"
    SI_JOINT = "si_joint", "Sacroiliac joint"
    TPI = "tpi", "Trigger point injection"
    JOINT = "joint", "Joint / soft-tissue injection"
    PERIPHERAL_NERVE = "peripheral_nerve", "Peripheral nerve block / ablation"
    CRYO = "cryo", "Cryoneurolysis"
    SCS = "scs", "Spinal cord stimulator"
    PUMP = "pump", "Intrathecal pump"
    INTRADISCAL = "intradiscal", "Intradiscal therapy"
    DISCECTOMY = "discectomy", "Percutaneous discectomy"
    HYDRODISSECTION = "hydrodissection", "Nerve hydrodissection"


class Intent(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "Diagnostic"
    THERAPEUTIC = "therapeutic", "Therapeutic"


class Approach(models.TextChoices):
    NONE = "", "—"
    INTERLAMINAR = "interlaminar", "Interlaminar"
    TRANSFORAMINAL = "transforaminal", "Transforaminal"
    CAUDAL = "caudal", "Caudal"
    INTRA_ARTICULAR = "intra_articular", "Intra-articular"
    MEDIAL_BRANCH = "medial_branch", "Medial branch"
    LATERAL_BRANCH = "lateral_branch", "Lateral branch"
    PERCUTANEOUS = "percutaneous", "Percutaneous"
    OTHER = "other", "Other"


# Corticosteroids by generic and brand name (domain.md §3), as they appear in a drug's name. A drug named after
# one of these but configured with another class has no MPE factor, so its steroid would count as 0 mg: the
# admin refuses it, and the procedure form warns about any already configured that way. Longer names first,
# so "Methylprednisolone acetate" is named as methylprednisolone, not prednisolone.
CORTICOSTEROID_NAMES = (
    "Methylprednisolone",
    "Triamcinolone",
    "Dexamethasone",
    "Betamethasone",
    "Prednisolone",
    "Prednisone",
    "Hydrocortisone",
    "Depo-Medrol",
    "Solu-Medrol",
    "Kenalog",
    "Celestone",
    "Decadron",
)


# The reference stamp that triggers on the procedure types and the drugs renew on any write (migration 0010): the
# copies of the catalog that forms and panels keep in each process are kept under it (`clinic.reference`).
CATALOG_STAMP = "procedure names"


class ProcedureTypeQuerySet(models.QuerySet["ProcedureType"]):
    def active(self) -> "ProcedureTypeQuerySet":
        return self.filter(active=True)


class ProcedureType(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    family = models.CharField(max_length=20, choices=Family.choices)
    approach = models.CharField(max_length=20, choices=Approach.choices, blank=True)
    default_intent = models.CharField(max_length=12, choices=Intent.choices, default=Intent.THERAPEUTIC)
    cpt_codes = models.CharField("CPT codes", max_length=120, help_text="e.g. 64483, +64484 (add-on per level)")
    spinal_level_required = models.BooleanField(
        default=True, help_text="A procedure of this type must name at least one spinal level."
    )
    active = models.BooleanField(default=True)

    objects = ProcedureTypeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def usual(self, *, intent: str, approach: str) -> tuple[str, str]:
        """The intent and approach a record means when "Usual for the procedure" (blank) was chosen."""
        return self.usual_of(
            intent=intent, approach=approach, default_intent=self.default_intent, default_approach=self.approach
        )

    @staticmethod
    def usual_of(*, intent: str, approach: str, default_intent: str, default_approach: str) -> tuple[str, str]:
        """`usual` from the type's own columns (its `default_intent` and `approach`), for rows read as values."""
        return intent or default_intent, approach or default_approach


class Drug(models.Model):
    class DrugClass(models.TextChoices):
        CORTICOSTEROID = "corticosteroid", "Corticosteroid"
        LOCAL_ANAESTHETIC = "local_anaesthetic", "Local anaesthetic"
        CONTRAST = "contrast", "Contrast agent"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120, unique=True)
    drug_class = models.CharField(max_length=20, choices=DrugClass.choices)
    mpe_factor = models.DecimalField(
        "MPE factor",
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Methylprednisolone-equivalent mg per mg (methylprednisolone = 1). Corticosteroids only.",
    )
    max_dose_mg = models.DecimalField(
        "plausible ceiling (mg)",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Doses above this per procedure are refused as implausible (e.g. dexamethasone 15 mg per ESI).",
    )
    particulate = models.BooleanField(
        default=False, help_text="Particulate steroid: warned against for transforaminal injections."
    )
    source = models.CharField(max_length=300, blank=True, help_text="Where the factor and ceiling come from.")
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                # NULL > 0 is unknown, which a CHECK lets through: say "not null" outright.
                condition=Q(drug_class="corticosteroid", mpe_factor__isnull=False, mpe_factor__gt=0)
                | (~Q(drug_class="corticosteroid") & Q(mpe_factor__isnull=True)),
                name="drug_mpe_factor_for_steroids_only",
                violation_error_message="Corticosteroids need a positive MPE factor; other drugs have none.",
            ),
            models.CheckConstraint(
                condition=Q(max_dose_mg__isnull=True) | Q(max_dose_mg__gt=0),
                name="drug_max_dose_positive",
                violation_error_message="The ceiling must be more than zero, or empty for none.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.uncounted_steroid:
            raise ValidationError(
                {
                    "drug_class": f"{self.steroid_in_name} sounds like a corticosteroid: set the class to "
                    "Corticosteroid and give its MPE factor, so its steroid is counted."
                }
            )

    @property
    def is_steroid(self) -> bool:
        return self.drug_class == self.DrugClass.CORTICOSTEROID

    @property
    def steroid_in_name(self) -> str:
        """The known corticosteroid the name mentions (e.g. "Triamcinolone"), or "" for none."""
        name = self.name.casefold()
        return next((steroid for steroid in CORTICOSTEROID_NAMES if steroid.casefold() in name), "")

    @property
    def uncounted_steroid(self) -> bool:
        """Named like a corticosteroid but not configured as one: its steroid would count as 0 mg MPE."""
        return bool(self.steroid_in_name) and not self.is_steroid

    def mpe(self, dose_mg: Decimal) -> Decimal:
        return dose_mg * (self.mpe_factor or 0)
