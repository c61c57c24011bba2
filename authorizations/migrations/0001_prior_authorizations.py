"""Prior authorizations, the units logged procedures use, and which payers require them."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("patients", "0006_questionnaire_channel"),
        ("procedures", "0011_versions_and_form_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Authorization",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(blank=True, max_length=60, verbose_name="authorization number")),
                (
                    "region",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Any region"),
                            ("cervicothoracic", "Cervical / thoracic"),
                            ("lumbosacral", "Lumbar / sacral"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "units_approved",
                    models.PositiveSmallIntegerField(
                        default=1, validators=[django.core.validators.MinValueValidator(1)]
                    ),
                ),
                ("valid_from", models.DateField(blank=True, null=True)),
                ("valid_to", models.DateField(blank=True, null=True)),
                (
                    "status",
                    models.CharField(
                        choices=[("requested", "Requested"), ("approved", "Approved"), ("denied", "Denied")],
                        default="requested",
                        max_length=10,
                    ),
                ),
                ("requested_on", models.DateField()),
                ("decided_on", models.DateField(blank=True, null=True)),
                (
                    "documents",
                    models.CharField(
                        blank=True,
                        help_text="By name, e.g. MRI report 2026-10-02; clinic note 2026-11-20",
                        max_length=300,
                        verbose_name="documents",
                    ),
                ),
                ("note", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, help_text="One more on every saved change."),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="authorizations",
                        to="patients.patient",
                    ),
                ),
                (
                    "payer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="patients.payer"
                    ),
                ),
                (
                    "procedure_types",
                    models.ManyToManyField(
                        related_name="+", to="procedures.proceduretype", verbose_name="procedures covered"
                    ),
                ),
            ],
            options={
                "ordering": ["-requested_on", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="AuthorizationRequirement",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "family",
                    models.CharField(
                        choices=[
                            ("esi", "Epidural steroid injection"),
                            ("snrb", "Selective nerve root block"),
                            ("facet", "Facet joint injection"),
                            ("mbb", "Medial branch block"),
                            ("rfa", "Radiofrequency ablation (facet)"),
                            ("si_joint", "Sacroiliac joint"),
                            ("tpi", "Trigger point injection"),
                            ("joint", "Joint / soft-tissue injection"),
                            ("peripheral_nerve", "Peripheral nerve block / ablation"),
                            ("cryo", "Cryoneurolysis"),
                            ("scs", "Spinal cord stimulator"),
                            ("pump", "Intrathecal pump"),
                            ("intradiscal", "Intradiscal therapy"),
                            ("discectomy", "Percutaneous discectomy"),
                            ("hydrodissection", "Nerve hydrodissection"),
                        ],
                        max_length=20,
                    ),
                ),
                ("required", models.BooleanField(default=True)),
                ("source", models.CharField(max_length=300)),
                (
                    "payer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="authorization_requirements",
                        to="patients.payer",
                    ),
                ),
            ],
            options={
                "ordering": ["payer__name", "family"],
            },
        ),
        migrations.CreateModel(
            name="AuthorizationUse",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("used_at", models.DateTimeField()),
                ("released_at", models.DateTimeField(blank=True, null=True)),
                ("release_reason", models.CharField(blank=True, max_length=300)),
                (
                    "authorization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="uses",
                        to="authorizations.authorization",
                    ),
                ),
                (
                    "procedure",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="procedures.procedure"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="HistoricalAuthorization",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("number", models.CharField(blank=True, max_length=60, verbose_name="authorization number")),
                (
                    "region",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Any region"),
                            ("cervicothoracic", "Cervical / thoracic"),
                            ("lumbosacral", "Lumbar / sacral"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "units_approved",
                    models.PositiveSmallIntegerField(
                        default=1, validators=[django.core.validators.MinValueValidator(1)]
                    ),
                ),
                ("valid_from", models.DateField(blank=True, null=True)),
                ("valid_to", models.DateField(blank=True, null=True)),
                (
                    "status",
                    models.CharField(
                        choices=[("requested", "Requested"), ("approved", "Approved"), ("denied", "Denied")],
                        default="requested",
                        max_length=10,
                    ),
                ),
                ("requested_on", models.DateField()),
                ("decided_on", models.DateField(blank=True, null=True)),
                (
                    "documents",
                    models.CharField(
                        blank=True,
                        help_text="By name, e.g. MRI report 2026-10-02; clinic note 2026-11-20",
                        max_length=300,
                        verbose_name="documents",
                    ),
                ),
                ("note", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, help_text="One more on every saved change."),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="patients.patient",
                    ),
                ),
                (
                    "payer",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="patients.payer",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical authorization",
                "verbose_name_plural": "historical authorizations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalAuthorizationRequirement",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "family",
                    models.CharField(
                        choices=[
                            ("esi", "Epidural steroid injection"),
                            ("snrb", "Selective nerve root block"),
                            ("facet", "Facet joint injection"),
                            ("mbb", "Medial branch block"),
                            ("rfa", "Radiofrequency ablation (facet)"),
                            ("si_joint", "Sacroiliac joint"),
                            ("tpi", "Trigger point injection"),
                            ("joint", "Joint / soft-tissue injection"),
                            ("peripheral_nerve", "Peripheral nerve block / ablation"),
                            ("cryo", "Cryoneurolysis"),
                            ("scs", "Spinal cord stimulator"),
                            ("pump", "Intrathecal pump"),
                            ("intradiscal", "Intradiscal therapy"),
                            ("discectomy", "Percutaneous discectomy"),
                            ("hydrodissection", "Nerve hydrodissection"),
                        ],
                        max_length=20,
                    ),
                ),
                ("required", models.BooleanField(default=True)),
                ("source", models.CharField(max_length=300)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "payer",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="patients.payer",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical authorization requirement",
                "verbose_name_plural": "historical authorization requirements",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalAuthorizationUse",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("used_at", models.DateTimeField()),
                ("released_at", models.DateTimeField(blank=True, null=True)),
                ("release_reason", models.CharField(blank=True, max_length=300)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "authorization",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="authorizations.authorization",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "procedure",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="procedures.procedure",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical authorization use",
                "verbose_name_plural": "historical authorization uses",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddIndex(
            model_name="authorization",
            index=models.Index(fields=["patient", "status"], name="authorization_patient_idx"),
        ),
        migrations.AddIndex(
            model_name="authorization",
            index=models.Index(fields=["status", "valid_to"], name="authorization_status_to_idx"),
        ),
        migrations.AddIndex(
            model_name="authorization",
            index=models.Index(fields=["status", "requested_on"], name="authorization_status_req_idx"),
        ),
        migrations.AddConstraint(
            model_name="authorization",
            constraint=models.CheckConstraint(
                condition=models.Q(("units_approved__gte", 1)), name="authorization_units_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="authorization",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "approved"), _negated=True),
                    models.Q(
                        ("valid_from__isnull", False),
                        ("valid_to__isnull", False),
                        models.Q(("number", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="authorization_approved_has_number_and_dates",
            ),
        ),
        migrations.AddConstraint(
            model_name="authorization",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_from__isnull", True),
                    ("valid_to__isnull", True),
                    ("valid_to__gte", models.F("valid_from")),
                    _connector="OR",
                ),
                name="authorization_dates_in_order",
            ),
        ),
        migrations.AddConstraint(
            model_name="authorizationrequirement",
            constraint=models.UniqueConstraint(fields=("payer", "family"), name="authorization_requirement_unique"),
        ),
        migrations.AddConstraint(
            model_name="authorizationrequirement",
            constraint=models.CheckConstraint(
                condition=models.Q(("source", ""), _negated=True), name="authorization_requirement_has_source"
            ),
        ),
        migrations.AddConstraint(
            model_name="authorizationuse",
            constraint=models.UniqueConstraint(
                condition=models.Q(("released_at__isnull", True)),
                fields=("procedure",),
                name="authorization_use_one_per_procedure",
            ),
        ),
    ]
