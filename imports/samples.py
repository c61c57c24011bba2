"""Sample procedure logs, as a clinic's spreadsheet exports one: for trying the import and for its tests.

`procedure_log` builds the rows: a few patients whose history puts them at or over a limit on `end` (the
stories below, always first), then ordinary episodes of care, chosen by a seeded generator so the same
arguments give the same file. Everyone in it is new to Pinpoint (MRNs "E" and six digits), so the first
import registers them. The physicians are the demo clinic's (`seed_demo`), named as clinics write them.
"""

import csv
import datetime
import io
import random
from collections.abc import Iterator

from openpyxl import Workbook  # type: ignore[import-untyped]  # no stubs for openpyxl 3.1

HEADERS = [
    "Date of service",
    "Time",
    "MRN",
    "Last name",
    "First name",
    "DOB",
    "Sex",
    "Procedure",
    "Levels",
    "Side",
    "Steroid",
    "Dose (mg)",
    "Physician",
]
PHYSICIANS = ["Paul Ibarra", "Dr Chen", "drokafor", "Dr. Hannah Chen", "Emeka Okafor", "physician"]
DEX, TRI, MP = "Dexamethasone sodium phosphate", "Triamcinolone acetonide", "Methylprednisolone acetate"
FIRST = "Ava Ben Carla Dev Elena Farid Grace Hugo Ines Jonah Kira Luis Mina Noah Olga Pavel Quinn Rosa Sami Tara"
LAST = (
    "Abbott Baptiste Castillo Dubois Eriksen Fontaine Guerra Hayes Ivanova Jensen Kowal Lindqvist Moreau Nakamura "
    "Okonkwo Petrov Quintero Rahman Schultz Takahashi Umarov Vance Whitaker Xu Yilmaz Zielinski"
)

# (procedure, levels, sides, steroid, doses): the kinds of visit an ordinary episode is made of; the choices of
# levels are separated by "|", of sides and doses by spaces.
VISITS = {
    "tfesi": ("esi-transforaminal", "L4-L5|L5-S1|L4-5, L5-S1", "left right bilateral", DEX, "10"),
    "ilesi": ("esi-interlaminar", "L5-S1|L4-L5", "midline", TRI, "40 80"),
    "mbb": ("mbb", "L3-L4, L4-L5|L4-L5, L5-S1", "bilateral left right", "", ""),
    "rfa": ("rfa-facet", "L4-L5, L5-S1", "bilateral", "", ""),
    "facet": ("facet-ia", "L4-L5|L5-S1", "bilateral", MP, "40"),
    "si": ("si-injection", "Sacroiliac joint", "left right", TRI, "40"),
    "tpi": ("Trigger point injections", "trigger points", "bilateral left", "", ""),
    "knee": ("joint-major", "knee", "left right", TRI, "40"),
}
EPISODES = [("tfesi", "tfesi"), ("ilesi",), ("mbb", "mbb", "rfa"), ("facet",), ("si", "si"), ("tpi",), ("knee",)]


def procedure_log(rows: int, *, end: datetime.date, seed: int = 1) -> list[list[str]]:
    """`rows` rows (the header not counted), oldest first, the last on or before `end`."""
    dice = random.Random(seed)
    mrns: dict[str, str] = {}
    found: list[list[str]] = []
    for visits in _stories(end):
        found += [_row(visit, mrns, seed, dice) for visit in visits]
    while len(found) < rows:
        found += [_row(visit, mrns, seed, dice) for visit in _episode(end, dice)]
    chosen = found[:rows]
    return sorted(chosen, key=lambda row: (row[0], row[1], row[2]))


def _stories(end: datetime.date) -> Iterator[list[dict[str, object]]]:
    """Patients over, at and near a limit on `end`, each a list of visits."""

    def ago(days: int) -> datetime.date:
        return end - datetime.timedelta(days=days)

    lumbar = {"procedure": "esi-transforaminal", "levels": "L4-L5", "side": "left", "drug": DEX, "dose": "10"}
    # Four lumbar ESIs in six months: over the clinic's 3 a region, and 4 × 53 mg MPE over the 200 mg a year.
    yield [{**lumbar, "day": ago(d), "who": "Walsh|Gordon|1958-03-11|M"} for d in (160, 110, 60, 12)]
    # Three in six months: at the clinic's limit.
    yield [{**lumbar, "day": ago(d), "side": "right", "who": "Ortega|Lucia|1971-07-29|F"} for d in (150, 90, 30)]
    # Facet injections with 80 mg triamcinolone: 240 mg in a year, over the steroid cap.
    facet = {"procedure": "Facet joint injection (intra-articular)", "levels": "L4-5", "side": "bilateral"}
    yield [
        {**facet, "drug": TRI, "dose": "80", "day": ago(d), "who": "Brennan|Maeve|1949-12-02|F"} for d in (300, 180, 40)
    ]
    # Cervical ESIs twice: within every limit, a second region for the same patient as a lumbar one.
    cervical = {"procedure": "esi-interlaminar", "levels": "C6-C7", "side": "midline", "drug": DEX, "dose": "10"}
    yield [{**cervical, "day": ago(d), "who": "Walsh|Gordon|1958-03-11|M"} for d in (400, 250)]


def _episode(end: datetime.date, dice: random.Random) -> list[dict[str, object]]:
    born = datetime.date(dice.randint(1940, 1995), dice.randint(1, 12), dice.randint(1, 28))
    who = f"{dice.choice(LAST.split())}|{dice.choice(FIRST.split())}|{born}|{dice.choice('FM')}"
    day = end - datetime.timedelta(days=dice.randint(0, 3 * 365))
    visits: list[dict[str, object]] = []
    for kind in dice.choice(EPISODES):
        if day > end:
            break
        code, levels, sides, drug, doses = VISITS[kind]
        visits.append(
            {
                "day": day,
                "who": who,
                "procedure": code,
                "levels": dice.choice(levels.split("|")),
                "side": dice.choice(sides.split()),
                "drug": drug,
                "dose": dice.choice(doses.split()) if doses else "",
            }
        )
        day += datetime.timedelta(days=dice.randint(42, 120))
    return visits


def _row(visit: dict[str, object], mrns: dict[str, str], seed: int, dice: random.Random) -> list[str]:
    """A visit as a row; each person gets the next MRN the first time they appear: "E" and the seed, then a
    count ("E100001", … for seed 1). Each seed is another clinic's log: its story patients carry other MRNs."""
    last, first, born, sex = str(visit["who"]).split("|")
    day = visit["day"]
    assert isinstance(day, datetime.date)
    time = f"{dice.choice([8, 9, 10, 11, 13, 14, 15])}:{dice.choice(['00', '15', '30', '45'])}"
    mrn = mrns.setdefault(str(visit["who"]), f"E{seed}{len(mrns) + 1:05d}")
    return [
        day.isoformat(),
        time,
        mrn,
        last,
        first,
        born,
        sex,
        str(visit["procedure"]),
        str(visit["levels"]),
        str(visit["side"]),
        str(visit["drug"]),
        str(visit["dose"]),
        dice.choice(PHYSICIANS),
    ]


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode()


def as_xlsx(rows: list[list[str]]) -> bytes:
    """A workbook as Excel saves one: dates as dates, doses as numbers."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Procedure log"
    sheet.append(HEADERS)
    for row in rows:
        cells: list[object] = list(row)
        cells[0] = datetime.date.fromisoformat(row[0])
        cells[5] = datetime.date.fromisoformat(row[5])
        cells[11] = float(row[11]) if row[11] else None
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
