"""What makes a trial successful, as shipped, and the roles' permissions for the pathways.

- Spinal cord stimulator: a trial with ≥ 50% relief before the permanent implant (domain.md §4; Florida Blue
  medical policy MP-328, "Spinal Cord Stimulation"). Judged on the mean of at least 3 diary days, because trials
  run 3 to 10 days and a day or two says little.
- Intrathecal pump: the policies name no one threshold; the same ≥ 50% relief after the trial dose is the usual
  test (Deer et al., Polyanalgesic Consensus Conference 2017, *Neuromodulation* 20:96-132). One day: a pump trial
  is often a single bolus. Clinics edit both in the admin site.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from clinic.roles import sync_roles

SHIPPED = [
    ("scs", 50, 3, "BCBS FL MP-328 (Spinal Cord Stimulation): a trial with ≥ 50% relief"),
    ("pump", 50, 1, "Polyanalgesic Consensus Conference 2017 (Deer et al.): ≥ 50% relief after the trial dose"),
]


def ship(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rule = apps.get_model("implants", "TrialRule")
    for device, relief, days, source in SHIPPED:
        rule.objects.get_or_create(
            device=device, defaults={"min_relief_pct": relief, "min_days": days, "source": source}
        )
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("implants", "0001_pathways"), ("authorizations", "0002_shipped_requirements")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
