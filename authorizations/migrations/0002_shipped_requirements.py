"""Which payers require prior authorization for which procedure families, as shipped, and the roles' permissions.

Sources (verify against each payer's current list every year; administrators edit these rows):
- Medicare (Part B, physician office and ASC): no prior authorization for epidural steroid injections; coverage and
  frequency are set by LCD L39242 (and its article A58731) instead.
- Blue Cross Blue Shield of Florida (Florida Blue) and the eviCore-managed plans: the interventional pain
  management procedures below are on the utilization-management program's prior-authorization list (eviCore
  healthcare Interventional Pain Management guidelines, CMM-200 to CMM-211).
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from clinic.roles import sync_roles

PAYERS = {"medicare": "Medicare", "bcbs-fl": "Blue Cross Blue Shield of Florida", "evicore": "Aetna (eviCore-managed)"}
MEDICARE = "Medicare Part B: no prior authorization for ESIs; LCD L39242 / A58731 set coverage and frequency"
MANAGED = "eviCore healthcare Interventional Pain Management guidelines (CMM-200 to CMM-211): prior authorization list"
FAMILIES_MANAGED = ("esi", "facet", "mbb", "rfa", "si_joint", "scs", "pump")
SHIPPED = [("medicare", "esi", False, MEDICARE)] + [
    (payer, family, True, f"{MANAGED} ({PAYERS[payer]})")
    for payer in ("bcbs-fl", "evicore")
    for family in FAMILIES_MANAGED
]


def ship(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    payer_model = apps.get_model("patients", "Payer")
    requirement_model = apps.get_model("authorizations", "AuthorizationRequirement")
    for key, family, required, source in SHIPPED:
        payer, _ = payer_model.objects.get_or_create(key=key, defaults={"name": PAYERS[key]})
        requirement_model.objects.get_or_create(
            payer=payer, family=family, defaults={"required": required, "source": source}
        )
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("authorizations", "0001_prior_authorizations"), ("procedures", "0003_default_rules")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
