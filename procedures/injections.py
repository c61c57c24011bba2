"""The one place a procedure becomes the engine's `Injection`: a record, an entry being typed, a booked visit,
or rows read in bulk for the standing limits. Pure: plain values in, an `Injection` out."""

from collections.abc import Iterable
from datetime import date

from procedures import exposure, spine


def build(
    *,
    id: int | None,
    on: date,
    family: str,
    intent: str,
    approach: str,
    sites: Iterable[tuple[str, str]],
    doses: Iterable[exposure.Dose],
    voided: bool = False,
    booked: bool = False,
    label: str = "",
) -> exposure.Injection:
    """`sites` are (level or named site, side) pairs; only spinal levels give levels and regions."""
    site_list = list(sites)
    levels = frozenset(place for place, _side in site_list if place in spine.LEVEL_ORDER)
    return exposure.Injection(
        id=id,
        on=on,
        family=family,
        intent=intent,
        approach=approach,
        regions=spine.regions_of(levels),
        levels=levels,
        bilateral=spine.is_bilateral(site_list),
        doses=tuple(doses),
        voided=voided,
        booked=booked,
        label=label,
    )
