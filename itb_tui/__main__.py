"""`python -m itb_tui` is the same as the `itb-tui` command."""

from itb_tui.perf import gc_tuning

gc_tuning.pause_for_start_up()  # from the first import on (cli/entry.main ends it)
from itb_tui.cli import main  # noqa: E402

raise SystemExit(main())
