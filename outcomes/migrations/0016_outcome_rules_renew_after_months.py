"""Candidacy rules may ask for the qualifying procedures to be redone after a time (the repeat RFA's two years)."""

from django.db import migrations, models

from clinic.triggers import KeepingSQLiteTriggers


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0015_baseline_roles"),
    ]

    operations = [
        KeepingSQLiteTriggers(
            [
                migrations.AddField(
                    model_name="historicaloutcomerule",
                    name="renew_after_months",
                    field=models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Candidacy only: when the last procedure judged is more than this many months old, the qualifying procedures must be redone after it (0: never).",
                    ),
                ),
                migrations.AddField(
                    model_name="outcomerule",
                    name="renew_after_months",
                    field=models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Candidacy only: when the last procedure judged is more than this many months old, the qualifying procedures must be redone after it (0: never).",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="outcomerule",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("renew_after_months", 0), ("kind", "candidacy"), _connector="OR"),
                        name="outcome_rule_renews_only_candidacy",
                        violation_error_message="Only a candidacy rule can ask for its qualifying procedures again.",
                    ),
                ),
            ]
        ),
    ]
