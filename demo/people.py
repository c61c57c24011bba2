"""Synthetic people for the scale clinic: names, addresses, insurance and safety facts, never real people.

Name lists carry rough frequencies of a Florida clinic's register, so a search for a common name ("nguy",
"smith") finds hundreds of patients at scale, as it would in a real registry, and a rare one finds a few.
Accented spellings are kept ("Núñez", "José") so the folded search key is exercised.
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass

from patients.demo import ALLERGIES, ANTICOAGULANTS, PCPS, STREETS


def _weighted(text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """ "Smith:90 Johnson:70 …" → names and cumulative weights for random.choices."""
    names, cumulative, total = [], [], 0
    for item in text.split():
        name, _, weight = item.partition(":")
        total += int(weight or 1)
        names.append(name.replace("_", " "))
        cumulative.append(total)
    return tuple(names), tuple(cumulative)


LAST_NAMES = _weighted(
    """
    Smith:90 Johnson:70 Williams:60 Brown:55 Jones:55 García:50 Miller:45 Davis:45 Rodríguez:50 Martínez:45
    Hernández:45 López:40 González:40 Wilson:35 Anderson:35 Thomas:30 Taylor:30 Moore:30 Jackson:30 Martin:30
    Lee:30 Pérez:30 Thompson:28 White:28 Harris:26 Sánchez:26 Clark:24 Ramírez:24 Lewis:24 Robinson:24
    Walker:22 Young:20 Allen:20 King:20 Wright:20 Scott:18 Torres:20 Nguyen:45 Hill:18 Flores:18 Green:18
    Adams:18 Nelson:16 Baker:16 Hall:16 Rivera:22 Campbell:15 Mitchell:15 Carter:15 Roberts:15 Gómez:14
    Phillips:12 Evans:12 Turner:12 Díaz:14 Parker:12 Cruz:12 Edwards:12 Collins:12 Reyes:12 Stewart:11
    Morris:11 Morales:11 Murphy:11 Cook:10 Rogers:10 Gutiérrez:10 Ortiz:10 Morgan:10 Cooper:10 Peterson:10
    Bailey:10 Reed:10 Kelly:10 Howard:9 Ramos:9 Kim:12 Cox:9 Ward:9 Richardson:9 Watson:9 Brooks:9 Chávez:9
    Wood:9 James:9 Bennett:9 Gray:9 Mendoza:9 Ruiz:9 Hughes:8 Price:8 Álvarez:8 Castillo:8 Sanders:8 Patel:14
    Myers:8 Long:8 Ross:8 Foster:8 Jiménez:8 Powell:7 Jenkins:7 Perry:7 Russell:7 Sullivan:7 Bell:7 Coleman:7
    Butler:7 Henderson:7 Barnes:7 Fisher:6 Vásquez:6 Simmons:6 Romero:6 Jordan:6 Patterson:6 Alexander:6
    Hamilton:6 Graham:6 Reynolds:6 Griffin:6 Wallace:6 Moreno:6 West:6 Cole:6 Hayes:6 Bryant:6 Herrera:6
    Gibson:5 Ellis:5 Tran:12 Medina:5 Aguilar:5 Stevens:5 Murray:5 Ford:5 Castro:5 Marshall:5 Owens:5
    Harrison:5 Fernández:5 McDonald:5 Woods:5 Washington:5 Kennedy:5 Wells:5 Vargas:5 Henry:5 Chen:6
    Freeman:5 Webb:5 Tucker:5 Guzmán:5 Burns:5 Crawford:5 Olson:5 Simpson:5 Porter:5 Hunter:5 Gordon:5
    Mendez:5 Silva:5 Shaw:5 Snyder:5 Mason:5 Dixon:5 Muñoz:5 Hunt:5 Hicks:5 Holmes:5 Palmer:5 Wagner:4
    Black:4 Robertson:4 Boyd:4 Rose:4 Stone:4 Salazar:4 Fox:4 Warren:4 Mills:4 Meyer:4 Rice:4 Schmidt:4
    García-Márquez:1 Núñez:4 O'Brien:4 O'Connor:3 Müller:2 Sørensen:1 Lefèvre:1 Kowalski:2 Jensen:2 Cohen:3
    Okafor:2 Nwosu:1 Adeyemi:1 Haddad:2 Khoury:1 Yamamoto:1 Tanaka:1 Pham:6 Le:6 Huynh:3 Vo:3 Dang:2 Bui:2
    Do:2 Ngo:2 Duong:1 Truong:2 Phan:2 Nguyen-Tran:1 St._Pierre:1 Van_Buren:1 De_la_Cruz:2 Dos_Santos:1
    Papadopoulos:1 Rossi:2 Russo:2 Esposito:1 Bianchi:1 Novak:1 Horváth:1 Ivanov:1 Petrov:1 Lindqvist:1
    """
)
FIRST_NAMES = {
    "F": _weighted(
        """
        Mary:30 Patricia:25 Linda:25 Barbara:22 Elizabeth:22 Jennifer:20 Maria:25 Susan:20 Margaret:15
        Dorothy:12 Lisa:15 Nancy:15 Karen:18 Betty:12 Helen:10 Sandra:15 Donna:15 Carol:15 Ruth:8 Sharon:12
        Michelle:12 Laura:12 Sarah:12 Kimberly:12 Deborah:12 Jessica:10 Shirley:8 Cynthia:10 Angela:10
        Melissa:10 Brenda:10 Amy:8 Anna:8 Rebecca:8 Virginia:6 Kathleen:8 Pamela:8 Martha:6 Debra:8 Amanda:8
        Stephanie:8 Carolyn:6 Christine:6 Marie:6 Janet:6 Catherine:6 Frances:5 Ann:6 Joyce:6 Diane:6
        Alice:5 Julie:6 Heather:6 Teresa:6 Doris:4 Gloria:6 Evelyn:4 Jean:5 Cheryl:5 Mildred:3 Katherine:5
        Joan:5 Ashley:5 Judith:5 Rose:4 Janice:5 Kelly:4 Nicole:5 Judy:5 Christina:4 Kathy:4 Theresa:4
        Beverly:4 Denise:4 Tammy:4 Irene:3 Jane:4 Lori:4 Rachel:3 Marilyn:3 Andrea:3 Kathryn:3 Louise:3 Sara:3
        Anne:3 Jacqueline:3 Wanda:3 Bonnie:3 Julia:3 Ruby:3 Lois:3 Tina:3 Phyllis:3 Norma:3 Paula:3 Diana:3
        Annie:2 Lillian:2 Emily:3 Robin:2 Peggy:2 Crystal:2 Gladys:2 Rita:2 Dawn:2 Connie:2 Florence:2
        Tracy:2 Edna:2 Tiffany:2 Carmen:4 Rosa:4 Cindy:2 Grace:2 Wendy:2 Victoria:2 Edith:2 Kim:2 Sherry:2
        Sylvia:2 Josephine:2 Thelma:2 Shannon:2 Sheila:2 Ethel:2 Ellen:2 Elaine:2 Marjorie:2 Carrie:2
        Renée:2 Zoë:1 Chloé:1 Ana:4 Bárbara:1 Aisha:1 Mei:1 Ingrid:1 Nkechi:1 Thi:3 Lan:2 Hoa:2 Mai:2
        Linh:2 Yolanda:2 Guadalupe:2 Lucía:2 Sofía:2 Beatriz:1 Inés:1 Mónica:1 Hannah:2 Olivia:2 Emma:2
        """
    ),
    "M": _weighted(
        """
        James:30 John:30 Robert:30 Michael:28 William:25 David:25 Richard:20 Joseph:20 Thomas:18 Charles:18
        Christopher:15 Daniel:15 Matthew:12 Anthony:12 Donald:12 Mark:12 Paul:12 Steven:12 Andrew:10
        Kenneth:10 Joshua:8 Kevin:10 Brian:10 George:10 Edward:10 Ronald:10 Timothy:8 Jason:8 Jeffrey:8
        Ryan:6 Jacob:5 Gary:8 Nicholas:6 Eric:6 Jonathan:6 Stephen:6 Larry:6 Justin:5 Scott:6 Brandon:5
        Benjamin:5 Samuel:5 Frank:6 Gregory:5 Raymond:5 Alexander:4 Patrick:5 Jack:4 Dennis:5 Jerry:5
        Tyler:3 Aaron:4 José:8 Henry:4 Adam:4 Douglas:4 Nathan:3 Peter:4 Zachary:2 Kyle:3 Walter:4 Harold:4
        Jeremy:3 Ethan:2 Carl:4 Keith:4 Roger:4 Gerald:4 Christian:3 Terry:3 Sean:3 Arthur:3 Austin:2
        Noah:2 Lawrence:3 Jesse:3 Joe:3 Bryan:3 Billy:3 Jordan:2 Albert:3 Dylan:2 Bruce:3 Willie:3 Gabriel:2
        Alan:3 Juan:6 Logan:1 Wayne:3 Ralph:3 Roy:3 Eugene:3 Randy:3 Vincent:3 Russell:3 Louis:3 Philip:3
        Bobby:2 Johnny:2 Bradley:2 Luis:5 Carlos:5 Jorge:3 Manuel:3 Miguel:3 Pedro:2 Raúl:2 Jesús:2
        François:1 Björn:1 Ahmed:1 Kenji:1 Oluwaseun:1 Emeka:1 Minh:3 Tuan:2 Hung:2 Duc:2 Quang:1 Omar:2
        Ali:2 Hassan:1 Ivan:1 Dmitri:1 Giovanni:1 Marco:1 Andrés:2 Héctor:2 Rafael:2 Ramón:2 Sergio:2
        """
    ),
}
CITIES = (
    ("Tampa", "336"),
    ("Brandon", "335"),
    ("Clearwater", "337"),
    ("St. Petersburg", "337"),
    ("Lakeland", "338"),
    ("Sarasota", "342"),
    ("Wesley Chapel", "335"),
    ("Plant City", "335"),
)
AREA_CODES = ("813", "813", "727", "727", "941", "863", "352")
STREET_NAMES = (
    *STREETS,
    "Bay St",
    "Gulf Blvd",
    "Dale Mabry Hwy",
    "Fowler Ave",
    "Kennedy Blvd",
    "Hillsborough Ave",
    "Bruce B Downs Blvd",
    "Seminole Blvd",
    "Pine St",
    "Cedar Ct",
    "Heron Way",
    "Pelican Dr",
    "Mangrove Ln",
    "Orange Grove Rd",
)
MORE_PCPS = (
    *PCPS,
    "Dr. Grace Okonkwo, Brandon Family Practice",
    "Dr. Samuel Levin, Gulf Coast Internal Medicine",
    "Dr. Minh Tran, Westshore Primary Care",
    "Dr. Rosa Delgado, Clearwater Community Health",
    "",
)
ARCHIVE_REASONS = (
    "Moved out of the area",
    "Transferred care to another practice",
    "Deceased",
    "Duplicate registration merged into another record",
)
# Payer key and share of patients under 65 (Medicare covers most of those older); "" is no insurance on file.
PAYER_MIX_UNDER_65 = (("bcbs-fl", 26), ("evicore", 20), ("uhc", 24), ("cigna", 14), ("", 16))
# (key, name) for every payer the scale clinic uses; rule sets attach to the first three by key.
PAYERS = (
    ("medicare", "Medicare"),
    ("bcbs-fl", "Blue Cross Blue Shield of Florida"),
    ("evicore", "Aetna (eviCore-managed)"),
    ("uhc", "UnitedHealthcare"),
    ("cigna", "Cigna"),
)


def pick(rng: random.Random, weighted: tuple[tuple[str, ...], tuple[int, ...]]) -> str:
    names, cumulative = weighted
    return rng.choices(names, cum_weights=cumulative)[0]


@dataclass(frozen=True, slots=True)
class Person:
    """What the seeder decides about a patient before writing the row; the history reads the clinical facts."""

    first_name: str
    last_name: str
    sex: str
    born: datetime.date
    phone: str
    email: str
    address: str
    payer: str  # payer key, "" for none
    member_id: str
    weight_kg: str
    pcp: str
    anticoagulant: str  # the drug, "" for none
    diabetes: bool
    contrast_allergy: bool
    other_allergies: str
    bone_density_risk: bool


def person(rng: random.Random, today: datetime.date, number: int) -> Person:
    """One synthetic patient; `number` keeps e-mail addresses unique."""
    sex = rng.choices("FMXU", cum_weights=(560, 990, 995, 1000))[0]
    first = pick(rng, FIRST_NAMES["F" if sex == "F" else "M" if sex == "M" else rng.choice("FM")])
    last = pick(rng, LAST_NAMES)
    # Pain clinics see mostly middle-aged and older adults.
    age = min(95, max(19, round(rng.gauss(59, 14))))
    born = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
    payer = "medicare" if age >= 65 and rng.random() < 0.82 else _payer(rng)
    city, zip_prefix = rng.choice(CITIES)
    anticoagulant = rng.choice(ANTICOAGULANTS) if rng.random() < 0.16 else ""
    email = ""
    if rng.random() < 0.65:
        local = f"{first[0]}.{last}".casefold().encode("ascii", "ignore").decode().replace("'", "").replace(" ", "")
        email = f"{local}{number}@example.com"
    return Person(
        first_name=first,
        last_name=last,
        sex=sex,
        born=born,
        phone=f"({rng.choice(AREA_CODES)}) {rng.randint(200, 989)}-{rng.randint(0, 9999):04d}",
        email=email,
        address=f"{rng.randint(10, 19999)} {rng.choice(STREET_NAMES)}\n{city}, FL {zip_prefix}{rng.randint(0, 99):02d}",
        payer=payer,
        member_id=f"{payer[:3].upper()}{rng.randint(10**7, 10**8 - 1)}" if payer else "",
        weight_kg=f"{rng.randint(450, 1400) / 10:.1f}",
        pcp=rng.choice(MORE_PCPS),
        anticoagulant=anticoagulant,
        diabetes=rng.random() < 0.22,
        contrast_allergy=rng.random() < 0.05,
        other_allergies=rng.choice(ALLERGIES) if rng.random() < 0.18 else "",
        bone_density_risk=sex == "F" and age >= 52 and rng.random() < 0.6,
    )


def _payer(rng: random.Random) -> str:
    keys: Sequence[str] = [key for key, _weight in PAYER_MIX_UNDER_65]
    return rng.choices(keys, weights=[weight for _key, weight in PAYER_MIX_UNDER_65])[0]
