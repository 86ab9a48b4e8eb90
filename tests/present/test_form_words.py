"""The refill and culture forms take their refill-status words from present/words.py
(one wording table), and an unknown status never reads as "allowed"."""

from __future__ import annotations

from pathlib import Path

import pytest

from itb_tui.present.words import DANGER, PLAIN, WARN, refill_on_words

FORMS = Path(__file__).parents[2] / "itb_tui" / "ui" / "forms"


@pytest.mark.parametrize("status, line, role", [
    ("blocked", "✖ REFILL BLOCKED on 2026-11-10 Tue", DANGER),
    ("caution", "▲ CAUTION on 2026-11-10 Tue: refill allowed", WARN),
    ("ok", "✔ Refill allowed on 2026-11-10 Tue.", PLAIN),
    ("not_applicable", "– No pump implanted on 2026-11-10 Tue.", PLAIN),
    ("error", "? Refill status 'error' on 2026-11-10 Tue: check by hand", DANGER),
])
def test_the_refill_status_on_a_date_in_words(status, line, role):
    assert refill_on_words(status, "2026-11-10 Tue") == (line, role)


@pytest.mark.parametrize("form", ["refill.py", "culture.py"])
def test_the_forms_word_no_refill_status_themselves(form):
    source = (FORMS / form).read_text()
    for words in ("REFILL BLOCKED", "CAUTION on", "Refill allowed", "LIFTS THE REFILL BLOCK",
                  "Refill status stays", "You may not"):
        assert words not in source, f"{form} words {words!r} itself: take it from present/words.py"
