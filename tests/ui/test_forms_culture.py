"""Adding a culture and entering its result; a positive fungal blood culture blocks refill."""

from __future__ import annotations

from itb_tui.clinical.engine import assess
from itb_tui.ui.forms.culture import CultureForm, CultureResultForm, parse_susceptibility
from itb_tui.ui.widgets.detail_timeline import Timeline

from detail_helpers import (
    TODAY,
    choose,
    field_error,
    fill,
    notice_text,
    open_form,
    put,
    press,
    running,
    screen_text,
    settle,
)


async def test_positive_candida_culture_turns_an_ok_patient_blocked(tmp_path):
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        assert "✔ REFILL OK" in screen_text(app)
        form = await open_form(pilot, "c", CultureForm)
        await choose(pilot, "result", "positive")
        await fill(pilot, "organism", "Candida albicans")
        assert "recognised: Candida albicans, fungal" in screen_text(app)
        assert "✔ REFILL OK → ✖ BLOCKED (fungemia)" in notice_text(form)  # said before saving
        await fill(pilot, "susceptibility", "fluconazole=S, micafungin s")
        await press(pilot, "enter")
        assert app.screen is detail
        culture = store.get_patient("OK01").cultures[-1]
        assert (culture.specimen, culture.drawn_on, culture.result, culture.organism) == (
            "blood", TODAY, "positive", "Candida albicans")
        assert dict(culture.susceptibility) == {"fluconazole": "S", "micafungin": "S"}
        assert assess(store.get_patient("OK01"), TODAY).refill.reasons == ("fungemia",)
        text = screen_text(app)
        assert "✖ BLOCKED: do not refill" in text and "Fungemia" in text


async def test_enter_the_result_of_the_pending_culture(tmp_path):
    async with running(tmp_path, "PEND01") as (store, app, pilot, detail):
        assert "▲ CAUTION: refill only after" in screen_text(app)
        form = await open_form(pilot, "e", CultureResultForm)  # no culture row selected: the latest pending culture
        assert "blood culture drawn 2026-11-24, now pending" in screen_text(app)
        await choose(pilot, "result", "no_growth")
        await press(pilot, "enter")
        assert app.screen is detail
        assert [c.result for c in store.get_patient("PEND01").cultures] == ["no_growth"]
        assert "✔ REFILL OK" in screen_text(app)


async def test_e_edits_the_culture_selected_in_the_timeline(tmp_path):
    async with running(tmp_path, "DAY01") as (store, app, pilot, detail):
        timeline = detail.query_one(Timeline)
        row = next(i for i, e in enumerate(timeline.entries) if e.event == "Culture: blood" and
                   e.on.isoformat() == "2026-11-05")
        timeline.move_cursor(row=row)
        form = await open_form(pilot, "e", CultureResultForm)
        assert form.original.drawn_on.isoformat() == "2026-11-05"
        await fill(pilot, "susceptibility", "fluconazole=SDD")
        # The culture's result was final: changing a susceptibility is a correction (issue 14).
        await fill(pilot, "correction_reason", "laboratory corrected report: MIC revised")
        await press(pilot, "enter")
        assert app.screen is detail
        first = next(c for c in store.get_patient("DAY01").cultures if c.drawn_on.isoformat() == "2026-11-05")
        assert dict(first.susceptibility) == {"fluconazole": "SDD"}


async def test_culture_form_names_each_bad_field_and_saves_nothing(tmp_path):
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        before = store.get_patient("OK01").cultures
        form = await open_form(pilot, "c")
        await choose(pilot, "result", "positive")
        await press(pilot, "enter")  # positive without an organism
        assert field_error(form, "organism") == "✖ is required for a positive culture"
        await fill(pilot, "organism", "Candida albcans")
        # The validator's words: the typo is named and the species it probably means.
        assert '"Candida albcans"' in field_error(form, "organism")
        # Revision 3 words (organisms.OrganismRefused): the nearest listed names, first the one it means.
        assert '(nearest: "Candida albicans"' in field_error(form, "organism")
        await fill(pilot, "susceptibility", "fluconazole=Q")
        assert field_error(form, "susceptibility") == "✖ fluconazole: 'Q' is not S, SDD, I or R"
        await fill(pilot, "drawn_on", "1890-01-01")
        assert "must not be before" in field_error(form, "drawn_on")
        await press(pilot, "enter")
        assert app.screen is form
        assert store.get_patient("OK01").cultures == before


def test_susceptibility_is_read_as_drug_and_result_pairs():
    assert parse_susceptibility("Fluconazole=r; micafungin: S, voriconazole I") == {
        "fluconazole": "R", "micafungin": "S", "voriconazole": "I"}
    assert parse_susceptibility("  ") == {}


async def test_result_form_refuses_an_organism_on_a_negative_culture(tmp_path):
    async with running(tmp_path, "PEND01") as (store, app, pilot, detail):
        form = await open_form(pilot, "e")
        await fill(pilot, "organism", "Candida albicans")  # result still "pending"
        assert field_error(form, "organism") == "✖ must be empty unless the result is positive (result is pending)"
        await press(pilot, "enter")
        assert app.screen is form
        assert [c.result for c in store.get_patient("PEND01").cultures] == ["pending"]


async def test_organism_completes_from_the_species_table(tmp_path):
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        form = await open_form(pilot, "c")
        form.query_one("#f-organism").focus()
        await pilot.press(*"Nakaseomyces gla")
        await press(pilot, "right")  # accept the suggestion
        assert form.raw("organism") == "Nakaseomyces glabratus"


# --- corrections of a final result (issue 14, item 1) ------------------------------------------


async def _open_positive_culture(pilot, detail):
    timeline = detail.query_one(Timeline)
    row = next(i for i, e in enumerate(timeline.entries) if e.kind == "culture" and e.record.result == "positive")
    timeline.move_cursor(row=row)
    return await open_form(pilot, "e", CultureResultForm)


async def test_a_nurse_is_told_and_refused_when_she_turns_a_positive_culture_into_no_growth(tmp_path):
    """The hazard of issue 14: KRU01 is blocked by a Candida krusei blood culture; a nurse
    changing it to no growth would lift the block. The form says it is a correction, that
    it lifts the block and that her role may not, and the store refuses it."""
    from admin_helpers import add_users, app_as
    from detail_helpers import SIZE, open_detail, ward_store

    store = add_users(ward_store(tmp_path))
    app = app_as(store, "nora")
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, "KRU01")
        before = store.get_patient("KRU01").cultures
        form = await _open_positive_culture(pilot, detail)
        await fill(pilot, "organism", "")
        await fill(pilot, "susceptibility", "")
        await choose(pilot, "result", "no_growth")
        notice = notice_text(form)
        assert "CORRECTION of a final result (was positive: Candida krusei, fluconazole R)" in notice
        assert "This correction LIFTS THE REFILL BLOCK (fungemia)" in notice  # said before saving
        assert "You may not correct a final result with your role: ask a clinician." in notice
        await press(pilot, "enter")
        assert field_error(form, "correction_reason").startswith("✖ is required")
        await fill(pilot, "correction_reason", "the lab phoned: wrong patient's bottle")
        await press(pilot, "enter")
        assert app.screen is form
        assert form.form_error == "Not saved: nurse may not correct a final culture result: a clinician must"
        assert store.get_patient("KRU01").cultures == before
        assert assess(store.get_patient("KRU01"), TODAY).refill.status == "blocked"


async def test_a_clinicians_correction_is_saved_and_the_timeline_shows_the_earlier_value(tmp_path):
    async with running(tmp_path, "KRU01") as (store, app, pilot, detail):  # the demo clinician
        form = await _open_positive_culture(pilot, detail)
        await fill(pilot, "organism", "Candida glabrata")
        assert "CORRECTION of a final result (was positive: Candida krusei, fluconazole R)" in notice_text(form)
        assert "LIFTS THE REFILL BLOCK" not in notice_text(form)  # still a fungal positive
        await fill(pilot, "correction_reason", "re-identified by MALDI-TOF: corrected report")
        await press(pilot, "enter")
        assert app.screen is detail
        await pilot.pause()
        row = next(e for e in detail.query_one(Timeline).entries if e.kind == "culture")
        assert row.details.endswith("corrected (was positive: Candida krusei, fluconazole R)")
        assert "corrected (was" in screen_text(app)  # on screen, not only in the model


# --- the organism hint asks organisms.resolve (revision 3, change 1) ----------------------------


def _hint(form) -> str:
    """The organism hint as shown, wrapped lines joined ('' while hidden)."""
    from textual.geometry import Region

    hint = form.query_one("#hint-organism")
    if not hint.has_class("-shown"):
        return ""
    lines = hint.render_lines(Region(0, 0, hint.outer_size.width, hint.outer_size.height))
    return " ".join(" ".join(line.text for line in lines).split())


async def test_an_unknown_candida_species_is_refused_while_it_is_typed_and_save_changes_nothing(tmp_path):
    """Before: the hint asked the fail-safe lookup and said "= Unrecognised fungus (current
    name), fungal", as if the text were accepted. Now it says what Save will do."""
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        before = store.get_patient("OK01")
        form = await open_form(pilot, "c", CultureForm)
        await choose(pilot, "result", "positive")
        form.query_one("#f-organism").focus()
        await pilot.press(*"Candida foo")  # still in the field: no error line yet
        await settle(pilot)
        assert field_error(form, "organism") == ""
        hint = _hint(form)
        assert hint.startswith('✖ unknown fungal organism "Candida foo": not in the species table (nearest:')
        assert '"Candida species"' in hint and hint.endswith("not saved as written")
        assert "Unrecognised fungus" not in screen_text(app)
        await press(pilot, "enter")  # Save
        assert app.screen is form
        assert field_error(form, "organism").startswith('✖ unknown fungal organism "Candida foo"')
        assert _hint(form) == ""  # the error line says it; not twice
        assert store.get_patient("OK01") == before


async def test_two_different_species_in_one_text_are_refused_as_ambiguous_before_save(tmp_path):
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        form = await open_form(pilot, "c", CultureForm)
        await choose(pilot, "result", "positive")
        form.query_one("#f-organism").focus()
        put(form, "organism", "Candida albicans / Candida glabrata")
        await settle(pilot)
        assert _hint(form).startswith('✖ organism "Candida albicans / Candida glabrata" is ambiguous: '
                                      '"Candida albicans", "Nakaseomyces glabratus" are different organisms')


async def test_a_lab_style_synonym_pair_is_recognised_as_the_fungal_species(tmp_path):
    """Before revision 3 this text, on fluconazole, raised nothing (change 1)."""
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        form = await open_form(pilot, "c", CultureForm)
        await choose(pilot, "result", "positive")
        form.query_one("#f-organism").focus()
        put(form, "organism", "Pichia kudriavzevii (Candida krusei)")
        await settle(pilot)
        assert _hint(form) == "recognised as Pichia kudriavzevii, fungal (Candida group)"
        assert "✔ REFILL OK → ✖ BLOCKED (fungemia)" in notice_text(form)
        await press(pilot, "enter")
        assert app.screen is detail
        assert store.get_patient("OK01").cultures[-1].organism == "Pichia kudriavzevii (Candida krusei)"


async def test_the_completion_offers_the_genus_level_entries_of_the_table(tmp_path):
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        form = await open_form(pilot, "c", CultureForm)
        await choose(pilot, "result", "positive")
        form.query_one("#f-organism").focus()
        await pilot.press(*"Cryptococcus s")
        await press(pilot, "right")  # accept the suggestion
        assert form.raw("organism") == "Cryptococcus species"
        assert _hint(form) == ("recognised at genus level only: Cryptococcus species, "
                               "fungal (Cryptococcus: not Candida, no 14-day course)")


def test_every_name_the_completion_offers_is_one_the_form_accepts():
    from itb_tui.clinical import organisms
    from itb_tui.ui.forms.culture import REFUSED_MARK, organism_hint, organism_names

    names = organism_names()
    assert {"Candida krusei", "Pichia kudriavzevii", "Candidozyma auris", "Cryptococcus neoformans",
            "Candida species", "Aspergillus species"} <= set(names)
    assert len(names) == len(set(names))
    for name in names:
        assert organisms.resolve(name) is not None, name
        assert not organism_hint(name).startswith(REFUSED_MARK), name


def test_the_hint_says_how_the_app_counts_each_kind_of_text():
    from itb_tui.ui.forms.culture import organism_hint

    assert organism_hint("Candida krusei") == "= Pichia kudriavzevii (current name), fungal (Candida group)"
    assert organism_hint("candida  albicans") == "recognised: Candida albicans, fungal (Candida group)"
    assert organism_hint("Staphylococcus aureus") == "recognised: Staphylococcus aureus, not fungal (bacterial)"
    assert organism_hint("Bartonella henselae") == (
        "not in the species table: counted as bacterial (blocks refill as bacteremia)")
    assert organism_hint("Aspergillus fumigatus").endswith("fungal (mould: not Candida, no 14-day course)")
    assert organism_hint("  ") == organism_hint(None)


async def test_typed_brackets_are_shown_as_typed_not_read_as_markup(tmp_path):
    """The refusal quotes the typed text: "[/x]" in it crashed the form (MarkupError)."""
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        before = store.get_patient("OK01")
        form = await open_form(pilot, "c", CultureForm)
        await choose(pilot, "result", "positive")
        await fill(pilot, "organism", "Candida foo [/x]")
        assert field_error(form, "organism").startswith('✖ unknown fungal organism "Candida foo [/x]"')
        await press(pilot, "enter")
        assert app.screen is form and store.get_patient("OK01") == before
