"""The patient's chart stamp renewed on every write to their prior authorizations, the procedure types each covers
and the units each has used: what the chart's kept prior-authorization panel is kept under (`clinic.panels`), with the
"limit rules" stamp, which every write to the payers renews (procedures/migrations/0009), for the payers' names."""

from django.db import migrations

from patients import chart_stamp

BY_AUTHORIZATION = "(SELECT patient_id FROM authorizations_authorization WHERE id = ROW.authorization_id)"


class Migration(migrations.Migration):
    dependencies = [
        ("authorizations", "0002_shipped_requirements"),
        ("patients", "0004_chart_stamps"),
        ("procedures", "0009_limit_rules_stamp"),
    ]

    operations = [
        chart_stamp.ChartStampTriggers("authorizations_authorization", "ROW.patient_id"),
        chart_stamp.ChartStampTriggers("authorizations_authorization_procedure_types", BY_AUTHORIZATION),
        chart_stamp.ChartStampTriggers("authorizations_authorizationuse", BY_AUTHORIZATION),
    ]
