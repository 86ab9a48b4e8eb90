"""Status colours that stay readable: WCAG AA (4.5:1) in every theme the app offers.

Why: in the light theme the warning orange on grey measured 3.0:1 and the success green
3.5:1 (issue 13, "orange on grey is faint"). Colour only reinforces the status words and
symbols, but a colour that is there must be readable. The app's themes take their status
text colours from `READABLE_TEXT` below; the detail's Rich styles (banner badge, alert
severities) are derived from the running theme by `rich_status_styles`, never fixed ANSI
names whose shade depends on the terminal. tests/ui/test_theme_contrast.py computes every
pair from the themes themselves.
"""

from __future__ import annotations

from textual.color import Color

AA = 4.5

# The colour roles of the status words (present/words.py) -> the theme's text variable.
ROLE_TEXT = {"danger": "text-error", "warn": "text-warning", "ok": "text-success", "info": "text-primary"}
# The backgrounds status text is drawn on: the screen, the ward list (surface, odd rows
# boosted), panels (summary line, table header, demographics).
BACKGROUNDS = ("background", "surface", "boost", "panel")

# Darker orange and green for the light theme (measured 3.0:1 and 3.5:1 before).
READABLE_TEXT = {
    "textual-light": {"text-warning": "#7A4100", "text-success": "#1A5E2E"},
    "textual-dark": {},
}


def readable_variables(theme_name: str, variables: dict[str, str]) -> dict[str, str]:
    """The theme's CSS variables with the readable status text colours above. Textual
    derives $text-warning and friends from the theme and does not take them from a
    theme's `variables`, so the app applies these in `get_css_variables`."""
    return {**variables, **READABLE_TEXT.get(theme_name, {})}


def _channel(value: int) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: Color) -> float:
    """WCAG 2.x relative luminance of an opaque sRGB colour."""
    return 0.2126 * _channel(colour.r) + 0.7152 * _channel(colour.g) + 0.0722 * _channel(colour.b)


def contrast_ratio(first: Color, second: Color) -> float:
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def background_colours(variables: dict[str, str]) -> dict[str, Color]:
    """The opaque colours behind status text (boost is a tint laid over the surface)."""
    surface = Color.parse(variables["surface"])
    colours = {"background": Color.parse(variables["background"]), "surface": surface,
               "boost": surface + Color.parse(variables["boost"]), "panel": Color.parse(variables["panel"])}
    return {name: colours[name] for name in BACKGROUNDS}


def status_pairs(variables: dict[str, str]) -> list[tuple[str, str, float]]:
    """(role, background name, contrast ratio) for every status colour on every background,
    and the 'not today' warning bar (its text is the automatic contrast colour)."""
    pairs = []
    for background_name, background in background_colours(variables).items():
        for role, name in ROLE_TEXT.items():
            text = Color.parse(variables[name])
            pairs.append((role, background_name, contrast_ratio(background + text, background)))
    warning = Color.parse(variables["warning"])
    pairs.append(("not-today bar", "warning", contrast_ratio(warning.get_contrast_text(1.0), warning)))
    return pairs


def rich_status_styles(variables: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(badge style by role, text style by severity) in the theme's own colours: a badge is
    the screen's background colour on the status colour (the same ratio, reversed)."""
    background = Color.parse(variables["background"]).hex

    def text(role: str) -> str:
        return Color.parse(variables[ROLE_TEXT[role]]).hex

    badges = {role: f"bold {background} on {text(role)}" for role in ("danger", "warn", "ok")}
    badges["muted"] = "bold"
    severities = {"critical": f"bold {text('danger')}", "warning": f"bold {text('warn')}",
                  "info": f"bold {text('info')}", "ok": f"bold {text('ok')}"}
    return badges, severities
