"""A rule kind for spinal regions per session, and the shipped rule that an ESI session treats one region.

Safe to re-run: the rule is keyed by its code.
"""

from decimal import Decimal

from django.db import migrations, models


def ship_one_region_rule(apps, schema_editor):
    rule_set = apps.get_model("procedures", "RuleSet").objects.filter(name="Clinic default").first()
    if rule_set is None:
        return
    apps.get_model("procedures", "LimitRule").objects.update_or_create(
        code="esi-one-region",
        defaults={
            "rule_set": rule_set,
            "name": "Spinal regions per ESI session",
            "kind": "regions_per_session",
            "limit": Decimal(1),
            "window_months": 0,
            "families": "esi",
            "severity": "advisory",
            "source": "CMS article A58731: one spinal region (cervical/thoracic or lumbar/sacral) per ESI session",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0004_roles"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicallimitrule",
            name="kind",
            field=models.CharField(
                choices=[
                    ("sessions", "Sessions in a rolling window"),
                    ("mpe_total", "Steroid total (mg MPE) in a rolling window"),
                    ("spacing", "Minimum days between sessions"),
                    ("dose_per_session", "Steroid per session (mg MPE)"),
                    ("levels_per_session", "Spinal levels per session"),
                    ("regions_per_session", "Spinal regions per session"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="historicallimitrule",
            name="limit",
            field=models.DecimalField(
                decimal_places=2, help_text="Sessions, mg MPE, days, levels or regions, by kind.", max_digits=7
            ),
        ),
        migrations.AlterField(
            model_name="limitrule",
            name="kind",
            field=models.CharField(
                choices=[
                    ("sessions", "Sessions in a rolling window"),
                    ("mpe_total", "Steroid total (mg MPE) in a rolling window"),
                    ("spacing", "Minimum days between sessions"),
                    ("dose_per_session", "Steroid per session (mg MPE)"),
                    ("levels_per_session", "Spinal levels per session"),
                    ("regions_per_session", "Spinal regions per session"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="limitrule",
            name="limit",
            field=models.DecimalField(
                decimal_places=2, help_text="Sessions, mg MPE, days, levels or regions, by kind.", max_digits=7
            ),
        ),
        migrations.RunPython(ship_one_region_rule, migrations.RunPython.noop),
    ]
