"""When will the pump's reservoir alarm, and by when must it be refilled?

Why exact decimals: the alarm day is `refill + floor(usable volume / daily volume)`, and
with binary floats a quotient that is exactly an integer (18 mL at 1/3 mL a day = 54 days)
can come out as 53.999... and put the alarm a day early; one rounding of 1/3 the other
way puts it a day late. The count is therefore done as one exact integer division of
micrograms: floor((fill - alarm volume) x concentration / daily dose).

Why the earlier of computed and printed dates: the programmer knows flex and bolus
doses the app does not; the app knows arithmetic the programmer may have been given
wrong numbers for. Trusting the earlier one never makes the pump run dry sooner than
planned, and a gap of more than `alarm_mismatch_days` is flagged for checking.

Why the action texts follow the refill status (revision 3, change 6): "book the refill on
or before <a date 15 days ago>" was shown for a patient whose refill was blocked. When
refill is allowed the action says "refill by DATE" (or "overdue since DATE: refill today");
when it is blocked it never says to book a refill: it points to the withdrawal plan.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_FLOOR, Context, Decimal
from functools import lru_cache

from itb_tui.clinical.alerts import make_alert
from itb_tui.clinical.assessment import Alert, Reservoir
from itb_tui.clinical.facts import Facts
from itb_tui.clinical.records import Pump, Refill
from itb_tui.clinical.rules import Rules
from itb_tui.clinical.text import iso, plural, relative

_MAX_DAYS = 36_500  # an alarm a century away is "never"; keeps date arithmetic in range
_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")
_EXACT = Context(prec=80)  # exact for any realistic volume x concentration
_DISPLAY = Context(prec=28)
# The contexts' methods bound once: looking a Context method up builds a bound method each
# time (~0.1 µs, a third of the multiplication itself), four times a patient (issue 17).
_exact_multiply, _exact_subtract, _exact_divide = _EXACT.multiply, _EXACT.subtract, _EXACT.divide
_display_divide = _DISPLAY.divide


def _dec(value) -> Decimal:
    return value if value.__class__ is Decimal else Decimal(str(value))


def shift(day: date, days: int) -> date:
    """day + days, saturating at the ends of the calendar instead of raising."""
    try:
        return day + _days(days)
    except OverflowError:
        return date.max if days > 0 else date.min


# timedelta(days=n) per n, remembered: a reservoir counts a few hundred distinct day
# numbers (alarm days, the stability days), and building one with a keyword costs more
# than the cache (issue 17). OverflowError is raised (and never cached) as before.
_days = lru_cache(maxsize=4096)(lambda days: timedelta(days=days))


def last_refill(pump: Pump, as_of: date) -> Refill | None:
    """The refill the countdown runs from: the latest on or before as_of (of several on
    that day, the last listed, i.e. the last entered).

    The engine's ONLY use of a pump's refills. `itb-tui status` relies on it: it loads
    just this one refill per pump (`store.loader`, `latest_refill_as_of`). A rule that
    needs any other refill must change that load too; tests/clinical/
    test_clinical_latest_refill.py fails until it does."""
    last = None
    for refill in pump.refills:
        if refill.on <= as_of and (last is None or refill.on >= last.on):
            last = refill
    return last


def alarm_days(volume_ml: Decimal, alarm_ml: Decimal, concentration: Decimal, dose: Decimal) -> int:
    """floor((volume - alarm) / (dose / concentration)) computed exactly; never below 0
    (a fill at or under the alarm volume alarms on the day of the refill).

    Context.divide_int is exact integer division (truncation, which is the floor for
    the positive values left here); 80 digits hold any realistic pump quantity exactly.

    Remembered per (volume, alarm, concentration, dose) when all four are Decimals: a
    ward repeats a few prescriptions and fill volumes, and the answer is a whole number
    fixed by the four values (equal Decimals, equal answer), so the cache cannot change
    it. Measured: 1.9 -> 0.7 µs a patient. Anything else (or an unhashable NaN) is
    computed as before."""
    if (volume_ml.__class__ is Decimal and alarm_ml.__class__ is Decimal
            and concentration.__class__ is Decimal and dose.__class__ is Decimal):
        try:
            return _alarm_days_cached(volume_ml, alarm_ml, concentration, dose)
        except TypeError:  # a signalling NaN cannot be hashed: compute (and fail) as before
            pass
    return _alarm_days_exact(volume_ml, alarm_ml, concentration, dose)


def _alarm_days_exact(volume_ml, alarm_ml, concentration, dose) -> int:
    usable_ug = _EXACT.multiply(_EXACT.subtract(_dec(volume_ml), _dec(alarm_ml)), _dec(concentration))
    if usable_ug <= 0:
        return 0
    return min(int(_EXACT.divide_int(usable_ug, _dec(dose))), _MAX_DAYS)


_alarm_days_cached = lru_cache(maxsize=4096)(_alarm_days_exact)


def assess_reservoir(facts: Facts, rules: Rules, blocked: bool = False) -> tuple[Reservoir | None, list[Alert]]:
    """`blocked`: refill is blocked on as_of (the action texts then point to the
    withdrawal plan, never to a refill)."""
    pump = facts.implanted_pump
    if pump is None:
        return None, []
    refill = last_refill(pump, facts.as_of)
    if refill is None:
        return None, []
    # Each quantity is a Decimal already when it comes from the store or the ward file
    # (records.py); the class test inline saves a call per value (issue 17).
    dose, concentration = pump.daily_dose_ug, pump.concentration_ug_ml
    if dose.__class__ is not Decimal:
        dose = _dec(dose)
    if concentration.__class__ is not Decimal:
        concentration = _dec(concentration)
    if dose <= 0 or concentration <= 0:
        return None, []  # nothing to count down with (validation rejects this on entry)
    as_of = facts.as_of
    volume, alarm_ml = refill.volume_ml, pump.alarm_ml
    if volume.__class__ is not Decimal:
        volume = _dec(volume)
    if alarm_ml.__class__ is not Decimal:
        alarm_ml = _dec(alarm_ml)
    reservoir_ml = pump.reservoir_ml
    if reservoir_ml.__class__ is not Decimal:
        reservoir_ml = _dec(reservoir_ml)

    refilled_on = refill.on
    try:  # alarm_days without its class checks: all four are Decimals here
        days = _alarm_days_cached(volume, alarm_ml, concentration, dose)
    except TypeError:  # a signalling NaN cannot be hashed: compute (and fail) as alarm_days does
        days = _alarm_days_exact(volume, alarm_ml, concentration, dose)
    computed = shift(refilled_on, days)
    printed = refill.programmer_alarm_on
    alarm_on = computed if printed is None or computed <= printed else printed
    stable_until = shift(refilled_on, rules.drug_stability_days)
    refill_by = alarm_on if alarm_on <= stable_until else stable_until
    elapsed = (as_of - refilled_on).days
    left_ug = _exact_subtract(_exact_multiply(volume, concentration), _exact_multiply(dose, elapsed))
    volume_left = _ZERO if left_ug <= 0 else _exact_divide(left_ug, concentration).quantize(_CENT, ROUND_FLOOR)
    # Positional, in the field order of Reservoir (alarm_on, days_to_alarm, stable_until,
    # refill_by, days_to_refill, computed_alarm_on, programmer_alarm_on, last_refill_on,
    # daily_volume_ml, volume_left_ml, reservoir_ml, alarm_ml): 12 keywords cost more.
    reservoir = Reservoir(
        alarm_on, (alarm_on - as_of).days, stable_until, refill_by, (refill_by - as_of).days, computed,
        printed, refilled_on, _display_divide(dose, concentration), volume_left, reservoir_ml, alarm_ml,
    )
    if (reservoir.days_to_alarm >= 0 and as_of <= stable_until and reservoir.days_to_refill > rules.refill_due_days
            and printed is None):
        return reservoir, []  # none of the four alerts below can apply (the usual case)
    return reservoir, _alerts(reservoir, as_of, rules, blocked)


_WITHDRAWAL_PLAN = ("bridging (lumbar drain with the intrathecal dose titrated down, oral baclofen, IV "
                    "benzodiazepine) or explant")


def _alerts(r: Reservoir, as_of: date, rules: Rules, blocked: bool) -> list[Alert]:
    alerts = []
    if r.days_to_alarm < 0:
        text = (f"The low-reservoir alarm date {iso(r.alarm_on)} passed {relative(r.days_to_alarm)}: "
                f"the pump may be running dry (last refill {iso(r.last_refill_on)}).")
        if blocked:
            action = (f"Interrogate the pump today. Refill is blocked: start the withdrawal plan now "
                      f"({_WITHDRAWAL_PLAN}) and watch for withdrawal.")
        else:
            action = f"Overdue since {iso(r.alarm_on)}: interrogate the pump and refill today; watch for withdrawal."
        alerts.append(make_alert("reservoir_alarm_passed", text, rules, action))
    if as_of > r.stable_until:
        text = (f"The drug filled on {iso(r.last_refill_on)} passed its stability date "
                f"{iso(r.stable_until)} ({rules.drug_stability_days} days).")
        if blocked:
            action = (f"Refill is blocked, so the drug cannot be replaced: put the withdrawal plan in place "
                      f"({_WITHDRAWAL_PLAN}).")
        else:
            action = f"Overdue since {iso(r.stable_until)}: empty the reservoir and refill with fresh drug today."
        alerts.append(make_alert("drug_stability_exceeded", text, rules, action))
    if r.days_to_refill <= rules.refill_due_days:
        why = "the reservoir alarm" if r.refill_by == r.alarm_on else "the end of drug stability"
        if blocked:
            text = (f"The pump needs a refill by {iso(r.refill_by)} ({relative(r.days_to_refill)}): {why}; "
                    f"refill is blocked.")
            action = (f"Do not book a refill: refill is blocked. Put the withdrawal plan in place before "
                      f"{iso(r.refill_by)}: {_WITHDRAWAL_PLAN}.")
        elif r.days_to_refill < 0:
            text = f"Refill overdue since {iso(r.refill_by)} ({relative(r.days_to_refill)}): {why}."
            action = f"Overdue since {iso(r.refill_by)}: refill today."
        else:
            text = f"Refill by {iso(r.refill_by)} ({relative(r.days_to_refill)}): {why}."
            action = f"Book the refill on or before {iso(r.refill_by)}."
        alerts.append(make_alert("refill_due", text, rules, action))
    if r.programmer_alarm_on is not None:
        gap = abs((r.computed_alarm_on - r.programmer_alarm_on).days)
        if gap > rules.alarm_mismatch_days:
            text = (f"Computed alarm date {iso(r.computed_alarm_on)} and the programmer's "
                    f"{iso(r.programmer_alarm_on)} differ by {plural(gap, 'day')}; the earlier "
                    f"({iso(r.alarm_on)}) is used.")
            action = "Check the pump's programming (dose, concentration, volume, flex doses) before trusting either date."
            alerts.append(make_alert("alarm_date_mismatch", text, rules, action))
    return alerts
