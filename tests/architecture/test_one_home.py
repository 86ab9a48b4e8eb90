"""Speed machinery that reaches below the app's own code has one home each, so a newcomer
finds all of it in one file and an upgrade is checked in one place:

- Python's garbage collector: only `itb_tui/perf/gc_tuning.py` calls `gc`;
- process pools: only `itb_tui/perf/parallel.py` forks (`os.fork`, `multiprocessing`,
  `concurrent.futures`);
- Textual's private internals: only `itb_tui/ui/textual_compat.py` names them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from itb_tui.ui.textual_compat import INTERNALS

PACKAGE = Path(__file__).resolve().parents[2] / "itb_tui"
TEXTUAL_PRIVATE = {name for _where, name in INTERNALS}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_only_perf_gc_tuning_uses_the_garbage_collector():
    users = []
    for rel, tree in _modules():
        if rel == "perf/gc_tuning.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(a.name == "gc" for a in node.names):
                users.append(f"{rel}:{node.lineno}")
            elif isinstance(node, ast.ImportFrom) and node.module == "gc":
                users.append(f"{rel}:{node.lineno}")
    assert users == [], f"gc used outside itb_tui/perf/gc_tuning.py: {users}"


def test_only_perf_parallel_starts_worker_processes():
    users = []
    for rel, tree in _modules():
        if rel == "perf/parallel.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("fork", "forkpty"):
                users.append(f"{rel}:{node.lineno} {node.attr}")
            elif isinstance(node, ast.Import) and any(
                    a.name.split(".")[0] in ("multiprocessing", "concurrent") for a in node.names):
                users.append(f"{rel}:{node.lineno}")
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
                    "multiprocessing", "concurrent"):
                users.append(f"{rel}:{node.lineno}")
    assert users == [], f"worker processes started outside itb_tui/perf/parallel.py: {users}"
    tree = ast.parse((PACKAGE / "perf" / "parallel.py").read_text(encoding="utf-8"))
    assert any(isinstance(n, ast.Attribute) and n.attr == "fork" for n in ast.walk(tree))


def test_only_textual_compat_names_textual_internals():
    """An attribute, a getattr/hasattr string or a method override of a private Textual
    name anywhere else in the package fails (add it to textual_compat and its test)."""
    users = []
    for rel, tree in _modules():
        if rel == "ui/textual_compat.py":
            continue
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Attribute):
                name = node.attr
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                name = node.value
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = node.name
            if name in TEXTUAL_PRIVATE:
                users.append(f"{rel}:{node.lineno} {name}")
    assert users == [], f"Textual internals used outside itb_tui/ui/textual_compat.py: {users}"


def test_the_check_sees_a_use_outside_its_home():
    """The scan is not vacuous: the very uses it forbids are found in textual_compat."""
    tree = ast.parse((PACKAGE / "ui" / "textual_compat.py").read_text(encoding="utf-8"))
    named = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    named |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert TEXTUAL_PRIVATE <= named | {"_size_updated"}
