"""The site configuration file (issue 15, item 5): pure reading and checking, no Textual,
no SQL. `load_config` gives a `SiteConfig` (every effective setting with where it came
from) or a `ConfigError` (one line: the file, the setting, why). docs/config.md lists
the settings."""

from itb_tui.config.load import ConfigError, Setting, SiteConfig, defaults, load_config

__all__ = ["ConfigError", "Setting", "SiteConfig", "defaults", "load_config"]
