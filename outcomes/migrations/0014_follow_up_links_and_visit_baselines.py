"""Questionnaire links and the check-in tablet's baselines."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0013_follow_up_order_index"),
        ("procedures", "0011_versions_and_form_tokens"),
        ("scheduling", "0008_no_overlap_declared"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FollowUpLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("call", "A call from the clinic"),
                            ("email", "Email link"),
                            ("sms", "Text message link"),
                        ],
                        max_length=5,
                    ),
                ),
                ("sent_to", models.CharField(max_length=254, verbose_name="sent to")),
                ("nonce", models.CharField(editable=False, max_length=32)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("expires_at", models.DateTimeField()),
                ("reminded_at", models.DateTimeField(blank=True, null=True)),
                ("opened_at", models.DateTimeField(blank=True, null=True)),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name="HistoricalFollowUpLink",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("call", "A call from the clinic"),
                            ("email", "Email link"),
                            ("sms", "Text message link"),
                        ],
                        max_length=5,
                    ),
                ),
                ("sent_to", models.CharField(max_length=254, verbose_name="sent to")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("expires_at", models.DateTimeField()),
                ("reminded_at", models.DateTimeField(blank=True, null=True)),
                ("opened_at", models.DateTimeField(blank=True, null=True)),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical follow up link",
                "verbose_name_plural": "historical follow up links",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalVisitBaseline",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("answered_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "nrs",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MaxValueValidator(10)], verbose_name="pain now (NRS 0–10)"
                    ),
                ),
                ("odi_answers", models.JSONField(blank=True, null=True, verbose_name="ODI answers")),
                ("odi_score", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="ODI (0–100)")),
                ("ndi_answers", models.JSONField(blank=True, null=True, verbose_name="NDI answers")),
                ("ndi_score", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="NDI (0–100)")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical visit baseline",
                "verbose_name_plural": "historical visit baselines",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="VisitBaseline",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("answered_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "nrs",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MaxValueValidator(10)], verbose_name="pain now (NRS 0–10)"
                    ),
                ),
                ("odi_answers", models.JSONField(blank=True, null=True, verbose_name="ODI answers")),
                ("odi_score", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="ODI (0–100)")),
                ("ndi_answers", models.JSONField(blank=True, null=True, verbose_name="NDI answers")),
                ("ndi_score", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="NDI (0–100)")),
            ],
        ),
        migrations.AlterField(
            model_name="followup",
            name="method",
            field=models.CharField(
                blank=True,
                choices=[
                    ("phone", "Phone"),
                    ("visit", "Visit"),
                    ("portal", "Portal"),
                    ("link", "Patient-reported (link)"),
                ],
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="historicalfollowup",
            name="method",
            field=models.CharField(
                blank=True,
                choices=[
                    ("phone", "Phone"),
                    ("visit", "Visit"),
                    ("portal", "Portal"),
                    ("link", "Patient-reported (link)"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("method", "link")), fields=["recorded_at"], name="follow_up_by_link_idx"
            ),
        ),
        migrations.AddField(
            model_name="followuplink",
            name="follow_up",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT, related_name="link", to="outcomes.followup"
            ),
        ),
        migrations.AddField(
            model_name="historicalfollowuplink",
            name="follow_up",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="outcomes.followup",
            ),
        ),
        migrations.AddField(
            model_name="historicalfollowuplink",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicalvisitbaseline",
            name="appointment",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="scheduling.appointment",
            ),
        ),
        migrations.AddField(
            model_name="historicalvisitbaseline",
            name="handed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalvisitbaseline",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="visitbaseline",
            name="appointment",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT, related_name="baseline", to="scheduling.appointment"
            ),
        ),
        migrations.AddField(
            model_name="visitbaseline",
            name="handed_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddIndex(
            model_name="followuplink",
            index=models.Index(fields=["sent_at", "channel"], name="follow_up_link_sent_idx"),
        ),
        migrations.AddIndex(
            model_name="followuplink",
            index=models.Index(
                condition=models.Q(("answered_at__isnull", True)), fields=["sent_at"], name="follow_up_link_open_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="followuplink",
            constraint=models.CheckConstraint(
                condition=models.Q(("channel__in", ["email", "sms"])), name="follow_up_link_channel"
            ),
        ),
        migrations.AddConstraint(
            model_name="followuplink",
            constraint=models.CheckConstraint(
                condition=models.Q(("expires_at__gt", models.F("created_at"))), name="follow_up_link_expires"
            ),
        ),
        migrations.AddConstraint(
            model_name="visitbaseline",
            constraint=models.CheckConstraint(condition=models.Q(("nrs__lte", 10)), name="visit_baseline_nrs_0_10"),
        ),
        migrations.AddConstraint(
            model_name="visitbaseline",
            constraint=models.CheckConstraint(
                condition=models.Q(("odi_score__lte", 100)), name="visit_baseline_odi_0_100"
            ),
        ),
        migrations.AddConstraint(
            model_name="visitbaseline",
            constraint=models.CheckConstraint(
                condition=models.Q(("ndi_score__lte", 100)), name="visit_baseline_ndi_0_100"
            ),
        ),
    ]
