"""`itb-tui config show [--json]`: the site configuration as it takes effect (issue 15,
item 5). The file was read and checked before any command ran (cli/entry.py `main`): a
bad file has already been refused, so this only prints what `args.site_config` holds."""

from __future__ import annotations

import argparse
import sys


def add_arguments(p) -> None:
    """The `config` parser (name and help line: cli/entry.py)."""
    csub = p.add_subparsers(dest="config_command", metavar="ACTION")
    show = csub.add_parser("show", help="every effective setting, its value and where it came from")
    show.add_argument("--json", action="store_true", help="as JSON (itb-config-show/1)")
    # Also after the command (`itb-tui config show --config FILE`); SUPPRESS keeps one given before it.
    show.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                      help="the configuration file to read (default: $ITB_TUI_CONFIG, else "
                           "$XDG_CONFIG_HOME/itb-tui/config.toml)")


def cmd_config(args) -> int:
    from itb_tui.cli.common import CliError
    from itb_tui.config.show import show_json, show_text

    if getattr(args, "config_command", None) != "show":
        raise CliError("say what to do: itb-tui config show [--json]")
    site = args.site_config
    sys.stdout.write(show_json(site) if args.json else show_text(site))
    return 0
