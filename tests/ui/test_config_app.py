"""The site configuration in the running app: a key override rebinds a key, the theme,
the idle lock and the hospital name come from the file (config.toml, read as `itb-tui`
reads it), and with no file the app is as before."""

from __future__ import annotations

import os

from itb_tui.config import load_config
from itb_tui.ui.app import ItbApp

from shell_helpers import SIZE, TODAY, make_store, screen_text, settle


def _site(tmp_path, text: str):
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return load_config(str(path), environ={})


async def test_a_key_override_moves_the_sort_to_another_key(tmp_path):
    site = _site(tmp_path, '[keys]\nward.sort = "o"\n')
    app = ItbApp(make_store(tmp_path), today=TODAY, site=site)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "sort: urgency" in screen_text(app)
        await pilot.press("s")  # the old key: nothing happens now
        await settle(pilot)
        assert "sort: urgency" in screen_text(app)
        await pilot.press("o")
        await settle(pilot)
        assert "sort: ward & bed" in screen_text(app)
        # The footer shows the new key, not the old one.
        footer_keys = {key for key, b in app.screen.active_bindings.items() if b.binding.id == "ward.sort"}
        assert footer_keys == {"o"}
        # ...and so does Help: it never names the old key.
        await pilot.press("question_mark")
        await settle(pilot)
        sort_lines = [line.split() for line in screen_text(app).splitlines() if "Sort: urgency" in line]
        assert sort_lines and all("o" in words and "s" not in words for words in sort_lines), sort_lines


async def test_theme_and_hospital_name_come_from_the_file(tmp_path):
    site = _site(tmp_path, '[site]\nhospital_name = "St Elsewhere General"\n[ui]\ntheme = "textual-light"\n')
    app = ItbApp(make_store(tmp_path), today=TODAY, site=site)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "textual-light"
        assert "itb-tui · St Elsewhere General" in screen_text(app)


async def test_idle_lock_minutes_come_from_the_file(tmp_path):
    site = _site(tmp_path, "[ui]\nidle_lock_minutes = 3\n")
    app = ItbApp(make_store(tmp_path), today=TODAY, site=site)
    assert app.idle_lock.timeout_s == 180
    # The environment still wins over the file (as documented in docs/config.md).
    path = tmp_path / "site.toml"
    env_site = load_config(str(path), environ={"ITB_TUI_LOCK_AFTER": "90"})
    assert ItbApp(make_store(tmp_path / "b"), today=TODAY, site=env_site).idle_lock.timeout_s == 90


async def test_without_a_file_the_app_is_as_before(tmp_path):
    site = load_config(environ={"XDG_CONFIG_HOME": str(tmp_path / "empty")})
    assert not site.found
    app = ItbApp(make_store(tmp_path), today=TODAY, site=site)
    plain = ItbApp(make_store(tmp_path / "b"), today=TODAY)
    assert (app.title, app.theme, app.idle_lock.timeout_s) == (plain.title, plain.theme, plain.idle_lock.timeout_s)
    assert app.site_keymap == {}

