"""The app's key bindings by id, as the site configuration's `[keys]` table may rebind them.

Why a table here and not Textual's: the configuration is read and refused before anything
starts (and by `itb-tui config show`), without importing Textual. tests/ui/
test_config_bindings.py proves this table is exactly the bindings the screens declare, so
a binding added to a screen without a row here fails the tests.

A key override is refused when it would make the app less safe or a key dead:
- a *safety key* (escape: back / cancel on every screen; ctrl+l: lock the screen; ctrl+q,
  ctrl+c: quit; tab, shift+tab: move between a form's fields) may not be given to any
  other binding;
- a *safety binding* (the lock, every back / cancel / close) may get more keys, but keeps
  its own (escape, ctrl+l): a nurse's "escape gets me out" must hold on every workstation;
- a key an override adds must not already be used on the same screen, by the app-wide
  keys, or by the screen's unnamed keys (the list's j/k, a form's tab): one of the two
  would silently stop working.
"""

from __future__ import annotations

import re

# id -> default keys (Textual's spelling, comma-separated). The part before the dot is the
# screen the binding lives on ("app": every screen).
DEFAULT_KEYS: dict[str, str] = {
    "app.as_of": "a", "app.today": "t", "app.help": "question_mark,f1", "app.theme": "ctrl+t",
    "app.quit": "q", "app.lock": "ctrl+l", "app.audit": "A", "app.users": "U", "app.export": "X",
    "ward.open": "enter", "ward.filter": "slash", "ward.sort": "s", "ward.blocked": "b", "ward.due": "d",
    "ward.ward": "w", "ward.new_patient": "n", "ward.tasks": "T", "ward.clear": "escape",
    "ward.reload": "ctrl+r", "ward.review": "v", "ward.changed": "c",
    "detail.back": "escape", "detail.focus_alerts": "l", "detail.refill": "r", "detail.culture": "c",
    "detail.culture_result": "e", "detail.antifungal": "f", "detail.new_antifungal": "F",
    "detail.pump": "p", "detail.explant": "x", "detail.reimplant": "i", "detail.bridging": "g",
    "detail.change_bridging": "G", "detail.symptoms": "y", "detail.exam": "m",
    "detail.edit_patient": "E", "detail.entered_in_error": "delete", "detail.history": "h",
    "detail.note": "n", "detail.handed_over": "H", "detail.review": "v",
    "form.cancel": "escape", "form.save": "ctrl+s", "form.reload": "ctrl+r",
    "as_of.cancel": "escape",
    "audit.back": "escape", "audit.filters": "slash", "audit.reload": "ctrl+r",
    "export.back": "escape", "export.run": "ctrl+s",
    "help.close": "escape,question_mark,f1",
    "quarantine.back": "escape", "quarantine.reload": "ctrl+r",
    "tasks.back": "escape", "tasks.do": "enter", "tasks.defer": "D", "tasks.reload": "ctrl+r",
    "users.back": "escape", "users.add": "a", "users.disable": "d", "users.password": "p",
    "users.reload": "ctrl+r",
}

# Keys no override may take, and why (said in the refusal).
SAFETY_KEYS: dict[str, str] = {
    "escape": "back / cancel on every screen",
    "ctrl+l": "lock the screen",
    "ctrl+q": "quit, on every screen",
    "ctrl+c": "quit / copy",
    "tab": "next field on a form",
    "shift+tab": "previous field on a form",
}

# Bindings that keep their own key whatever the override adds.
SAFETY_BINDINGS: frozenset[str] = frozenset(
    {"app.lock"} | {bid for bid, keys in DEFAULT_KEYS.items() if "escape" in keys.split(",")})

# Keys of bindings without an id on each screen (widgets' own keys): taken, not rebindable.
UNNAMED_KEYS: dict[str, frozenset[str]] = {
    "ward": frozenset({"up", "k", "down", "j", "pageup", "pagedown", "home", "end"}),
    "detail": frozenset({"up", "down", "enter", "space"}),
    "form": frozenset({"tab", "shift+tab", "enter"}),
    "app": frozenset({"ctrl+p"}),  # the command palette
}

_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_KEY_NAME = r"^[A-Za-z0-9]$|^[a-z][a-z0-9_]*$"  # compiled on first use (re caches it)
_REPLACEMENTS = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
                 "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore"}


class KeyOverrideError(ValueError):
    """Why one `[keys]` entry is refused, in words (the loader adds the file and the key)."""


def scope(binding_id: str) -> str:
    return binding_id.split(".", 1)[0]


def normalize_key(key: str) -> str:
    """Textual's spelling of one key: '?' -> 'question_mark', '/' -> 'slash' (as
    textual.keys._character_to_key does), modifiers lower case; refused if not a key."""
    key = key.strip()
    if len(key) == 1:
        if key.isalnum():
            return key
        import unicodedata  # only for a punctuation key a configuration file names

        try:
            name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
        except ValueError:
            raise KeyOverrideError(f"{key!r} is not a key") from None
        return _REPLACEMENTS.get(name, name)
    *mods, name = key.split("+")
    mods = [m.strip().lower() for m in mods]
    bad = [m for m in mods if m not in _MODIFIERS]
    if bad or not name:
        raise KeyOverrideError(f"{key!r} is not a key (modifiers are {', '.join(_MODIFIERS)})")
    base = normalize_key(name) if len(name) == 1 else name.strip()
    if not re.match(_KEY_NAME, base):
        raise KeyOverrideError(f"{key!r} is not a key (e.g. 'f', 'F', 'ctrl+f', 'f5', 'slash', 'delete')")
    return "+".join([*mods, base])


def key_list(text: str) -> list[str]:
    """'ctrl+f, /' -> ['ctrl+f', 'slash']; refused when empty or not keys."""
    parts = [part for part in text.split(",")]
    if not text.strip() or any(not part.strip() for part in parts):
        raise KeyOverrideError("give one or more keys separated by commas, e.g. \"f\" or \"f,ctrl+f\"")
    keys = [normalize_key(part) for part in parts]
    return list(dict.fromkeys(keys))


def check_overrides(overrides: dict[str, str]) -> dict[str, str]:
    """The validated keymap (binding id -> normalized keys) for Textual's App.set_keymap.
    Raises KeyOverrideError naming the first refused entry's id (as `id: why`)."""
    effective = {bid: keys.split(",") for bid, keys in DEFAULT_KEYS.items()}
    parsed: dict[str, list[str]] = {}
    for bid, text in overrides.items():
        if bid not in DEFAULT_KEYS:
            raise KeyOverrideError(f"{bid}: no binding has this id (the ids are listed in docs/config.md)")
        try:
            parsed[bid] = key_list(text)
        except KeyOverrideError as exc:
            raise KeyOverrideError(f"{bid}: {exc}") from None
        effective[bid] = parsed[bid]
    for bid, keys in parsed.items():
        defaults = DEFAULT_KEYS[bid].split(",")
        if bid in SAFETY_BINDINGS:
            kept = [k for k in defaults if k in SAFETY_KEYS]
            missing = [k for k in kept if k not in keys]
            if missing:
                raise KeyOverrideError(
                    f"{bid}: a safety binding keeps its key {missing[0]} ({SAFETY_KEYS[missing[0]]}); "
                    f"add keys to it instead, e.g. \"{','.join([*kept, *[k for k in keys if k not in kept]])}\"")
        for key in keys:
            if key in defaults:
                continue  # the binding's own key: nothing new
            if key in SAFETY_KEYS:
                raise KeyOverrideError(f"{bid}: {key} is a safety key ({SAFETY_KEYS[key]}) and cannot be rebound")
            clash = _user_of(key, bid, effective)
            if clash:
                raise KeyOverrideError(f"{bid}: {key} is already {clash} (one of the two would stop working)")
    return {bid: ",".join(keys) for bid, keys in parsed.items()}


def _user_of(key: str, bid: str, effective: dict[str, list[str]]) -> str | None:
    """Who else answers `key` where `bid` is active: the same screen, or the app-wide keys
    (every screen, for an app key)."""
    own = scope(bid)
    scopes = None if own == "app" else {own, "app"}
    for other, keys in effective.items():
        if other != bid and key in keys and (scopes is None or scope(other) in scopes):
            return f"the key of {other}"
    for where, keys in UNNAMED_KEYS.items():
        if key in keys and (scopes is None or where in scopes):
            return f"a key of the {where} screen" if where != "app" else "the command palette's key"
    return None
