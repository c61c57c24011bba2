"""Triggers that renew the rooms' stamp on any write to the rooms (`scheduling.forms`: the booking form's room is
found in the copy of the active rooms each process keeps under it, `clinic.reference`)."""

from django.db import migrations

from clinic import reference

STAMP = "rooms"
TABLES = ("scheduling_room",)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0002_reference_stamps"),
        ("scheduling", "0009_working_hours_stamp"),
    ]

    operations = [reference.StampTriggers(STAMP, TABLES)]
