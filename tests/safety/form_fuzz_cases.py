"""What the form fuzz tests feed every form field: hostile values by kind of field, and
for each form the patient it opens on, the key that opens it, valid entries for the
other fields (so the one hostile field is what is wrong) and its fields' strategies.

Every value here must be refused, by the form or by the store: out-of-range and
non-numeric quantities, dates in the future or before birth or before 1900 or not a date,
unknown organisms and drugs, malformed susceptibilities, text too long or holding control
or invisible characters, blank required fields, an MRN that is already someone's.
Patients and dates are those of tests/ui/detail_helpers.py (today 2026-11-25).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable

from hypothesis import strategies as st

from itb_tui.dates import parse_user_date
from itb_tui.wardfile import limits

TODAY = date(2026, 11, 25)
LAST_DAY = date.max.toordinal() - TODAY.toordinal()  # days from today to 9999-12-31

LETTERS = st.text(st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=8)


def _parses_as_date(text: str) -> bool:
    try:
        parse_user_date(text, TODAY)
    except ValueError:
        return False
    return True


def _days_after_today(first: int, last: int = LAST_DAY) -> st.SearchStrategy[str]:
    """A date `first`..`last` days ahead, as ISO text or as a relative '+Nd' (which may
    overflow the calendar: that, too, must be refused in words)."""
    return st.one_of(
        st.integers(first, last).map(lambda n: (TODAY + timedelta(days=n)).isoformat()),
        st.integers(first, 10**15).map(lambda n: f"+{n}d"),
    )


BEFORE_1900 = st.dates(max_value=date(1899, 12, 31)).map(date.isoformat)

MALFORMED_DATE = st.one_of(
    st.builds(lambda d, m, y: f"{d:02d}/{m:02d}/{y}", st.integers(1, 28), st.integers(1, 12),
              st.integers(1900, 2026)),  # day-first: refused, it means different days in different hospitals
    st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(1900, 2100), st.integers(13, 99),
              st.integers(1, 28)),
    st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(1900, 2100), st.integers(1, 12),
              st.integers(32, 99)),
    st.sampled_from(["2026-02-30", "2025-02-29", "0000-01-01", "yesterdayy", "+d", "next", "2026-11-25T10:00",
                     "25 Nov 2026", "-99999999999999999999w"]),
    st.text(st.characters(categories=["L", "N", "P", "S"]), min_size=1, max_size=30),
).filter(lambda text: not _parses_as_date(text))


def before_birth(dob: date) -> st.SearchStrategy[str]:
    return st.dates(min_value=date(1900, 1, 1), max_value=dob - timedelta(days=1)).map(date.isoformat)


def event_date(dob: date) -> st.SearchStrategy[str]:
    """A date something happened: never after today, never before birth."""
    return st.one_of(_days_after_today(1), BEFORE_1900, before_birth(dob), MALFORMED_DATE)


def forward_date(dob: date) -> st.SearchStrategy[str]:
    """A date that may look ahead (planned stop, programmer alarm), but not years ahead."""
    return st.one_of(_days_after_today(1200), BEFORE_1900, before_birth(dob), MALFORMED_DATE)


DOB = st.one_of(_days_after_today(1), BEFORE_1900, MALFORMED_DATE)

NOT_A_NUMBER = st.sampled_from(["NaN", "nan", "sNaN", "Infinity", "-inf", "20 mL", "1,5", "twenty", "0x10", "½",
                                "1e", "--1", "1.2.3", "∞"])


def quantity(maximum: Decimal) -> st.SearchStrategy[str]:
    """Negative, zero, just above the field's bound, absurdly large, or not a number."""
    return st.one_of(
        st.decimals(max_value=Decimal("-0.001"), allow_nan=False, allow_infinity=False, places=3).map(str),
        st.sampled_from(["0", "0.0", "-0", "0e5", "000"]),
        st.decimals(min_value=maximum + Decimal("0.001"), max_value=maximum * 1000, places=3).map(str),
        st.integers(10**6, 10**40).map(str),
        st.sampled_from(["1E+400", "9" * 400]),
        NOT_A_NUMBER,
    )


def _inside(chars: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Letters with a bad character in the middle (the ends are trimmed, the middle is not)."""
    return st.builds(lambda a, ch, b: f"{a}{ch}{b}", LETTERS, chars, LETTERS)


CONTROL = st.characters(categories=["Cc"]).filter(lambda ch: ch not in "\n\t")
INVISIBLE = st.sampled_from(["\u200b", "\u200e", "\u202e", "\u2066", "\ufeff", "\ue000", "\U000f0000", "\u2028",
                             "\u2029", "\ud800", "\udfff"])


def text(limit: int, *, required: bool = False, identifier: bool = False) -> st.SearchStrategy[str]:
    choices = [
        st.integers(limit + 1, limit + 3000).map(lambda n: "x" * n),
        st.text(st.characters(categories=["L"]), min_size=limit + 1, max_size=limit + 40),
        _inside(CONTROL),
        _inside(INVISIBLE),
    ]
    if required:
        choices.append(st.sampled_from([" ", "   ", "\t", "\u3000 "]))
    if identifier:
        choices.append(_inside(st.sampled_from(["\u00a0", "\u2007", "\u0378"])))  # odd spaces, unassigned
    return st.one_of(*choices)


# Organism texts clinical rules revision 3 refuses where they are entered: an unlisted
# species of a known fungal genus, an unmatched yeast/fungus/mould text, two different
# species joined as synonyms. (An unlisted NON-fungal name is accepted as bacterial: it
# blocks as bacteremia, so it is not a hostile value any more.)
UNKNOWN_ORGANISM = st.one_of(
    st.from_regex(r"\A(Candida|Aspergillus|Cryptococcus|Pichia) zz[a-z]{4,10}\Z"),
    st.from_regex(r"\A(yeast|fungus|mould) zz[a-z]{3,8}\Z"),
    st.sampled_from(["Candida krusei / Candida glabrata", "Candida albicans (Candida auris)"]),
)
UNKNOWN_DRUG = st.from_regex(r"\Azz[a-z]{3,10}(azole|fungin|cillin)\Z")
BAD_SUSCEPTIBILITY = st.one_of(
    st.builds(lambda v: f"fluconazole={v}",
              st.from_regex(r"\A[A-Za-z]{1,4}\Z").filter(lambda v: v.upper() not in ("S", "SDD", "I", "R"))),
    st.sampled_from(["fluconazole=R, fluconazole=S", "=R", "fluconazole", "fluconazole==R", "1=R, 2"]),
    st.builds(lambda d: f"{d}=R", _inside(CONTROL)),
)


def organism() -> st.SearchStrategy[str]:
    return st.one_of(UNKNOWN_ORGANISM, text(limits.SHORT_TEXT_MAX))


def drug() -> st.SearchStrategy[str]:
    return st.one_of(UNKNOWN_DRUG, text(limits.SHORT_TEXT_MAX, required=True))


def override_reason() -> st.SearchStrategy[str]:
    short = st.text(st.characters(categories=["Ll"]), min_size=1, max_size=9)  # under 10 characters
    return st.one_of(short, text(limits.FREE_TEXT_MAX, required=True))


OK01_DOB, KRU01_DOB, DAY01_DOB, PEND01_DOB = date(1980, 2, 3), date(1966, 6, 6), date(1975, 1, 1), date(1990, 9, 9)
EXISTING_MRNS = ("OK01", "KRU01", "DAY01", "PEND01")

PUMP_ENTRIES = {"serial": "TST-NEW01", "concentration_ug_ml": "500", "daily_dose_ug": "250"}


def pump_fields(dob: date) -> dict[str, st.SearchStrategy[str]]:
    return {
        "serial": text(limits.SHORT_TEXT_MAX, required=True),
        "manufacturer": text(limits.SHORT_TEXT_MAX),
        "model": text(limits.SHORT_TEXT_MAX),
        "reservoir_ml": quantity(limits.MAX_RESERVOIR_ML),
        "alarm_ml": quantity(limits.MAX_RESERVOIR_ML),
        "implanted_on": event_date(dob),
        "concentration_ug_ml": quantity(limits.MAX_CONCENTRATION_UG_ML),
        "daily_dose_ug": st.one_of(quantity(limits.MAX_DAILY_DOSE_UG), st.sampled_from(["0.5", "0.999"])),
    }


@dataclass(frozen=True)
class FormCase:
    """One form as a user opens it, and what to feed each of its fields."""

    mrn: str | None  # None: the new-patient form, opened from the ward list
    key: str
    form_class: str  # "module.Class" under itb_tui.ui.forms (imported when used)
    entries: dict[str, str]  # valid entries for the fields not under test
    fields: dict[str, st.SearchStrategy[str]]
    row: Callable | None = None  # timeline row to select before pressing `key`
    # False where the store does not check this text itself (see the report): the form
    # is then the only guard, so the fuzz does not push a refused value through to it.
    store_guards: bool = True
    # Fields whose text the store saves with runs of whitespace collapsed (reasons): a
    # line separator there is cleaned to a space, not refused, so it is not pushed through.
    store_cleans_whitespace: tuple[str, ...] = ()


CASES: dict[str, FormCase] = {
    "new patient": FormCase(
        None, "", "patient.PatientForm", {"mrn": "FZ01", "name": "Fuzz, Test", "dob": "1970-01-01"},
        {"mrn": st.one_of(text(limits.MRN_MAX, required=True, identifier=True), st.sampled_from(EXISTING_MRNS)),
         "name": text(limits.NAME_MAX, required=True), "dob": DOB, "ward": text(limits.SHORT_TEXT_MAX),
         "bed": text(limits.BED_MAX), "weight_kg": quantity(limits.MAX_WEIGHT_KG)}),
    "patient edit": FormCase(
        "OK01", "E", "patient.PatientForm", {},
        {"name": text(limits.NAME_MAX, required=True), "dob": DOB, "ward": text(limits.SHORT_TEXT_MAX),
         "bed": text(limits.BED_MAX), "weight_kg": quantity(limits.MAX_WEIGHT_KG)}),
    "symptoms": FormCase(
        "DAY01", "y", "symptoms.SymptomsForm", {},
        {"symptoms_resolved_on": event_date(DAY01_DOB), "neutrophil_recovery_on": event_date(DAY01_DOB)}),
    "refill": FormCase(
        "OK01", "r", "refill.RefillForm", {"volume_ml": "19.5"},
        {"on": event_date(OK01_DOB), "volume_ml": st.one_of(quantity(Decimal(20)), quantity(limits.MAX_RESERVOIR_ML)),
         "programmer_alarm_on": forward_date(OK01_DOB)}),
    "refill override": FormCase(
        "KRU01", "r", "refill.RefillForm",
        {"volume_ml": "20", "override_reason": "explant tomorrow; withdrawal risk higher"},
        {"override_reason": override_reason(), "volume_ml": quantity(Decimal(20))},
        store_cleans_whitespace=("override_reason",)),
    "culture add": FormCase(
        "OK01", "c", "culture.CultureForm", {"result": "positive", "organism": "Candida albicans"},
        {"drawn_on": event_date(OK01_DOB), "organism": organism(), "susceptibility": BAD_SUSCEPTIBILITY}),
    "culture result": FormCase(
        "PEND01", "e", "culture.CultureResultForm", {"result": "positive", "organism": "Candida albicans"},
        {"organism": organism(), "susceptibility": BAD_SUSCEPTIBILITY}),
    "antifungal start": FormCase(
        "OK01", "f", "antifungal.AntifungalForm", {"drug": "micafungin", "dose_mg": "100"},
        {"drug": drug(), "dose_mg": quantity(limits.MAX_ANTIFUNGAL_DOSE_MG), "started_on": event_date(OK01_DOB),
         "planned_stop_on": forward_date(OK01_DOB), "stopped_on": event_date(OK01_DOB)}),
    "antifungal change": FormCase(
        "DAY01", "f", "antifungal.AntifungalForm", {},
        {"drug": drug(), "dose_mg": quantity(limits.MAX_ANTIFUNGAL_DOSE_MG),
         "planned_stop_on": forward_date(DAY01_DOB), "stopped_on": event_date(DAY01_DOB)}),
    "explant": FormCase(
        "OK01", "x", "explant.ExplantForm", {"removal_reason": "battery end of life"},
        {"removed_on": event_date(OK01_DOB), "removal_reason": text(limits.FREE_TEXT_MAX, required=True)},
        store_cleans_whitespace=("removal_reason",)),
    "pump replace": FormCase(
        "OK01", "p", "pump.PumpForm", {"removal_reason": "battery end of life", **PUMP_ENTRIES},
        {"removed_on": event_date(OK01_DOB), "removal_reason": text(limits.FREE_TEXT_MAX, required=True),
         **pump_fields(OK01_DOB)},
        store_cleans_whitespace=("removal_reason",)),
    "pump add": FormCase("DAY01", "i", "pump.PumpForm", dict(PUMP_ENTRIES), pump_fields(DAY01_DOB)),
    "bridging": FormCase(
        "KRU01", "g", "bridging.BridgingForm", {},
        {"started_on": event_date(KRU01_DOB), "stopped_on": event_date(KRU01_DOB),
         "detail": text(limits.FREE_TEXT_MAX)}),
    "bridging stop": FormCase(
        "DAY01", "G", "bridging.BridgingForm", {},
        {"started_on": event_date(DAY01_DOB), "stopped_on": event_date(DAY01_DOB),
         "detail": text(limits.FREE_TEXT_MAX)},
        row=lambda entry: entry.kind == "bridging"),
    "exam": FormCase(
        "KRU01", "m", "exam.ExamForm", {},
        {"on": event_date(KRU01_DOB), "finding": text(limits.FREE_TEXT_MAX)}),
    "entered in error": FormCase(
        "KRU01", "delete", "entered_in_error.EnteredInErrorForm", {},
        {"reason": text(limits.FREE_TEXT_MAX, required=True)},
        row=lambda entry: entry.kind == "culture", store_cleans_whitespace=("reason",)),
}
