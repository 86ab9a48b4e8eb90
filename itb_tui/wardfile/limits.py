"""The bounds a ward record must stay within, in one place, each with its reason.

Upper bounds are deliberately generous: they exist to catch a slipped decimal point or a
unit mix-up (mg typed as µg, mL as µL) and to keep dates inside what the engine can do
arithmetic on, never to second-guess an unusual but real prescription. A hospital that
needs a wider bound changes it here, and the tests show what that touches.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

FORMAT = "itb-ward/1"

# --- Quantities (all Decimal; lower bound is "more than 0" unless said otherwise) ---

# Largest pump reservoir on the market: SynchroMed II 40 mL, Prometra 20 mL, Codman 3000
# series up to 50 mL. 60 mL leaves room and still catches "200" typed for "20".
MAX_RESERVOIR_ML = Decimal(60)

# Commercial intrathecal baclofen is 50, 500, 1000 and 2000 µg/mL; compounded solutions
# reach 3000-4000 µg/mL. Above that it is a typo (often mg/mL entered as µg/mL).
MAX_CONCENTRATION_UG_ML = Decimal(4000)

# Usual maintenance is 100-1000 µg/day, published extremes a little over 2000 µg/day.
# 5000 catches a misplaced zero without refusing a real high-dose patient.
MAX_DAILY_DOSE_UG = Decimal(5000)
# A dose below 1 µg/day is not an ITB prescription; it would also put the computed
# reservoir alarm tens of thousands of years away, past the calendar the engine uses.
MIN_DAILY_DOSE_UG = Decimal(1)

# Heaviest patients alive are near 600 kg; 500 kg catches grams typed as kilograms in
# everyone a ward pump programme will see and still admits bariatric patients.
MAX_WEIGHT_KG = Decimal(500)

# Antifungal daily dose in mg. Fluconazole tops out at 1600-2000 mg, lipid amphotericin B
# 10 mg/kg, but flucytosine is 100-150 mg/kg/day (about 15 g in a 120 kg patient), so the
# bound is 20 g, not the 10 g one might guess from the azoles.
MAX_ANTIFUNGAL_DOSE_MG = Decimal(20000)

# --- Lower bounds (issue 14: "more than 0" let 5e-324 kg through; a range is stated) ---
# Each is well below any real value and catches a unit slip the other way (grams typed
# as kilograms, a concentration typed in mg/mL) and the absurd (5e-324).

# The lightest patient with an implanted pump is a small child (well over 5 kg); a
# preterm neonate is about 0.5-1 kg. 1 kg admits any real patient a ward will see.
MIN_WEIGHT_KG = Decimal(1)
# The smallest ITB reservoir made is 10 mL (older SynchroMed); current pumps are 16-40 mL.
MIN_RESERVOIR_ML = Decimal(10)
# Low-reservoir alarms are set at 1-5 mL (SynchroMed II default 2 mL); 0.5 leaves room.
MIN_ALARM_ML = Decimal("0.5")
# A refill is withdrawing the old drug and filling the reservoir: a few mL at least. 0.1 mL
# is the least a syringe measures; below it the number is a slip, not a refill.
MIN_REFILL_VOLUME_ML = Decimal("0.1")
# The weakest commercial intrathecal baclofen is 50 µg/mL (the screening ampoule);
# dilutions for a test dose go lower. Below 10 µg/mL it is mg/mL typed as µg/mL reversed.
MIN_CONCENTRATION_UG_ML = Decimal(10)
# The smallest antifungal daily dose is a few mg (amphotericin B deoxycholate in a small
# child); below 1 mg it is grams typed as milligrams reversed, or a slip.
MIN_ANTIFUNGAL_DOSE_MG = Decimal(1)

# --- Dates ---

# No record predates 1900 (also keeps the engine's "date minus N days" arithmetic safe).
EARLIEST_DATE = date(1900, 1, 1)
# Dates that may look ahead (a printed alarm date, a planned stop) are bounded relative to
# the record they belong to, so a year-9999 typo cannot overflow the engine's date maths.
MAX_PROGRAMMER_ALARM_DAYS_AFTER_REFILL = 3 * 366  # a 40 mL pump on a minimal dose
MAX_PLANNED_COURSE_DAYS = 2 * 366  # chronic disseminated / bone infection: 6-12 months

# --- Text (characters, after trimming) ---

MRN_MAX = 32
NAME_MAX = 200
SHORT_TEXT_MAX = 100  # ward, serial, manufacturer, model, drug, organism, drug keys
BED_MAX = 20
FREE_TEXT_MAX = 500  # removal reason, bridging detail, exam finding, override reason

# --- Antifungal drugs the engine can reason about ---
# A course's drug must be one of these (lower case). A misspelt "flucanazole" would
# otherwise slip past every azole alert (C. krusei resistance, C. glabrata dosing) without
# a word, which is the one failure a safety list must not have.
AZOLES = ("fluconazole", "voriconazole", "itraconazole", "posaconazole", "isavuconazole")
ECHINOCANDINS = ("caspofungin", "micafungin", "anidulafungin", "rezafungin")
OTHER_ANTIFUNGALS = (
    "amphotericin b deoxycholate",
    "liposomal amphotericin b",
    "amphotericin b lipid complex",
    "flucytosine",
    "ibrexafungerp",
)
ANTIFUNGAL_DRUGS = AZOLES + ECHINOCANDINS + OTHER_ANTIFUNGALS
