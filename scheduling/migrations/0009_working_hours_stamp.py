"""Triggers that renew the working hours' stamp on any write to the physicians' hours and time off
(`scheduling.hours`, kept between requests by `clinic.reference`)."""

from django.db import migrations

from clinic import reference

STAMP = "working hours"
TABLES = ("scheduling_workinghours", "scheduling_timeoff")


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0002_reference_stamps"),
        ("scheduling", "0008_no_overlap_declared"),
    ]

    operations = [reference.StampTriggers(STAMP, TABLES)]
