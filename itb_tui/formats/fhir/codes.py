"""The code systems, codes and extension URLs of the FHIR Bundle, shared by export and import.

Standard codes are used where one fits (LOINC culture codes, UCUM units, HL7
interpretation and flag-category codes). Where FHIR has no field for something the rules
need (ward and bed without an Encounter, symptom resolution and neutrophil recovery
dates, a refill's volume, a printed alarm date, a planned stop date, a refill override),
it travels in an extension under `urn:itb-tui:fhir:`, so an export read back by
`itb_tui.formats.fhir.read` gives the same clinical records. Plain constants only: importing
this costs nothing.
"""

from __future__ import annotations

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
V3_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

# Our own identifier and code systems.
MRN_SYSTEM = "urn:itb-tui:mrn"  # the default; a site names its own (mrn_system=)
SPECIMEN_SYSTEM = "urn:itb-tui:specimen"  # the ward file's specimen code, exactly
SUSCEPTIBILITY_DRUG_SYSTEM = "urn:itb-tui:susceptibility-drug"
PROCEDURE_KIND_SYSTEM = "urn:itb-tui:procedure-kind"
BRIDGING_METHOD_SYSTEM = "urn:itb-tui:bridging-method"
EXAM_KIND_SYSTEM = "urn:itb-tui:exam-kind"
PUMP_PROPERTY_SYSTEM = "urn:itb-tui:pump-property"
ANTIFUNGAL_SYSTEM = "urn:itb-tui:antifungal"
MEDICATION_CATEGORY_SYSTEM = "urn:itb-tui:medication-category"
REFILL_BLOCK_REASON_SYSTEM = "urn:itb-tui:refill-block-reason"
AS_OF_TAG_SYSTEM = "urn:itb-tui:as-of"
RULES_VERSION_TAG_SYSTEM = "urn:itb-tui:rules-version"

# Extensions (url -> what it carries).
EXT = "urn:itb-tui:fhir:"
EXT_WARD = EXT + "ward"  # Patient: valueString
EXT_BED = EXT + "bed"  # Patient: valueString
EXT_SYMPTOMS_RESOLVED_ON = EXT + "symptoms-resolved-on"  # Patient: valueDate
EXT_NEUTROPHIL_RECOVERY_ON = EXT + "neutrophil-recovery-on"  # Patient: valueDate
EXT_REFILL_VOLUME = EXT + "refill-volume"  # Procedure (refill): valueQuantity mL
EXT_PROGRAMMER_ALARM_ON = EXT + "programmer-alarm-on"  # Procedure (refill): valueDate
EXT_OVERRIDE_REASON = EXT + "refill-override-reason"  # Procedure (refill): valueString
EXT_PLANNED_STOP_ON = EXT + "planned-stop-on"  # MedicationStatement: valueDate

# LOINC "Bacteria identified in <specimen> by Culture" codes: the usual culture result
# codes (laboratories report a yeast from a blood culture under 600-7 too). The pump
# pocket has no code of its own, so it shares the wound code; the exact specimen also
# travels as a SPECIMEN_SYSTEM coding.
# Where each code was checked (session 5; the brief: never a code without its source):
# - 600-7 blood, 630-4 urine: HL7 Europe PROTECT-CHILD IG value set expanded by
#   tx.fhir.org (LOINC 2.82), build.fhir.org/ig/hl7-eu/protect-child/ValueSet-microbiology-culture-vs.html
#   (600-7 also in data/lab-codes.toml with its own source);
# - 6463-4 unspecified specimen: the FHIR DSTU2 example obs-uslab-example3
#   (hl7.org/fhir/dstu2/uslab/obs-uslab-example3.html);
# - 606-4 CSF, 6462-6 wound/pocket, 19128-8 catheter tip (checked in session 7): each
#   with this very display name in the Swiss eHealth Connector's list of LOINC
#   laboratory observations (LOINC version 20130527, group 18725-2 "Microbiology
#   studies"): github.com/project-husky/husky, ehealth_connector-cda/ehealth_connector-
#   cda-ch/src/main/java/org/ehealth_connector/cda/ch/lab/lrph/enums/LabObsListLoinc.java
#   (commit 22995e3), which also lists 600-7, 630-4 and 6463-4 as here. A hospital
#   should still check them against its own laboratory's catalogue.
CULTURE_LOINC: dict[str, tuple[str, str]] = {
    "blood": ("600-7", "Bacteria identified in Blood by Culture"),
    "csf": ("606-4", "Bacteria identified in Cerebral spinal fluid by Culture"),
    "pocket": ("6462-6", "Bacteria identified in Wound by Culture"),
    "wound": ("6462-6", "Bacteria identified in Wound by Culture"),
    "catheter_tip": ("19128-8", "Bacteria identified in Catheter tip by Culture"),
    "urine": ("630-4", "Bacteria identified in Urine by Culture"),
    "other": ("6463-4", "Bacteria identified in Unspecified specimen by Culture"),
}
# A culture from another system names only the LOINC code: map it back (wound, not pocket).
SPECIMEN_BY_LOINC: dict[str, str] = {
    "600-7": "blood",
    "606-4": "csf",
    "6462-6": "wound",
    "19128-8": "catheter_tip",
    "630-4": "urine",
    "6463-4": "other",
}
# Required by the FHIR Body Weight profile (hl7.org/fhir/StructureDefinition/bodyweight,
# checked on hl7.org/fhir/2021May/bodyweight.html and the US Core weight example).
BODY_WEIGHT_LOINC = ("29463-7", "Body weight")
from itb_tui.formats.culture_value import NO_GROWTH_SNOMED  # noqa: E402,F401 - one definition

SUSCEPTIBILITY_DISPLAY = {
    "S": "Susceptible",
    "SDD": "Susceptible-dose dependent",
    "I": "Intermediate",
    "R": "Resistant",
}

PUMP_PROPERTIES: tuple[tuple[str, str, str], ...] = (
    # (code = Pump field, display, UCUM unit)
    ("reservoir_ml", "Reservoir volume", "mL"),
    ("alarm_ml", "Low-reservoir alarm volume", "mL"),
    ("concentration_ug_ml", "Baclofen concentration", "ug/mL"),
    ("daily_dose_ug", "Daily dose", "ug/d"),
)

PROCEDURE_KINDS = {
    "pump_implant": "ITB pump implant",
    "pump_explant": "ITB pump explant",
    "pump_refill": "ITB pump refill",
    "bridging": "Baclofen withdrawal bridging",
    "exam": "Examination",
}
BRIDGING_DISPLAY = {
    "lumbar_drain": "Lumbar drain (externalised intrathecal infusion)",
    "oral_baclofen": "Oral baclofen",
    "iv_benzodiazepine": "IV benzodiazepine",
    "other": "Other bridging",
}
EXAM_DISPLAY = {
    "dilated_eye_exam": "Dilated eye examination",
    "echocardiogram": "Echocardiogram",
    "other": "Other examination",
}

# Standard systems for the codes the species and drug tables carry (each code there with
# the source it was checked against; the export emits a coding only where one is listed).
ATC = "http://www.whocc.no/atc"

# The Flag's text, before its reasons.
FLAG_ACTIVE_TEXT = "Do not refill the intrathecal baclofen pump: "
FLAG_LIFTED_TEXT = "Refill block of the intrathecal baclofen pump, since lifted: "
