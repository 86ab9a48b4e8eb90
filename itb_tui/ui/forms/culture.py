"""Add a culture, and later enter its result.

The organism field completes from the species table (current and former names, and the
genus-level entries such as "Candida species"), and says as it is typed which species the
app will count it as, whether that is fungal and its fungal group: whether a culture is
fungal decides refill blocks and the device alert, and the group decides the 14-day course,
so a clinician should see "Candida krusei = Pichia kudriavzevii, fungal" before saving, not
after. The hint asks `organisms.resolve`, the one check of import, forms and the lab feed:
a text it refuses ("Candida foo", "Candida albicans / Candida glabrata") is said to be
refused, with the nearest listed names, while it is typed; Save refuses it with the same
words. The notice says how the refill status changes if the culture is saved.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from itb_tui.clinical import corrections, organisms
from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import (
    CULTURE_RESULTS,
    SPECIMENS,
    SUSCEPTIBILITY_VALUES,
    Culture,
    Patient,
)
from itb_tui.ui.forms.base import Field, FormScreen, find_record, index_of
from itb_tui.present.words import (CORRECTION_NOT_YOURS, REFILL_CHANGES, correction_heading,
                                   correction_lifts_block, refill_stays_words)
from itb_tui.ui.format import STATUS_LABELS, date_text, reason_text
from itb_tui.ui.widgets.detail_text import RESULT_WORDS, ROLE_STYLES, SPECIMEN_WORDS, words

_ENTRY = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 .\-/]*?)\s*(?:=|:|\s)\s*([A-Za-z]+)\s*$")
SUSCEPTIBILITY_HELP = "write drug=S, SDD, I or R, separated by commas (e.g. fluconazole=R, micafungin=S)"


def parse_susceptibility(text: str) -> dict[str, str]:
    """`fluconazole=R, micafungin S` -> {"fluconazole": "R", "micafungin": "S"}; ValueError in words."""
    result: dict[str, str] = {}
    for part in re.split(r"[,;]", text):
        if not part.strip():
            continue
        match = _ENTRY.match(part)
        if match is None:
            raise ValueError(f"cannot read {part.strip()!r}: {SUSCEPTIBILITY_HELP}")
        drug, value = match.group(1).strip().lower(), match.group(2).upper()
        if value not in SUSCEPTIBILITY_VALUES:
            raise ValueError(f"{drug}: {value!r} is not S, SDD, I or R")
        if drug in result:
            raise ValueError(f"{drug} is given twice")
        result[drug] = value
    return result


def susceptibility_text(susceptibility) -> str:
    return ", ".join(f"{drug}={value}" for drug, value in sorted((susceptibility or {}).items()))


def organism_names() -> tuple[str, ...]:
    """Completion list: every current name, then every former name, then the genus-level
    entries ("Candida species"), all as the species table spells them."""
    species = organisms.all_species()
    current = [s.name for s in species]
    former = [name for s in species for name in s.former_names]
    genera = [g.name for g in organisms.genus_entries()]
    return tuple(dict.fromkeys(current + former + genera))


COMPLETION_HINT = "completes from the species table (→ accepts the suggestion)"
REFUSED_MARK = "✖ "
_GROUP_WORDS = {
    "candida": "Candida group",
    "cryptococcus": "Cryptococcus: not Candida, no 14-day course",
    "mould": "mould: not Candida, no 14-day course",
    "other_yeast": "yeast, not Candida: no 14-day course",
}


def _kind(species: organisms.Species) -> str:
    if not species.fungal:
        return "not fungal (bacterial)"
    return f"fungal ({_GROUP_WORDS[species.group]})" if species.group in _GROUP_WORDS else "fungal"


def organism_hint(name: str | None) -> str:
    """What the app will count the typed organism as, or why it cannot be saved.

    Why `resolve`, not `lookup`: lookup fails safe for stored texts (a refused fungal text
    counts as "Unrecognised fungus"), which read here as if the text were accepted. The
    form must say what Save will do: refuse it, naming the nearest listed names.
    """
    if not name or not name.strip():
        return COMPLETION_HINT
    try:
        species = organisms.resolve(name)
    except organisms.OrganismRefused as refused:
        return f"{REFUSED_MARK}{refused}: not saved as written"
    if species is None:
        return "not in the species table: counted as bacterial (blocks refill as bacteremia)"
    typed = " ".join(name.split()).lower()
    if species.genus_level:
        return f"recognised at genus level only: {species.name}, {_kind(species)}"
    if typed == species.name.lower():
        return f"recognised: {species.name}, {_kind(species)}"
    if typed in (former.lower() for former in species.former_names):
        return f"= {species.name} (current name), {_kind(species)}"
    return f"recognised as {species.name}, {_kind(species)}"


def organism_hint_text(name: str | None) -> Text:
    """The hint as shown: plain text (the typed words are never read as markup), and a
    refusal in the error colour so it is not read past as a muted hint."""
    hint = organism_hint(name)
    return Text(hint, style="bold red" if hint.startswith(REFUSED_MARK) else "")


class CultureForm(FormScreen):
    FORM_TITLE = "Add culture"

    def __init__(self, patient: Patient) -> None:
        super().__init__(patient)

    def intro(self) -> str:
        return f"{self.patient.name} ({self.patient.mrn}): a culture drawn, pending or with its result."

    @property
    def drawn_only(self) -> bool:
        """The role may record a culture as drawn (pending) but not one with its result
        (a nurse): the form says so at once and keeps the result pending, instead of
        refusing at Save (issue 13). The result is entered later with e."""
        can = getattr(self.app, "can", None)
        return can is not None and not can("add_culture")

    def form_fields(self) -> list[Field]:
        fields = [
            Field("specimen", "Specimen", "select",
                  options=tuple((words(code, SPECIMEN_WORDS), code) for code in SPECIMENS)),
            Field("drawn_on", "Drawn on", "date", placeholder="YYYY-MM-DD, today, -1d"),
            *self.result_fields(),
        ]
        if self.drawn_only:
            hint = "pending: your role records the culture as drawn; the result is entered later with e"
            fields = [replace(f, disabled=True, hint=hint if f.name == "result" else "")
                      if f.name in ("result", "organism", "susceptibility") else f for f in fields]
        return fields

    def result_fields(self) -> list[Field]:
        return [
            Field("result", "Result", "select",
                  options=tuple((words(code, RESULT_WORDS), code) for code in CULTURE_RESULTS)),
            Field("organism", "Organism", placeholder="e.g. Candida albicans",
                  suggestions=organism_names(), hint=COMPLETION_HINT),
            Field("susceptibility", "Susceptibility", "susceptibility",
                  placeholder="e.g. fluconazole=R, micafungin=S", hint=SUSCEPTIBILITY_HELP),
        ]

    def initial_values(self) -> dict[str, Any]:
        return {"specimen": "blood", "drawn_on": self.today.isoformat(), "result": "pending"}

    def parse_field(self, spec: Field, raw: Any) -> Any:
        if spec.kind == "susceptibility":
            return parse_susceptibility(raw)
        return super().parse_field(spec, raw)

    def culture(self, values: dict[str, Any]) -> Culture:
        return Culture(specimen=values["specimen"], drawn_on=values["drawn_on"], result=values["result"],
                       organism=values["organism"], susceptibility=values["susceptibility"] or {})

    def build_draft(self, values: dict[str, Any]) -> Patient:
        return replace(self.patient, cultures=self.patient.cultures + (self.culture(values),))

    def record_path(self) -> str:
        return f"cultures[{len(self.patient.cultures)}]."

    def notice(self, values: dict[str, Any], draft: Patient | None, errors: dict[str, str]) -> RenderableType | None:
        self.show_organism_hint(errors)
        if draft is None or errors:
            return None  # the engine only reads records the validator accepts
        when = max(self.today, values["drawn_on"])
        before = assess(self.patient, when, self.rules).refill
        after = assess(draft, when, self.rules).refill
        if (before.status, before.reasons) == (after.status, after.reasons):
            return Text(refill_stays_words(STATUS_LABELS[after.status]), style="dim")
        text = Text(REFILL_CHANGES, style="bold")
        text.append(f"{STATUS_LABELS[before.status]} → {STATUS_LABELS[after.status]}",
                    style="bold reverse")
        if after.reasons:
            text.append(" (" + ", ".join(reason_text(r) for r in after.reasons) + ")")
        return text

    def show_organism_hint(self, errors: dict[str, str]) -> None:
        """The organism hint, live; left empty while the field's own error line (shown once
        the field is left, or after Save) already says the same refusal."""
        raw = self.raw("organism")
        refused = organism_hint(raw).startswith(REFUSED_MARK)
        if refused and "organism" in errors and "organism" in self._may_show:
            self.set_hint("organism", "")
        else:
            self.set_hint("organism", organism_hint_text(raw))

    def save(self, values: dict[str, Any]) -> Any:
        return self.store.add_culture(self.patient.mrn, self.culture(values), self.actor,
                                      expected_version=self.expected_version)

    def saved_message(self, result: Any) -> str:
        return "Culture added"


class CultureResultForm(CultureForm):
    """Enter or change the result of a culture already recorded (usually a pending one).

    Changing a result that is already final is a *correction* (`clinical.corrections`):
    the form says so as soon as the change is typed, with the earlier value and whether
    it lifts a refill block, reveals the required reason, and tells a nurse before she
    types anything that only a clinician may correct (the store refuses it anyway)."""

    FORM_TITLE = "Culture result"
    SAVE_LABEL = "Save result"

    def __init__(self, patient: Patient, culture: Culture) -> None:
        super().__init__(patient)
        self.original = culture
        self.index = index_of(patient.cultures, culture)

    def intro(self) -> str:
        c = self.original
        return (f"{self.patient.name} ({self.patient.mrn}): {words(c.specimen, SPECIMEN_WORDS)} culture "
                f"drawn {date_text(c.drawn_on)}, now {words(c.result, RESULT_WORDS)}.")

    def form_fields(self) -> list[Field]:
        return [*self.result_fields(),
                Field("correction_reason", "Correction reason", placeholder="why the final result changes",
                      hint="e.g. the laboratory's corrected report", hidden=True)]

    def correction(self, values: dict[str, Any], draft: Patient | None) -> corrections.Correction:
        """What saving means: an entry, or a correction (and the block it lifts)."""
        if draft is None:
            return corrections.Correction(corrections.is_correction(self.original, self.culture(values)))
        return corrections.decide(self.patient, draft, self.original, self.culture(values),
                                  self.today, self.rules)

    def before_check(self, values: dict[str, Any]) -> None:
        self.show_field("correction_reason", corrections.is_correction(self.original, self.culture(values)))

    def extra_problems(self, values: dict[str, Any], draft: Patient | None) -> dict[str, str]:
        if not corrections.is_correction(self.original, self.culture(values)):
            return {}
        problem = corrections.reason_problem(values.get("correction_reason"))
        return {"correction_reason": problem} if problem else {}

    def initial_values(self) -> dict[str, Any]:
        c = self.original
        return {"result": c.result, "organism": c.organism or "",
                "susceptibility": susceptibility_text(c.susceptibility)}

    def culture(self, values: dict[str, Any]) -> Culture:
        return replace(self.original, result=values["result"], organism=values["organism"],
                       susceptibility=values["susceptibility"] or {})

    def build_draft(self, values: dict[str, Any]) -> Patient:
        cultures = list(self.patient.cultures)
        cultures[self.index] = self.culture(values)
        return replace(self.patient, cultures=tuple(cultures))

    def record_path(self) -> str:
        return f"cultures[{self.index}]."

    def rebind(self, patient: Patient) -> str | None:
        culture = find_record(patient.cultures, self.original.id)
        if culture is None:
            return "this culture is no longer on file (marked entered in error?)"
        self.patient, self.original, self.index = patient, culture, index_of(patient.cultures, culture)
        return None

    def notice(self, values: dict[str, Any], draft: Patient | None, errors: dict[str, str]) -> RenderableType | None:
        values = {**values, "drawn_on": self.original.drawn_on}
        # A missing correction reason must not hide what saving would do to the refill.
        errors = {name: message for name, message in errors.items() if name != "correction_reason"}
        status = super().notice(values, draft, errors)
        if not corrections.is_correction(self.original, self.culture(values)):
            return status
        decision = self.correction(values, None if errors else draft)
        parts: list[RenderableType] = [Text(
            correction_heading(decision.was or corrections.result_words(self.original)), style="bold")]
        if decision.lifts_block:
            parts.append(Text(correction_lifts_block([reason_text(r) for r in decision.lifts_block]),
                              style=ROLE_STYLES["danger"]))
        can = getattr(self.app, "can", None)
        if can is not None and not can(corrections.CORRECTION_ACTION):
            parts.append(Text(CORRECTION_NOT_YOURS, style="bold"))
        if status is not None:
            parts.append(status)
        return Group(*parts)

    def save(self, values: dict[str, Any]) -> Any:
        culture = self.culture(values)
        reason = values.get("correction_reason") if corrections.is_correction(self.original, culture) else None
        return self.store.update_culture(self.original.id, culture, self.actor, reason=reason,
                                         expected_version=self.expected_version)

    def saved_message(self, result: Any) -> str:
        if corrections.is_correction(self.original, self.culture(self.collect()[0])):
            return "Culture result corrected (the earlier value is kept)"
        return "Culture result saved"
