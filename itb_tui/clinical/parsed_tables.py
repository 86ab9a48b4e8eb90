"""The shipped TOML tables (rules, species), parsed once and kept where Python keeps the
compiled modules: `__pycache__/` beside the file (issue 17: start-up).

Why: parsing data/rules.toml and data/organisms.toml with tomllib took ~8 ms of every
`itb-tui` run, a tenth of `status` at 30 patients; reading back the parsed tables with
marshal takes ~0.1 ms.

Never a stale threshold: the cache file holds the table file's exact bytes beside the
parsed table, and is used only when those bytes are equal to the file's bytes read now
(and the Python version, whose tomllib parsed them, is the same). Any difference (an
edited table, another interpreter, a damaged or missing cache file) and the file is parsed
afresh, as before; a cache that cannot be written (read-only install, PYTHONDONTWRITEBYTECODE,
sys.pycache_prefix set) is silently not written. What the callers get is exactly what
`tomllib.loads(path.read_text(encoding="utf-8"))` gives, with the same errors
(tests/clinical/test_parsed_tables.py).
"""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path
from typing import Any

_FORMAT = "itb-parsed-toml/1"  # change it when the cache's layout changes


class TomlSyntaxError(ValueError):
    """The file is not valid TOML; str() is tomllib's own message."""


def read_toml(path: Path, *, cache: bool = True) -> dict[str, Any]:
    """The parsed table at `path` (OSError when unreadable, UnicodeDecodeError when not
    UTF-8, TomlSyntaxError when not TOML: as reading and parsing it directly would).
    `cache=False` for a file the user named (no `__pycache__` made beside it)."""
    raw = path.read_bytes()
    cache_file = _cache_path(path) if cache else None
    if cache_file is not None:
        cached = _cached(cache_file, raw)
        if cached is not None:
            return cached
    # What Path.read_text gives: UTF-8, universal newlines.
    text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    import tomllib  # only when parsing (~1 ms of import)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlSyntaxError(str(exc)) from None
    if cache_file is not None and not sys.dont_write_bytecode:
        _write(cache_file, raw, data)
    return data


def _cache_path(path: Path) -> Path | None:
    tag = sys.implementation.cache_tag
    if tag is None or sys.pycache_prefix is not None:
        return None
    return path.parent / "__pycache__" / f"{path.name}.{tag}.marshal"


def _cached(cache: Path, raw: bytes) -> dict[str, Any] | None:
    try:
        entry = marshal.loads(cache.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if (isinstance(entry, tuple) and len(entry) == 4 and entry[0] == _FORMAT
            and entry[1] == sys.version and entry[2] == raw and isinstance(entry[3], dict)):
        return entry[3]
    return None


def _write(cache: Path, raw: bytes, data: dict[str, Any]) -> None:
    try:
        blob = marshal.dumps((_FORMAT, sys.version, raw, data))
    except ValueError:  # a value marshal cannot hold (a TOML date): parse every time
        return
    tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(exist_ok=True)
        tmp.write_bytes(blob)
        os.replace(tmp, cache)  # readers see the old file or the new one, never half
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
