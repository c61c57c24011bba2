"""Synthetic demo patients: realistic, varied, and never real people."""

import datetime
import random
from decimal import Decimal

from patients import services
from patients.models import Channel, Patient, Payer

PAYERS = [
    ("Medicare", "medicare"),
    ("Blue Cross Blue Shield of Florida", "bcbs-fl"),
    ("Aetna (eviCore-managed)", "evicore"),
    ("UnitedHealthcare", "uhc"),
    ("Self-pay", "self-pay"),
]

FIRST = {
    "F": [
        "Maria",
        "Linda",
        "Patricia",
        "Renée",
        "Zoë",
        "Susan",
        "Dorothy",
        "Ana",
        "Chloé",
        "Margaret",
        "Grace",
        "Aisha",
        "Mei",
        "Joan",
        "Bárbara",
        "Helen",
        "Carol",
        "Ingrid",
        "Nkechi",
        "Ruth",
    ],
    "M": [
        "James",
        "Robert",
        "José",
        "Michael",
        "William",
        "Thomas",
        "François",
        "Ahmed",
        "David",
        "Kenji",
        "Raúl",
        "George",
        "Edward",
        "Björn",
        "Samuel",
        "Walter",
        "Luis",
        "Frank",
        "Oluwaseun",
        "Henry",
    ],
}
LAST = [
    "Smith",
    "Johnson",
    "Núñez",
    "Williams",
    "Brown",
    "García",
    "Miller",
    "Davis",
    "Rodríguez",
    "Martínez",
    "Hernández",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Müller",
    "O'Brien",
    "Nguyen",
    "Kim",
    "Okafor",
    "Schmidt",
    "Lefèvre",
    "Cohen",
    "Patel",
    "Kowalski",
    "Jensen",
    "Sørensen",
]
STREETS = ["Palm Ave", "Oak St", "Bayshore Blvd", "Magnolia Dr", "Cypress Ln", "Harbor Rd", "Sunset Way"]
PCPS = [
    "Dr. Ellen Park, Bayside Family Medicine",
    "Dr. Omar Haddad, Northside Internal Medicine",
    "Dr. Laura Chen, Coastal Primary Care",
    "Dr. Victor Ruiz, Westview Clinic",
]
ANTICOAGULANTS = ["apixaban 5 mg BID", "clopidogrel 75 mg daily", "warfarin (INR 2.4)", "aspirin 81 mg daily"]
ALLERGIES = ["penicillin", "sulfa drugs", "latex", "codeine", "shellfish"]

DEMO_PATIENT_COUNT = 50


def seed_payers() -> dict[str, Payer]:
    payers = {}
    for name, key in PAYERS:
        payers[key], _ = Payer.objects.get_or_create(key=key, defaults={"name": name})
    return payers


def seed_patients(rng: random.Random, today: datetime.date) -> list[Patient]:
    """Create the demo patients once; demo MRNs are fixed so a second run finds them and adds nothing."""
    payers = seed_payers()
    existing = {p.mrn: p for p in Patient.objects.filter(mrn__startswith="DEMO")}
    patients = []
    for number in range(1, DEMO_PATIENT_COUNT + 1):
        mrn = f"DEMO{number:03d}"
        # Draw every value even for existing patients, so later draws (procedures) stay the same.
        sex = rng.choice(["F", "F", "M", "M", "F", "M", "X"])
        first = rng.choice(FIRST["F" if sex == "F" else "M"])
        last = rng.choice(LAST)
        age = rng.randint(28, 88)
        born = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        payer = payers["medicare"] if age >= 65 and rng.random() < 0.85 else rng.choice(list(payers.values()))
        anticoagulant = rng.random() < 0.18
        fields: services.PatientFields = {
            "mrn": mrn,
            "first_name": first,
            "last_name": last,
            "date_of_birth": born,
            "sex": sex,
            "phone": f"(555) {rng.randint(200, 989):03d}-{rng.randint(0, 9999):04d}",
            "email": f"{first[0].lower()}.{last.lower().replace(chr(39), '')}{number}@example.com"
            if rng.random() < 0.7
            else "",
            "address": f"{rng.randint(10, 9999)} {rng.choice(STREETS)}\nTampa, FL 336{rng.randint(0, 99):02d}",
            "payer": payer,
            "member_id": f"{payer.key[:3].upper()}{rng.randint(10**7, 10**8 - 1)}" if payer.key != "self-pay" else "",
            "weight_kg": Decimal(rng.randint(480, 1250)) / 10,
            "primary_care_physician": rng.choice(PCPS),
            "anticoagulant": anticoagulant,
            "anticoagulant_detail": rng.choice(ANTICOAGULANTS) if anticoagulant else "",
            "diabetes": rng.random() < 0.22,
            "contrast_allergy": rng.random() < 0.06,
            "other_allergies": rng.choice(ALLERGIES) if rng.random() < 0.2 else "",
            "pregnant": False,
            "bone_density_risk": sex == "F" and age >= 52 and rng.random() < 0.7,
        }
        # About half answer their follow-ups by link: chosen by number, so the random draws stay as they were.
        channel = Channel.SMS if number % 3 == 0 else Channel.EMAIL if number % 3 == 1 and fields["email"] else None
        if channel:
            fields |= {"questionnaire_channel": channel, "questionnaire_consent": True}
        # Names are drawn at random and may repeat: a demo patient is known by its MRN.
        patients.append(existing.get(mrn) or services.patient_register(allow_duplicate=True, **fields))
    return patients
