"""The patient's chart stamp renewed on every write to their visits: what the chart's kept appointments panel is
kept under (`clinic.panels`)."""

from django.db import migrations

from patients import chart_stamp


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0004_chart_stamps"),
        ("scheduling", "0005_appointment_start_covering"),
    ]

    operations = [chart_stamp.ChartStampTriggers("scheduling_appointment", "ROW.patient_id")]
