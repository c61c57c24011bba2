"""Spinal levels, named sites and sides: the vocabulary of where a procedure was done.

Pure data and functions, shared by the models, the forms and the exposure engine's adapter.
"""

from collections.abc import Iterable

from procedures.exposure import Region

_SEGMENTS = [("C", 7), ("T", 12), ("L", 5), ("S", 5)]


def _vertebrae() -> list[str]:
    return [f"{letter}{n}" for letter, count in _SEGMENTS for n in range(1, count + 1)]


def _levels() -> list[str]:
    """Vertebrae and the interspaces between them, head to tail: C1, C1-C2, C2, …, L5, L5-S1, S1, …, S5."""
    vertebrae = _vertebrae()
    levels: list[str] = []
    for upper, lower in zip(vertebrae, [*vertebrae[1:], ""], strict=True):
        levels.append(upper)
        # The sacrum is fused: no interspaces below S1.
        if lower and not upper.startswith("S"):
            levels.append(f"{upper}-{lower}")
    return levels


LEVELS: list[str] = _levels()
LEVEL_ORDER = {level: index for index, level in enumerate(LEVELS)}

NAMED_SITES: list[tuple[str, str]] = [
    ("sacroiliac_joint", "Sacroiliac joint"),
    ("knee", "Knee"),
    ("hip", "Hip"),
    ("shoulder", "Shoulder"),
    ("genicular_nerves", "Genicular nerves"),
    ("greater_occipital_nerve", "Greater occipital nerve"),
    ("lesser_occipital_nerve", "Lesser occipital nerve"),
    ("stellate_ganglion", "Stellate ganglion"),
    ("trigger_points", "Trigger points (muscle)"),
    ("ganglion_impar", "Ganglion impar / coccyx"),
    ("peripheral_nerve", "Other peripheral nerve"),
    ("other", "Other site"),
]
NAMED_SITE_LABELS = dict(NAMED_SITES)


def region_of(level: str) -> Region:
    """The payer's region of a level. An interspace belongs to its upper vertebra (its exiting nerve root):
    L5-S1 is lumbar/sacral, T12-L1 is cervical/thoracic."""
    return Region.CERVICOTHORACIC if level[0] in "CT" else Region.LUMBOSACRAL


def regions_of(levels: Iterable[str]) -> frozenset[Region]:
    return frozenset(region_of(level) for level in levels)


def is_bilateral(sites: Iterable[tuple[str, str]]) -> bool:
    """(place, side) pairs: bilateral when a site says so, or one place is done on the left and the right."""
    sides_by_place: dict[str, set[str]] = {}
    for place, side in sites:
        sides_by_place.setdefault(place, set()).add(side)
    return any("bilateral" in sides or {"left", "right"} <= sides for sides in sides_by_place.values())


def level_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Levels grouped for a <select>: spinal levels by region, then named sites."""
    cervical = [(lvl, lvl) for lvl in LEVELS if lvl[0] in "CT"]
    lumbar = [(lvl, lvl) for lvl in LEVELS if lvl[0] in "LS"]
    named = [(f"site:{key}", label) for key, label in NAMED_SITES]
    return [
        ("Lumbar / sacral", lumbar),
        ("Cervical / thoracic", cervical),
        ("Other sites", named),
    ]
