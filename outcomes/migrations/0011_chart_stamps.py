"""The patient's chart stamp renewed on every write to their procedures' calls and kept responses: what the
chart's kept outcomes panel is kept under (`clinic.panels`)."""

from django.db import migrations

from patients import chart_stamp

BY_PROCEDURE = "(SELECT patient_id FROM procedures_procedure WHERE id = ROW.procedure_id)"


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0004_chart_stamps"),
        ("procedures", "0010_chart_stamps"),
        ("outcomes", "0010_outcome_rules_stamp"),
    ]

    operations = [
        chart_stamp.ChartStampTriggers("outcomes_followup", BY_PROCEDURE),
        chart_stamp.ChartStampTriggers("outcomes_procedureresponse", BY_PROCEDURE),
    ]
