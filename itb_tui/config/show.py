"""`itb-tui config show`: every effective setting, its value and where it came from, as
text for a person or JSON for a script (`--json`). Pure: a SiteConfig in, text out."""

from __future__ import annotations

import json

from itb_tui.config.load import SiteConfig
from itb_tui.config.log_file import log_path


def _shown(value) -> str:
    if value == "":
        return "(none)"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def show_text(config: SiteConfig) -> str:
    state = "read" if config.found else "not present: every setting is its default"
    lines = [f"configuration file: {config.path} ({config.path_source}; {state})",
             f"log file: {log_path()}", ""]
    rows = [(s.name, _shown(s.value), s.where()) for s in config.settings.values()]
    rows += [(s.name, _shown(s.value), s.where()) for s in config.keys.values()]
    width = max(len(name) for name, _, _ in rows)
    value_width = max(len(value) for _, value, _ in rows)
    for name, value, where in rows:
        lines.append(f"{name.ljust(width)}  {value.ljust(value_width)}  {where}")
    lines += [f"note: {note}" for note in config.notes]
    return "\n".join(lines) + "\n"


def show_json(config: SiteConfig) -> str:
    def entry(s):
        return {"value": s.value, "source": s.source, "origin": s.origin or None}

    doc = {
        "format": "itb-config-show/1",
        "file": {"path": str(config.path), "source": config.path_source, "found": config.found},
        "log_file": str(log_path()),
        "settings": {s.name: entry(s) for s in config.settings.values()},
        "keys": {bid: entry(s) for bid, s in config.keys.items()},
        "notes": list(config.notes),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
