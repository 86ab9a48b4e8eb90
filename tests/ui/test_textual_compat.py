"""The Textual internals the app relies on were checked against one Textual version only.

A Textual upgrade must fail here first (not quietly lose a fast path behind a fallback):
re-read each function of `itb_tui/ui/textual_compat.py` against the new source, then bump
`CHECKED_TEXTUAL_VERSION`.
"""

from __future__ import annotations

import importlib

import pytest
import textual

from itb_tui.ui import textual_compat


def test_textual_is_the_version_the_internals_were_checked_against():
    assert textual.__version__ == textual_compat.CHECKED_TEXTUAL_VERSION, (
        f"Textual {textual.__version__} is installed; itb_tui/ui/textual_compat.py was checked "
        f"against {textual_compat.CHECKED_TEXTUAL_VERSION}: re-check each internal it uses")


@pytest.mark.parametrize("where,name", textual_compat.INTERNALS)
def test_each_internal_the_app_uses_exists_on_this_textual(where, name):
    """The run-time fallbacks would hide a missing internal (a slower open, no error):
    this is what proves each fast path is really taken."""
    module_name, class_name = where.split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if hasattr(cls, name):
        return
    assert hasattr(cls(), name), f"{class_name}.{name} is gone from Textual {textual.__version__}"
