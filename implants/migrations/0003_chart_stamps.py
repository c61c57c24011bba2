"""The patient's chart stamp renewed on every write to their stimulator and pump pathways and implants: what the
chart's kept *Stimulator and pump* panel is kept under (`clinic.panels`). Diary entries and refills change the
pathway row itself (its diary summary and next refill date), so their writes renew it through the pathway."""

from django.db import migrations

from patients import chart_stamp

BY_PATHWAY = "(SELECT patient_id FROM implants_pathway WHERE id = ROW.pathway_id)"


class Migration(migrations.Migration):
    dependencies = [("implants", "0002_shipped_trial_rules"), ("patients", "0004_chart_stamps")]

    operations = [
        chart_stamp.ChartStampTriggers("implants_pathway", "ROW.patient_id"),
        chart_stamp.ChartStampTriggers("implants_implant", BY_PATHWAY),
    ]
