"""Every setting of the site configuration file: its section and name, its default, and
the check a value from the file must pass (one sentence saying why it is refused).

The defaults are the app's behaviour without a file, so a site without one runs exactly
as before; tests/cli/test_config_defaults.py proves each equals the constant the code
used before the file existed (the listener's address, the idle lock, the write wait).
"""

from __future__ import annotations

import re
from typing import Callable

from itb_tui.clinical.frozen_record import frozen_record

THEMES = ("textual-dark", "textual-light", "itb-high-contrast")  # ui/app.py's three
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_MRN_SYSTEM = "urn:itb-tui:mrn"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 2575  # the IANA port for HL7 over MLLP
DEFAULT_IDLE_LOCK_MINUTES = 10  # security/lockout.py DEFAULT_IDLE_TIMEOUT_S, in minutes
MAX_IDLE_LOCK_MINUTES = 60
DEFAULT_WRITE_WAIT_S = 600  # store/connect.py DEFAULT_WRITE_WAIT_S
MAX_WRITE_WAIT_S = 3600
DEFAULT_LOG_LEVEL = "INFO"


class BadValue(ValueError):
    """Why a value is refused, in words."""


def _text(value, *, max_len: int) -> str:
    if not isinstance(value, str):
        raise BadValue(f"must be text in quotes, not {_kind(value)}")
    text = value.strip()
    if not text:
        raise BadValue("must not be empty (leave the setting out for the default)")
    if len(text) > max_len:
        raise BadValue(f"is {len(text)} characters long; at most {max_len}")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise BadValue("holds a control character (a tab or a line break?)")
    return text


def _whole(value, low: int, high: int, unit: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValue(f"must be a whole number of {unit}, not {_kind(value)}")
    if not low <= value <= high:
        raise BadValue(f"must be {low} to {high} {unit}, not {value}")
    return value


def _kind(value) -> str:
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value!r})"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


# Compiled on first use (re caches them): only a configuration file that sets them is checked.
_URI = r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$"
_OID = r"^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$"
_HOSTNAME = r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"


def check_hospital_name(value) -> str:
    return _text(value, max_len=80)


def check_mrn_system(value) -> str:
    """A URI, as FHIR's Identifier.system is: 'urn:oid:1.2.36.146.595.217.0.1',
    'https://hospital.example/mrn'."""
    text = _text(value, max_len=255)
    if not re.match(_URI, text):
        raise BadValue(f"{text!r} is not a URI (e.g. 'urn:oid:1.2.3.4' or 'https://hospital.example/mrn')")
    if text.lower().startswith("urn:oid:") and not re.match(_OID, text):
        raise BadValue(f"{text!r} is not an OID URI (digits separated by dots, e.g. 'urn:oid:1.2.3.4')")
    return text


def check_theme(value) -> str:
    text = _text(value, max_len=40)
    if text not in THEMES:
        raise BadValue(f"{text!r} is not a theme of the app ({', '.join(THEMES)})")
    return text


def check_idle_lock_minutes(value) -> int:
    return _whole(value, 1, MAX_IDLE_LOCK_MINUTES, "minutes")


def check_host(value) -> str:
    import ipaddress

    text = _text(value, max_len=253)
    try:
        ipaddress.ip_address(text)
        return text
    except ValueError:
        pass
    if not re.match(_HOSTNAME, text):
        raise BadValue(f"{text!r} is neither an IP address nor a host name")
    return text


def check_port(value) -> int:
    return _whole(value, 1, 65535, "(a TCP port)")


def check_write_wait(value) -> int:
    return _whole(value, 0, MAX_WRITE_WAIT_S, "seconds")


def check_log_level(value) -> str:
    text = _text(value, max_len=10).upper()
    if text not in LOG_LEVELS:
        raise BadValue(f"{value!r} is not a log level ({', '.join(LOG_LEVELS)})")
    return text


@frozen_record  # a frozen dataclass, made faster at import (every command reads the settings)
class Spec:
    name: str  # "section.setting", as in the file and in `config show`
    default: object
    check: Callable[[object], object]
    help: str


SPECS: tuple[Spec, ...] = (
    Spec("site.hospital_name", "", check_hospital_name, "shown in the app's title bar"),
    Spec("site.mrn_system", DEFAULT_MRN_SYSTEM, check_mrn_system, "the identifier system of MRNs (FHIR)"),
    Spec("ui.theme", THEMES[0], check_theme, "the theme the app opens in"),
    Spec("ui.idle_lock_minutes", DEFAULT_IDLE_LOCK_MINUTES, check_idle_lock_minutes,
         "the screen locks after this long without a key press"),
    Spec("listener.host", DEFAULT_HOST, check_host, "`results listen` binds this address"),
    Spec("listener.port", DEFAULT_PORT, check_port, "`results listen` listens on this port"),
    Spec("store.write_wait_seconds", DEFAULT_WRITE_WAIT_S, check_write_wait,
         "how long a write waits for another terminal's"),
    Spec("log.level", DEFAULT_LOG_LEVEL, check_log_level, "what goes to the log file"),
)
BY_NAME = {spec.name: spec for spec in SPECS}
SECTIONS = sorted({spec.name.split(".")[0] for spec in SPECS} | {"keys"})
