"""Demo data for trying Pinpoint: staff logins and synthetic patients. Safe to run again."""

import random
from base64 import b32encode
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from authorizations.demo import seed_authorizations
from clinic.mfa.policy import is_required
from clinic.mfa.services import authenticator_preset
from clinic.roles import Role, sync_roles
from demo.logins import DEMO_AUTHENTICATOR_KEY, DEMO_PASSWORD, DEMO_USERS, role_groups, staff_login
from implants.demo import seed_pathways
from outcomes.demo import seed_follow_ups, seed_links
from patients.demo import seed_patients
from procedures.demo import seed_procedures
from scheduling.demo import seed_schedule


class Command(BaseCommand):
    help = "Create the demo staff logins and synthetic patients (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        sync_roles()
        password, groups = make_password(DEMO_PASSWORD), role_groups()
        for account in DEMO_USERS:
            staff_login(*account, password=password, groups=groups)
        two_step = []
        for username, *_rest in DEMO_USERS:
            user = User.objects.get(username=username)
            if is_required(user):
                # A demo user who set up their own authenticator keeps it.
                authenticator_preset(user=user, key=DEMO_AUTHENTICATOR_KEY)
                two_step.append(username)
        # A fixed seed: the same demo every time, so a second run finds everything in place.
        rng = random.Random(2026)
        today = timezone.localdate()
        patients = seed_patients(rng, today)
        physicians = [User.objects.get(username=name) for name, _f, _l, role in DEMO_USERS if role is Role.PHYSICIAN]
        added = seed_procedures(rng, today, patients, physicians)
        # Its own seed, so the schedule is the same whether or not the history was seeded in this run.
        booked = seed_schedule(random.Random(2027), today, patients, physicians, User.objects.get(username="frontdesk"))
        followed = seed_follow_ups(random.Random(2028), today, User.objects.get(username="nurse"))
        sent = seed_links(today)
        authorized = seed_authorizations(today, User.objects.get(username="frontdesk"))
        pathways = seed_pathways(today, User.objects.get(username="physician"), User.objects.get(username="nurse"))
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(patients)} patients."))
        self.stdout.write(f"Demo procedures: {added} added." if added else "Demo procedures: already in place.")
        self.stdout.write(f"Demo schedule: {booked} booked." if booked else "Demo schedule: already in place.")
        self.stdout.write(
            f"Demo follow-ups: {followed} recorded." if followed else "Demo follow-ups: already in place."
        )
        self.stdout.write(f"Demo questionnaire links: {sent} sent." if sent else "Demo questionnaire links: in place.")
        self.stdout.write(
            f"Demo authorizations: {authorized} recorded." if authorized else "Demo authorizations: in place."
        )
        self.stdout.write(
            f"Demo stimulator and pump pathways: {pathways} opened." if pathways else "Demo pathways: in place."
        )
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role.value}")
        if two_step:
            key = b32encode(DEMO_AUTHENTICATOR_KEY).decode()
            self.stdout.write(
                f"Two-step login for {', '.join(two_step)}: add the authenticator key {key} to an authenticator app"
                f" (or run `oathtool --totp -b {key}`) and enter its code after the password."
            )
