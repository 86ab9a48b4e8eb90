"""OBX-5 repetitions (formats/hl7/oru.py `_values`). HL7 v2 lets the observation value
repeat ("may repeat for multipart, single answer results with appropriate data types,
e.g., CE, TX, and FT data types"; v2+ cardinality [0..*]) with the repetition separator of
MSH-2 (`~` by default). Before, only the first repetition's components were read: a
second organism, or an organism after a "No growth" repetition, was silently dropped.

Coded values (CE/CWE): every repetition is an answer, combined as the observations of
one report are: the same organism twice is that organism; two organisms quarantine (enter
by hand); an organism beside "No growth" is positive (as a positive bottle beside a
negative one). Text values (ST/TX/FT): the repetitions are parts of one answer, joined.
"""

from __future__ import annotations

import pytest
from hl7_messages import AEROBIC, oru

from itb_tui.formats.hl7 import read, split_messages


def _read(kind: str, value: str, *, repetition: str = "~"):
    text = oru(observations=((kind, AEROBIC, value.replace("~", repetition), "F"),))
    if repetition != "~":
        text = text.replace("MSH|^~\\&|", f"MSH|^{repetition}\\&|", 1)
    return read(split_messages(text).messages[0])


# (case, OBX-2, OBX-5, outcome, result, organism, words in the reason)
CASES = [
    ("two organisms", "CE", "^Candida albicans^L~^Nakaseomyces glabratus^L", "quarantined", None, None,
     "two organisms"),
    ("the same organism twice", "CE", "^Candida albicans^L~^Candida albicans^L", "ok", "positive",
     "Candida albicans", ""),
    ("an empty first repetition", "CE", "~^Candida albicans^L", "ok", "positive", "Candida albicans", ""),
    ("an empty last repetition", "CE", "^Candida albicans^L~", "ok", "positive", "Candida albicans", ""),
    ("no growth, then an organism", "CWE", "^No growth^L~^Candida albicans^L", "ok", "positive",
     "Candida albicans", ""),
    ("an unknown organism in the second repetition", "CE", "^Candida albicans^L~^Candida imaginaria^L",
     "quarantined", None, None, "imaginaria"),
    ("text in two parts", "ST", "Candida~albicans", "ok", "positive", "Candida albicans", ""),
    ("formatted text in two parts", "FT", "No growth~at 5 days", "ok", "no_growth", None, ""),
]


@pytest.mark.parametrize("case,kind,value,outcome,result,organism,why", CASES, ids=[c[0] for c in CASES])
def test_obx5_repetitions(case, kind, value, outcome, result, organism, why):
    r = _read(kind, value)
    assert r.outcome == outcome, r.reason
    if outcome == "ok":
        (rep,) = r.reports
        assert (rep.culture.result, rep.culture.organism) == (result, organism)
    else:
        assert why in r.reason


def test_the_message_own_repetition_separator_is_used():
    """MSH-2 may name another repetition character: `#` here."""
    r = _read("CE", "^Candida albicans^L~^Nakaseomyces glabratus^L", repetition="#")
    assert r.outcome == "quarantined" and "two organisms" in r.reason
