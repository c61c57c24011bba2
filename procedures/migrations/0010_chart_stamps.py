"""The patient's chart stamp renewed on every write to their procedures, sites and drugs, and the procedure names'
stamp on writes to the catalog: what the chart's kept procedures panel is kept under (`clinic.panels`)."""

from django.db import migrations

from clinic import reference
from patients import chart_stamp

BY_PROCEDURE = "(SELECT patient_id FROM procedures_procedure WHERE id = ROW.procedure_id)"


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0004_chart_stamps"),
        ("procedures", "0009_limit_rules_stamp"),
    ]

    operations = [
        chart_stamp.ChartStampTriggers("procedures_procedure", "ROW.patient_id"),
        chart_stamp.ChartStampTriggers("procedures_proceduresite", BY_PROCEDURE),
        chart_stamp.ChartStampTriggers("procedures_proceduremedication", BY_PROCEDURE),
        reference.StampTriggers("procedure names", ("procedures_proceduretype", "procedures_drug")),
    ]
