"""The terminology Pinpoint's FHIR resources speak: code systems, the codes it uses from them, and its own.

Standard systems where the record has a standard code: CPT for the procedure (the catalog's `cpt_codes`),
ICD-10-CM for the diagnoses (the record's `diagnoses`), LOINC 72514-3 for the 0–10 pain score, SNOMED CT for
routes and laterality, UCUM for units. What has no standard code in the record (the procedure type itself, the
spinal level or named site, the ODI, NDI, percent relief and PGIC scores, the drug) is coded in Pinpoint's own
code systems under `PINPOINT`, each named in docs/fhir.md. Those are canonical names, not addresses to fetch.
"""

from procedures.models import Family, Side

PINPOINT = "https://pinpoint.example.org/fhir"

CPT = "http://www.ama-assn.org/go/cpt"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
APPOINTMENT_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0276"

MRN = f"{PINPOINT}/sid/mrn"
PROCEDURE_TYPE = f"{PINPOINT}/CodeSystem/procedure-type"
BODY_SITE = f"{PINPOINT}/CodeSystem/body-site"
DRUG = f"{PINPOINT}/CodeSystem/drug"
OUTCOME = f"{PINPOINT}/CodeSystem/outcome"
PGIC = f"{PINPOINT}/CodeSystem/pgic"
# An extension on a Procedure.bodySite: the site's laterality as a SNOMED CT qualifier (R4's bodySite has no
# element for it; mCODE's laterality qualifier extension is the same pattern).
LATERALITY_EXTENSION = f"{PINPOINT}/StructureDefinition/laterality"

# SNOMED CT laterality qualifiers. Midline has no qualifier we use: it is said in the extension's text.
LATERALITY: dict[str, tuple[str, str]] = {
    Side.LEFT: ("7771000", "Left"),
    Side.RIGHT: ("24028007", "Right"),
    Side.BILATERAL: ("51440002", "Right and left"),
}

# SNOMED CT routes of administration, by procedure family. Perineural, intradiscal and soft-tissue routes are
# said in text: the route's concept in the catalog's words, without a code we could not stand behind.
EPIDURAL = ("404820008", "Epidural route")
INTRA_ARTICULAR = ("12130007", "Intra-articular route")
INTRAMUSCULAR = ("78421000", "Intramuscular route")
INTRATHECAL = ("72607000", "Intrathecal route")
ROUTE_BY_FAMILY: dict[str, tuple[str, str] | str] = {
    Family.ESI: EPIDURAL,
    Family.SNRB: "Perineural",
    Family.FACET: "Perineural",
    Family.MBB: "Perineural",
    Family.RFA: "Perineural",
    Family.SI_JOINT: "Perineural",
    Family.TPI: INTRAMUSCULAR,
    Family.JOINT: INTRA_ARTICULAR,
    Family.PERIPHERAL_NERVE: "Perineural",
    Family.CRYO: "Perineural",
    Family.SCS: EPIDURAL,
    Family.PUMP: INTRATHECAL,
    Family.INTRADISCAL: "Intradiscal",
    Family.DISCECTOMY: "Intradiscal",
    Family.HYDRODISSECTION: "Perineural",
}
# The approach says it better where it names the joint itself.
ROUTE_BY_APPROACH: dict[str, tuple[str, str]] = {"intra_articular": INTRA_ARTICULAR}

NRS_LOINC = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
