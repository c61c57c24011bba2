"""The CPT codes a record bills, derived from its region, levels, sides and guidance: no database."""

import pytest

from procedures.billing import Session, bill

CATALOG = "catalog text"


def _session(type_code: str, *sites: tuple[str, str], guidance: str = "fluoroscopy", muscles: int | None = None):
    return Session(type_code=type_code, catalog_codes=CATALOG, sites=tuple(sites), guidance=guidance, muscles=muscles)


L45, L5S1, L34 = ("L4-L5", "left"), ("L5-S1", "left"), ("L3-L4", "left")


def both(level: str) -> tuple[str, str]:
    return (level, "bilateral")


CASES = [
    # (what, session, codes as printed)
    ("one-level lumbar TFESI", _session("esi-transforaminal", L5S1), ["64483"]),
    ("two-level lumbar TFESI", _session("esi-transforaminal", L45, L5S1), ["64483", "64484"]),
    (
        "two-level bilateral lumbar TFESI",
        _session("esi-transforaminal", both("L4-L5"), both("L5-S1")),
        ["64483-50", "64484-50"],
    ),
    ("left and right at one level is bilateral", _session("snrb", ("L5-S1", "left"), ("L5-S1", "right")), ["64483-50"]),
    ("three-level TFESI bills the add-on twice", _session("esi-transforaminal", L34, L45, L5S1), ["64483", "64484 ×2"]),
    ("cervical TFESI", _session("esi-transforaminal", ("C5-C6", "right")), ["64479"]),
    (
        "thoracic counts as cervical/thoracic",
        _session("snrb", ("T11-T12", "left"), ("T12-L1", "left")),
        ["64479", "64480"],
    ),
    ("one-level lumbar MBB", _session("mbb", both("L4-L5")), ["64493-50"]),
    ("two-level MBB", _session("mbb", L45, L5S1), ["64493", "64494"]),
    ("three-level MBB adds +64495", _session("mbb", L34, L45, L5S1), ["64493", "64494", "64495"]),
    (
        "four-level MBB: +64495 once for the third and beyond",
        _session("mbb", ("L2-L3", "left"), L34, L45, L5S1),
        ["64493", "64494", "64495"],
    ),
    (
        "three-level cervical facet",
        _session("facet-ia", ("C3-C4", "left"), ("C4-C5", "left"), ("C5-C6", "left")),
        ["64490", "64491", "64492"],
    ),
    ("lumbar RFA", _session("rfa-facet", both("L3-L4"), both("L4-L5"), both("L5-S1")), ["64635-50", "64636-50 ×2"]),
    ("cervical RFA", _session("rfa-facet", ("C3-C4", "right"), ("C4-C5", "right")), ["64633", "64634"]),
    ("lumbar interlaminar with fluoroscopy", _session("esi-interlaminar", ("L5-S1", "midline")), ["62323"]),
    ("lumbar interlaminar by landmark", _session("esi-interlaminar", ("L5-S1", "midline"), guidance="none"), ["62322"]),
    (
        "cervical interlaminar with imaging",
        _session("esi-interlaminar", ("C7-T1", "midline"), guidance="ct"),
        ["62321"],
    ),
    ("cervical interlaminar without", _session("esi-interlaminar", ("C7-T1", "midline"), guidance="none"), ["62320"]),
    ("caudal with no level named", _session("esi-caudal", ("other", "midline")), ["62323"]),
    ("SI joint with fluoroscopy", _session("si-injection", ("sacroiliac_joint", "right")), ["27096"]),
    ("bilateral SI joint", _session("si-injection", ("sacroiliac_joint", "bilateral")), ["27096-50"]),
    ("SI lateral branch RFA", _session("si-rfa", ("sacroiliac_joint", "left")), ["64625"]),
    ("trigger points, two muscles", _session("tpi", ("trigger_points", "left"), guidance="none", muscles=2), ["20552"]),
    (
        "trigger points, three muscles",
        _session("tpi", ("trigger_points", "left"), guidance="none", muscles=3),
        ["20553"],
    ),
    ("knee by landmark", _session("joint-major", ("knee", "right"), guidance="none"), ["20610"]),
    ("knee with ultrasound", _session("joint-major", ("knee", "right"), guidance="ultrasound"), ["20611"]),
    ("genicular block", _session("genicular-block", ("genicular_nerves", "left")), ["64454"]),
]


@pytest.mark.parametrize(("what", "session", "codes"), CASES, ids=[case[0] for case in CASES])
def test_it_derives_the_codes_from_the_record(what, session, codes):
    found = bill(session)
    assert [str(code) for code in found.codes] == codes
    assert found.verify == ""


REFERRED = [
    ("a type without a rule", _session("scs-trial", ("T8", "midline"))),
    ("levels in both regions", _session("esi-transforaminal", ("T12-L1", "left"), ("L1-L2", "left"))),
    ("TFESI by ultrasound", _session("esi-transforaminal", L5S1, guidance="ultrasound")),
    ("MBB without imaging", _session("mbb", L45, guidance="none")),
    ("some levels on both sides, others on one", _session("esi-transforaminal", both("L4-L5"), L5S1)),
    ("trigger points without the number of muscles", _session("tpi", ("trigger_points", "left"), guidance="none")),
    ("a spinal rule and no level", _session("esi-transforaminal", ("other", "left"))),
]


@pytest.mark.parametrize(("what", "session"), REFERRED, ids=[case[0] for case in REFERRED])
def test_it_falls_back_to_the_catalog_and_says_verify_when_it_cannot_derive(what, session):
    found = bill(session)
    assert found.codes == ()
    assert found.fallback == CATALOG
    assert found.verify
    assert str(found) == f"{CATALOG} (verify: {found.verify})"


def test_an_si_joint_without_ct_or_fluoroscopy_is_20552_to_verify():
    found = bill(_session("si-injection", ("sacroiliac_joint", "left"), guidance="ultrasound"))
    assert [str(c) for c in found.codes] == ["20552"]
    assert "CPT directs 20552" in found.verify


def test_an_interlaminar_by_ultrasound_is_the_code_without_imaging_to_verify():
    found = bill(_session("esi-interlaminar", ("L4-L5", "midline"), guidance="ultrasound"))
    assert [str(c) for c in found.codes] == ["62322"]
    assert found.verify


def test_interlaminar_never_takes_the_bilateral_modifier():
    assert [str(c) for c in bill(_session("esi-interlaminar", both("L4-L5"))).codes] == ["62323"]


def test_the_module_needs_no_django():
    import ast
    from pathlib import Path

    import procedures.billing

    tree = ast.parse(Path(procedures.billing.__file__).read_text())
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(name.startswith("django") for name in imported)
