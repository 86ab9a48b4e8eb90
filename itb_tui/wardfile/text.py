"""Text helpers shared by parsing, validation and messages.

Every error is one printed line, so any value quoted back to the user is escaped and cut
short here: a name with a newline, a 10 MB string or a lone surrogate must never break
the terminal or the error list.
"""

from __future__ import annotations

import unicodedata

# Unicode categories that are never part of a clinical identifier or a one-line field:
# control (Cc), format/invisible (Cf: zero-width, bidi overrides), surrogate (Cs: cannot
# be stored as UTF-8), private use (Co), line/paragraph separators (Zl, Zp).
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def _escape_char(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def show(value: object, limit: int = 40) -> str:
    """`value` quoted for an error message: one line, printable, at most about `limit`."""
    if isinstance(value, str):
        cut = value[:limit]
        body = "".join(
            ch if ch.isprintable() and ch not in '"\\' else _escape_char(ch) for ch in cut
        )
        if len(value) > limit:
            body += "…"
        return f'"{body}"'
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return show(str(value), limit).strip('"')


def bad_character(text: str, multiline: bool = False, identifier: bool = False) -> str | None:
    """A description of the first character that has no place in this field, or None.

    Free text (`multiline`) may hold newlines and tabs (an exam finding over two lines);
    nothing may hold other control characters or surrogates. An `identifier` (the MRN,
    which starts every error line and is matched by people reading a wristband) must
    be plainly printable: no non-breaking or odd-width spaces, no unassigned code points.
    """
    for ch in text:
        category = unicodedata.category(ch)
        if multiline and ch in "\n\t":
            continue
        if category == "Cc":
            return f"contains a control character (U+{ord(ch):04X})"
        if category in _INVISIBLE:
            return f"contains an invisible or invalid character (U+{ord(ch):04X})"
        if identifier and not ch.isprintable():
            return f"contains a character that cannot be shown (U+{ord(ch):04X})"
    return None


def clean_text(value: object) -> object:
    """Trim a string; an empty string becomes None (an absent optional field).

    Anything that is not a string is returned unchanged for the checks to reject.
    """
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value
