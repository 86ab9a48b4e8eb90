"""The idle lock: a full screen over everything, until someone signs in again.

Why: a ward workstation left signed in is open to anyone walking past, with patient names
and the power to record refills under the absent user's name. After the idle time the
app covers every screen with this one (it shows no patient data, and the app refuses the
palette and every key but quit while it is up). The same user signing in gets the very
same place back, with what they had typed; anyone else starts fresh on the ward list
with their own roles (`ItbApp.sign_in`, `security.session.after_login`).
"""

from __future__ import annotations

from itb_tui.security.session import Session
from itb_tui.ui.screens.login import SIGN_IN, LoginScreen
from itb_tui.ui.session_words import duration_text, roles_text


class LockScreen(LoginScreen):
    """Signed-out cover; the locked user's name is filled in, the password is asked."""

    BOX_TITLE = "Locked"

    SCREEN_TITLE = "itb-tui · LOCKED"

    def __init__(self, locked: Session, lock_after_s: int, *, manual: bool = False) -> None:
        super().__init__(username=locked.user)
        self.add_class("-locked")
        self.locked = locked
        self.lock_after_s = lock_after_s
        self.manual = manual  # Ctrl+L, not the idle timer

    def first_mode(self) -> str:
        return SIGN_IN  # someone was signed in: the store has users

    def intro_text(self) -> str:
        why = ("Locked with Ctrl+L." if self.manual else
               f"Locked: no key press or click for {duration_text(self.lock_after_s)}.")
        return (f"{why} {self.locked.user} ({roles_text(self.locked.roles)}) signs in again to carry "
                "on exactly where they were; anyone else who signs in starts afresh on the ward list.")
