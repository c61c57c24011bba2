"""Declare the no-double-booking exclusion constraints on `Appointment`, in the migration state alone.

Migration 0002 created them on PostgreSQL with SQL; the database keeps those objects as they are, and the model
now says what they are (`scheduling.constraints`), its freed statuses taken from `FREEING_STATUSES`.
"""

import django.contrib.postgres.fields.ranges
from django.db import migrations, models

import scheduling.constraints


def no_overlap(name: str, column: str) -> migrations.AddConstraint:
    # The statuses as the model built them when this was written; the migration keeps its own copy.
    return migrations.AddConstraint(
        model_name="appointment",
        constraint=scheduling.constraints.PostgreSQLExclusionConstraint(
            condition=models.Q(("status__in", ["cancelled", "no_show"]), _negated=True),
            expressions=[
                (column, "="),
                (
                    scheduling.constraints.TsTzRange(
                        "starts_at", "ends_at", django.contrib.postgres.fields.ranges.RangeBoundary()
                    ),
                    "&&",
                ),
            ],
            name=name,
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0007_versions_and_form_tokens")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                no_overlap("appointment_physician_no_overlap", "physician"),
                no_overlap("appointment_room_no_overlap", "room"),
                no_overlap("appointment_patient_no_overlap", "patient"),
            ],
        ),
    ]
