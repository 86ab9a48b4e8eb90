"""The ward file (`itb-ward/1`): parse, validate and write patient records as JSON.

The format is a contract (`shared/ward-file-format.md`). Everything that accepts patient
data (the import, the store's writes, the UI's forms) validates it here, with one set
of rules and one wording:

- `parse_ward(text_or_dict, today) -> list[Patient]`, raising `WardFileError(errors)`
  with every problem in the file, one line each: `MRN: field.path[i].sub: what is wrong`.
- `validate_patient(patient, today) -> list[str]`: the same checks on a record.
- `normalise_patient(patient) -> Patient`: trim text, lower-case drug names (form input).
- `validate_field(kind, field, value, context) -> str | None` and the `check_*`
  helpers: one field at a time, for forms (see `fields.py`).
- `dump_ward(patients) -> dict`, `dumps_ward(patients) -> str`: export.
"""

from itb_tui.wardfile.dump import dump_ward, dumps_ward
from itb_tui.wardfile.errors import WardFileError
from itb_tui.wardfile.fields import (
    check_alarm,
    check_choice,
    check_date,
    check_drug,
    check_organism,
    check_quantity,
    check_record_date,
    check_text,
    check_volume,
    validate_field,
)
from itb_tui.wardfile.limits import ANTIFUNGAL_DRUGS, FORMAT
from itb_tui.wardfile.parse import parse_ward
from itb_tui.wardfile.validate import normalise_patient, validate_patient

__all__ = [
    "ANTIFUNGAL_DRUGS",
    "FORMAT",
    "WardFileError",
    "check_alarm",
    "check_choice",
    "check_date",
    "check_drug",
    "check_organism",
    "check_quantity",
    "check_record_date",
    "check_text",
    "check_volume",
    "dump_ward",
    "dumps_ward",
    "normalise_patient",
    "parse_ward",
    "validate_field",
    "validate_patient",
]
