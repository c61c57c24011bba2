"""Triggers that renew the staff stamp on a write to who holds a role, who is active, a password (an integration
account has none to log in with) or a name: a posted physician is found in the copy of the physicians each process
keeps under it (`clinic.staff.PhysicianChoiceField`, `clinic.reference`). A login, which sets `last_login`, is no
change to it. `auth_user` carries the staff names' triggers already: these are named apart."""

from django.db import migrations

from clinic import reference

STAMP = "staff"
USER_COLUMNS = ("username", "first_name", "last_name", "password", "is_active")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("clinic", "0008_access_log_day_sheet"),
    ]

    operations = [
        reference.StampTriggers(
            STAMP, ("auth_user", "auth_user_groups"), columns={"auth_user": USER_COLUMNS}, trigger="staff_stamp"
        )
    ]
