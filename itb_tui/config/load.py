"""Read the site configuration: which file, its settings checked, the environment and the
command line on top, and where each effective value came from.

Which file: `--config PATH`, else `$ITB_TUI_CONFIG`, else
`$XDG_CONFIG_HOME/itb-tui/config.toml` (`~/.config/itb-tui/config.toml`). A file that was
named (option or variable) must exist; the default one may be absent (every default).

Which value wins: the command line (`--log-level`; `results listen --host/--port`), then
the environment (ITB_TUI_LOG_LEVEL, ITB_TUI_LOCK_AFTER in seconds, ITB_TUI_WRITE_WAIT_S),
then the file, then the default. A bad environment value for the lock or the write wait
is ignored with a note, as the app did before (the lock is never turned off by a typo).

Anything wrong in the file refuses it whole (ConfigError: one line naming the file, the
setting and why): a half-read configuration could start the app with another site's
listener address or a key where the clinician does not expect it.
"""

from __future__ import annotations

import os
from dataclasses import field
from pathlib import Path

from itb_tui.clinical.frozen_record import frozen_record  # a frozen dataclass, made faster
from itb_tui.config import bindings, settings
from itb_tui.config.file_check import UnsafeConfigFile, check_config_file

CONFIG_ENV = "ITB_TUI_CONFIG"
LOG_LEVEL_ENV = "ITB_TUI_LOG_LEVEL"
LOCK_AFTER_ENV = "ITB_TUI_LOCK_AFTER"  # seconds (ui/app.py reads the same)
WRITE_WAIT_ENV = "ITB_TUI_WRITE_WAIT_S"  # seconds (store/connect.py reads the same)
MAX_FILE_BYTES = 256 * 1024


class ConfigError(Exception):
    """The configuration is refused: one line, naming the file and the setting."""


@frozen_record
class Setting:
    name: str
    value: object
    source: str  # "default", "file", "env" or "option"
    origin: str = ""  # the file's path, the variable or the option

    def where(self) -> str:
        return self.source if not self.origin else f"{self.source} {self.origin}"


@frozen_record
class SiteConfig:
    """The effective settings. `mrn_system` and `hospital_name` are for the FHIR export
    and the round sheet; the others drive the app, the listener, the store and the log."""

    path: Path
    path_source: str  # "default", "env ITB_TUI_CONFIG" or "option --config"
    found: bool
    settings: dict[str, Setting]
    keys: dict[str, Setting] = field(default_factory=dict)  # binding id -> its keys
    notes: tuple[str, ...] = ()

    def value(self, name: str):
        return self.settings[name].value

    @property
    def hospital_name(self) -> str:
        return self.value("site.hospital_name")

    @property
    def mrn_system(self) -> str:
        return self.value("site.mrn_system")

    @property
    def theme(self) -> str:
        return self.value("ui.theme")

    @property
    def idle_lock_s(self) -> int:
        return int(round(self.value("ui.idle_lock_minutes") * 60))

    @property
    def listener_host(self) -> str:
        return self.value("listener.host")

    @property
    def listener_port(self) -> int:
        return self.value("listener.port")

    @property
    def write_wait_s(self) -> float:
        return self.value("store.write_wait_seconds")

    @property
    def log_level(self) -> str:
        return self.value("log.level")

    @property
    def keymap(self) -> dict[str, str]:
        """Only the overridden bindings, for Textual's App.set_keymap."""
        return {bid: s.value for bid, s in self.keys.items() if s.source != "default"}


def default_path(environ=os.environ) -> Path:
    xdg = environ.get("XDG_CONFIG_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".config"
    return base / "itb-tui" / "config.toml"


def config_path(option: str | None, environ=os.environ) -> tuple[Path, str]:
    if option:
        return Path(option).expanduser(), "option --config"
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV]).expanduser(), f"env {CONFIG_ENV}"
    return default_path(environ), "default"


def load_config(option_path: str | None = None, *, log_level: str | None = None,
                environ=os.environ) -> SiteConfig:
    """The effective configuration, or ConfigError (nothing is started on one)."""
    path, path_source = config_path(option_path, environ)
    data = _read(path, must_exist=path_source != "default")
    found = data is not None
    values = _check_file(path, data or {})
    effective = {}
    for spec in settings.SPECS:
        if spec.name in values:
            effective[spec.name] = Setting(spec.name, values[spec.name], "file", str(path))
        else:
            effective[spec.name] = Setting(spec.name, spec.default, "default")
    notes = _environment(effective, environ)
    if log_level is not None:
        try:
            level = settings.check_log_level(log_level)
        except settings.BadValue as exc:
            raise ConfigError(f"--log-level {log_level!r}: {exc}") from None
        effective["log.level"] = Setting("log.level", level, "option", "--log-level")
    keys = _keys(path, (data or {}).get("keys", {}))
    return SiteConfig(path, path_source, found, effective, keys, tuple(notes))


def _read(path: Path, *, must_exist: bool) -> dict | None:
    try:
        os.stat(path)
    except FileNotFoundError:
        if must_exist:
            raise ConfigError(f"no configuration file at {path} (check the path given)") from None
        return None
    except OSError as exc:
        raise ConfigError(f"configuration {path}: cannot be read ({exc.strerror})") from None
    try:
        check_config_file(path)
    except UnsafeConfigFile as exc:
        raise ConfigError(f"configuration refused: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"configuration {path}: cannot be checked ({exc.strerror})") from None
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"configuration {path}: cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(f"configuration {path}: larger than {MAX_FILE_BYTES // 1024} KiB, not a settings file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"configuration {path}: not UTF-8 text") from None
    import tomllib  # only when there is a file (start-up of every command)

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration {path}: not valid TOML: {exc}") from None


def _check_file(path: Path, data: dict) -> dict[str, object]:
    values: dict[str, object] = {}
    for section, table in data.items():
        if section not in settings.SECTIONS:
            raise ConfigError(f"configuration {path}: unknown section or setting {section!r} "
                              f"(the sections are {', '.join(settings.SECTIONS)})")
        if not isinstance(table, dict):
            raise ConfigError(f"configuration {path}: {section} must be a table ([{section}]), "
                              f"not {settings._kind(table)}")
        if section == "keys":
            continue
        for name, value in table.items():
            full = f"{section}.{name}"
            spec = settings.BY_NAME.get(full)
            if spec is None:
                known = ", ".join(s.name.split(".", 1)[1] for s in settings.SPECS if s.name.startswith(section + "."))
                raise ConfigError(f"configuration {path}: unknown setting {full} (in [{section}]: {known})")
            try:
                values[full] = spec.check(value)
            except settings.BadValue as exc:
                raise ConfigError(f"configuration {path}: {full} {exc}") from None
    return values


def _flatten(table: dict, prefix: str = "") -> dict[str, object]:
    """`ward.filter = "f"` (TOML reads a dotted key as a table) and `"ward.filter" = "f"`
    both name the binding ward.filter."""
    flat: dict[str, object] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def _keys(path: Path, table: dict) -> dict[str, Setting]:
    table = _flatten(table)
    for bid, value in table.items():
        if not isinstance(value, str):
            raise ConfigError(f"configuration {path}: keys.{bid} must be text in quotes (e.g. \"f\"), "
                              f"not {settings._kind(value)}")
    try:
        keymap = bindings.check_overrides(table)
    except bindings.KeyOverrideError as exc:
        raise ConfigError(f"configuration {path}: keys.{exc}") from None
    out = {}
    for bid, keys in bindings.DEFAULT_KEYS.items():
        if bid in keymap:
            out[bid] = Setting(f"keys.{bid}", keymap[bid], "file", str(path))
        else:
            out[bid] = Setting(f"keys.{bid}", keys, "default")
    return out


def _environment(effective: dict[str, Setting], environ) -> list[str]:
    notes = []
    text = (environ.get(LOG_LEVEL_ENV) or "").strip()
    if text:
        try:
            effective["log.level"] = Setting("log.level", settings.check_log_level(text), "env", LOG_LEVEL_ENV)
        except settings.BadValue as exc:
            raise ConfigError(f"{LOG_LEVEL_ENV}={text!r}: {exc}") from None
    text = (environ.get(LOCK_AFTER_ENV) or "").strip()
    if text:
        if text.isdigit() and int(text) > 0:
            minutes = int(text) / 60
            effective["ui.idle_lock_minutes"] = Setting(
                "ui.idle_lock_minutes", int(minutes) if minutes.is_integer() else round(minutes, 2), "env",
                LOCK_AFTER_ENV)
        else:
            notes.append(f"{LOCK_AFTER_ENV}={text!r} is not a whole number of seconds above 0: ignored, "
                         f"the screen locks after {effective['ui.idle_lock_minutes'].value} min")
    text = (environ.get(WRITE_WAIT_ENV) or "").strip()
    if text:
        try:
            seconds = float(text)
            if seconds < 0:
                raise ValueError
            effective["store.write_wait_seconds"] = Setting(
                "store.write_wait_seconds", int(seconds) if seconds.is_integer() else seconds, "env", WRITE_WAIT_ENV)
        except ValueError:
            notes.append(f"{WRITE_WAIT_ENV}={text!r} is not a number of seconds: ignored")
    return notes


def defaults() -> SiteConfig:
    """Every default, no file read (an app or command built without the command line)."""
    effective = {s.name: Setting(s.name, s.default, "default") for s in settings.SPECS}
    keys = {bid: Setting(f"keys.{bid}", k, "default") for bid, k in bindings.DEFAULT_KEYS.items()}
    return SiteConfig(default_path(), "default", False, effective, keys)
