"""Triggers that renew the staff names' stamp on any write to a user's names: the chart's kept panels name the
physicians who performed and will see the patient (`clinic.panels`)."""

from django.db import migrations

from clinic import reference

# What the panels show of a user; logins (last_login) and password changes leave the kept HTML standing.
NAMES = ("username", "first_name", "last_name")


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0002_reference_stamps"),
    ]

    operations = [reference.StampTriggers("staff names", ("auth_user",), columns=NAMES)]
