"""`python -m itb_tui` is the same as the `itb-tui` command."""

from itb_tui.cli import main

raise SystemExit(main())
