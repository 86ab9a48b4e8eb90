"""The actor name written to the audit trail for command-line writes.

The command line has no login screen: whoever can run it can read the store file, so the
trail records the operating-system account instead, marked `os:` so it is never mistaken
for an app user of the same name.
"""

from __future__ import annotations

import getpass
import os

OS_ACTOR_PREFIX = "os:"


def os_actor() -> str:
    """`os:<login name>`, or `os:uid<N>` where no name is known (containers)."""
    try:
        name = getpass.getuser()
    except Exception:  # getpass raises OSError/KeyError when no user name is known
        name = ""
    name = name.strip()
    if not name:
        uid = os.getuid() if hasattr(os, "getuid") else "unknown"
        name = f"uid{uid}"
    return OS_ACTOR_PREFIX + name[:64]
