"""The `itb-tui` command line (the `itb-tui` script runs `itb_tui.cli:main`).

- `entry.py`: the parser, the ward commands (status, import, export, demo, the app), `main`;
- `admin.py`: user, audit, check, backup;
- `restore.py`: `itb-tui restore BACKUP`;
- `common.py`: what both share (errors, opening the store, today, atomic writes).

Importing this package imports only the standard library: `itb-tui status` never pays for
the UI or the store before it needs them.
"""

from itb_tui.cli.entry import COMMANDS, build_parser, main

__all__ = ["COMMANDS", "build_parser", "main"]
