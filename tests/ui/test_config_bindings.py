"""config/bindings.py's table of binding ids is exactly what the screens declare: a
binding added (or a key changed) on a screen without its row there fails here, so the
configuration can never accept an id the app does not have nor miss a safety key."""

from __future__ import annotations

import importlib
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode

import itb_tui.ui as ui
from itb_tui.config import bindings
from itb_tui.config.settings import THEMES
from itb_tui.ui import app as app_module


def _declared() -> dict[str, str]:
    for module in pkgutil.walk_packages(ui.__path__, "itb_tui.ui."):
        importlib.import_module(module.name)
    found: dict[str, str] = {}

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    for cls in walk(DOMNode):
        if cls.__module__.startswith("itb_tui."):
            for b in cls.__dict__.get("BINDINGS", []):
                if isinstance(b, Binding) and b.id:
                    found[b.id] = b.key
    return found


def test_the_table_is_every_binding_id_with_its_keys():
    assert _declared() == bindings.DEFAULT_KEYS


def test_every_back_and_cancel_is_a_safety_binding():
    escapes = {bid for bid, keys in _declared().items() if "escape" in keys.split(",")}
    assert escapes <= bindings.SAFETY_BINDINGS and "app.lock" in bindings.SAFETY_BINDINGS


def test_the_configuration_offers_the_apps_themes():
    assert set(THEMES) == {app_module.DARK_THEME, app_module.LIGHT_THEME, app_module.HIGH_CONTRAST_THEME}
    assert THEMES[0] == app_module.DARK_THEME  # the default
