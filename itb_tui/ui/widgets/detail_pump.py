"""Demographics and the pump card with its reservoir gauge.

The gauge answers the round's question "how long until this pump runs dry": the volume
left drawn against the reservoir, with the low-reservoir alarm line marked, so the
distance to the alarm is visible without arithmetic. Dates come from the engine's
Reservoir (exact decimal countdown), never recomputed here.
"""

from __future__ import annotations

from decimal import Decimal

from rich.console import Group
from rich.text import Text
from itb_tui.ui.widgets.detail_layout import SizedStatic

from itb_tui.clinical.assessment import Assessment, Reservoir
from itb_tui.clinical.records import Patient
from itb_tui.present.cells import implant_text
from itb_tui.ui.format import current_pump, date_text, days_text, last_removed_pump, number_text
from itb_tui.ui.widgets.detail_text import SEVERITY_STYLES, critical_style, day_text, grid, warning_style

GAUGE_WIDTH = 16
LABEL_WIDTH = 9


def gauge(reservoir: Reservoir, width: int = GAUGE_WIDTH) -> Text:
    """`▕███┃████░░░░░░░░▏`: full blocks = drug left, `┃` = the alarm volume.

    Reads in monochrome: full blocks are drug left, light shade is empty space.
    """
    total = reservoir.reservoir_ml if reservoir.reservoir_ml > 0 else Decimal(1)
    filled = int((reservoir.volume_left_ml / total * width).to_integral_value())
    filled = max(0, min(width, filled))
    alarm_at = int((reservoir.alarm_ml / total * width).to_integral_value())
    alarm_at = max(0, min(width - 1, alarm_at))
    style = SEVERITY_STYLES.get("ok", "green")
    if reservoir.days_to_alarm < 0 or reservoir.volume_left_ml <= reservoir.alarm_ml:
        style = critical_style()
    elif reservoir.days_to_refill <= 7:
        style = warning_style()
    text = Text("▕")
    for cell in range(width):
        if cell == alarm_at:
            text.append("┃", style="bold")
        elif cell < filled:
            text.append("█", style=style)
        else:
            text.append("░", style="dim")
    text.append("▏")
    return text


def demographics_text(patient: Patient) -> Text:
    """Who and where, on one line: name, MRN, DOB, ward/bed, weight."""
    text = Text(patient.name, style="bold")
    where = ", bed ".join(part for part in (patient.ward, patient.bed) if part) or "no ward"
    weight = f"{number_text(patient.weight_kg)} kg" if patient.weight_kg is not None else "weight not recorded"
    text.append(f" · MRN {patient.mrn} · born {date_text(patient.dob)} · {where} · {weight}")
    return text


def pump_card(patient: Patient, assessment: Assessment) -> Group:
    """The pump card's content for the date shown."""
    pump = current_pump(patient, assessment.as_of)
    rows = grid(LABEL_WIDTH)
    if pump is None:
        removed = last_removed_pump(patient, assessment.as_of)
        if removed is not None:
            rows.add_row("Last pump", f"{removed.model or 'pump'} {removed.serial}")
            rows.add_row("Explanted", date_text(removed.removed_on))
            rows.add_row("Why", removed.removal_reason or "no reason recorded")
        return Group(Text("No pump implanted", style="bold"), rows,
                     Text("p / i: add a pump (reimplant)", style="dim"))
    name = " ".join(part for part in (pump.manufacturer, pump.model) if part) or "Pump"
    headline = Text(name, style="bold")
    headline.append(f" · serial {pump.serial}")
    rows.add_row("Implanted", implant_text(pump) if pump.implanted_on is not None
                 else Text(implant_text(pump), style=warning_style()))
    reservoir = assessment.reservoir
    dose = f"{number_text(pump.daily_dose_ug)} µg/d · {number_text(pump.concentration_ug_ml)} µg/mL"
    if reservoir is not None:
        dose += f" · {number_text(reservoir.daily_volume_ml.quantize(Decimal('0.001')))} mL/d"
    rows.add_row("Dose", dose)
    if reservoir is None:
        rows.add_row("Reservoir", Text(f"{number_text(pump.reservoir_ml)} mL; no refill recorded yet",
                                       style="italic"))
        return Group(headline, rows)
    bar = gauge(reservoir)
    bar.append(f" {number_text(reservoir.volume_left_ml.quantize(Decimal('0.1')))}"
               f"/{number_text(reservoir.reservoir_ml)} mL")
    rows.add_row("Reservoir", bar)
    rows.add_row("", f"┃ alarm {number_text(reservoir.alarm_ml)} mL · filled "
                     f"{date_text(reservoir.last_refill_on)}")
    alarm = Text(f"{day_text(reservoir.alarm_on)} ({days_text(reservoir.days_to_alarm)})",
                 style=critical_style() if reservoir.days_to_alarm < 0 else "bold")
    printed = reservoir.programmer_alarm_on
    if printed is not None and printed != reservoir.computed_alarm_on:
        # Say which date the alarm is, and show the other: a gap means check the programming.
        from_printed = reservoir.alarm_on == printed
        alarm.append(" printed" if from_printed else " computed", style="dim")
        other = (f"computed {date_text(reservoir.computed_alarm_on)}" if from_printed
                 else f"printed {date_text(printed)}")
        rows.add_row("Alarm", alarm)
        rows.add_row("", other)
    else:
        rows.add_row("Alarm", alarm)
    rows.add_row("Stable to", date_text(reservoir.stable_until))
    rows.add_row("Refill by", Text(f"{day_text(reservoir.refill_by)} ({days_text(reservoir.days_to_refill)})",
                                   style="bold"))
    return Group(headline, rows)


class Demographics(SizedStatic):
    """One line: who the patient is and where."""

    DEFAULT_CSS = """
    Demographics { height: auto; padding: 0 1; }
    """

    def show(self, patient: Patient) -> None:
        self.update(demographics_text(patient))


class PumpCard(SizedStatic):
    DEFAULT_CSS = """
    PumpCard { height: auto; padding: 0 1; border: round $primary; }
    """

    def on_mount(self) -> None:
        self.border_title = "Pump"

    def show(self, patient: Patient, assessment: Assessment) -> None:
        self.update(pump_card(patient, assessment))
