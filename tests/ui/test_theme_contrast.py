"""Both themes meet WCAG AA (4.5:1) for every status colour against its background
(issue 13: "In the light theme, orange on grey is faint": it measured 3.0:1).

The ratios are computed from the running app's own CSS variables for each theme it
offers (dark, light, high contrast), with WCAG's relative luminance: the status text
colours (danger, warning, ok, info) on the screen, the ward list (surface and its
boosted odd rows) and panels, and the 'not today' warning bar. The detail's Rich styles
(the banner badge, the alert severities) must use the same colours.
"""

from __future__ import annotations

import pytest
from rich.style import Style
from textual.color import Color

from itb_tui.ui.app import DARK_THEME, HIGH_CONTRAST_THEME, LIGHT_THEME
from itb_tui.ui.status_colours import AA, contrast_ratio, relative_luminance, status_pairs

from shell_helpers import make_app, make_store, settle


def test_the_luminance_and_ratio_are_wcag_s():
    # WCAG: white on black is 21:1; #777777 on white is 4.48:1 (just under AA).
    assert contrast_ratio(Color(255, 255, 255), Color(0, 0, 0)) == pytest.approx(21.0)
    assert contrast_ratio(Color(0x77, 0x77, 0x77), Color(255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert relative_luminance(Color(255, 255, 255)) == pytest.approx(1.0)


@pytest.mark.parametrize("theme", [DARK_THEME, LIGHT_THEME, HIGH_CONTRAST_THEME])
async def test_every_status_colour_reads_at_aa_in_the_theme(tmp_path, theme):
    from itb_tui.ui.widgets.detail_text import ROLE_STYLES, SEVERITY_STYLES

    app = make_app(make_store(tmp_path, patients=[]))
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await settle(pilot)
        variables = app.get_css_variables()
        failing = [(role, on, round(ratio, 2)) for role, on, ratio in status_pairs(variables) if ratio < AA]
        assert failing == []
        # The detail's badge (text on the status colour) and severity words (on the screen).
        background = Color.parse(variables["background"])
        for role in ("danger", "warn", "ok"):
            style = Style.parse(ROLE_STYLES[role])
            fg, bg = (Color.from_rich_color(c) for c in (style.color, style.bgcolor))
            assert contrast_ratio(fg, bg) >= AA, (theme, role)
        for severity in ("critical", "warning", "info"):
            fg = Color.from_rich_color(Style.parse(SEVERITY_STYLES[severity]).color)
            assert contrast_ratio(fg, background) >= AA, (theme, severity)


async def test_the_light_theme_warning_text_is_darker_than_textual_s(tmp_path):
    from textual.theme import BUILTIN_THEMES

    stock = BUILTIN_THEMES[LIGHT_THEME].to_color_system().generate()
    app = make_app(make_store(tmp_path, patients=[]))
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = LIGHT_THEME
        await settle(pilot)
        ours = app.get_css_variables()
    panel = Color.parse(stock["panel"])
    assert contrast_ratio(Color.parse(stock["text-warning"]), panel) < AA  # the faint orange
    assert contrast_ratio(Color.parse(ours["text-warning"]), panel) >= AA


def test_no_status_style_in_the_ui_names_a_fixed_terminal_colour():
    """Every status badge and banner takes the running theme's checked colours (ROLE_STYLES,
    SEVERITY_STYLES, tested above): a fixed ANSI name ("white on red") takes its shade
    from the terminal and is never checked. The refill and culture forms' banners used them."""
    import re
    from pathlib import Path

    import itb_tui.ui as ui

    fixed = re.compile(r'style="bold (white|black) on (red|yellow|green|dark_green)"')
    offenders = []
    for path in Path(ui.__file__).parent.rglob("*.py"):
        if path.name == "detail_text.py":
            continue  # holds the defaults the theme replaces at start (apply_status_styles)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if fixed.search(line):
                offenders.append(f"{path.name}:{number}")
    assert offenders == []
