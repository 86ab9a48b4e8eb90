"""What machine and software a run was measured on, recorded with every result, because
absolute times on a shared 2-core machine mean little without it."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
import sys
from importlib import metadata


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def sqlite3_shell() -> str | None:
    """Path of the `sqlite3` command-line shell, or None when it is not installed."""
    return shutil.which("sqlite3")


def sqlite3_shell_version() -> str | None:
    shell = sqlite3_shell()
    if shell is None:
        return None
    try:
        out = subprocess.run([shell, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.split()[0] if out.stdout.split() else None


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine_info() -> dict:
    mem_total = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem_total = round(int(line.split()[1]) / 1024 / 1024, 1)
                    break
    except OSError:
        pass
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": mem_total,
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "sqlite_library": sqlite3.sqlite_version,
        "sqlite3_shell": sqlite3_shell_version(),
        "textual": _version("textual"),
        "sqlalchemy": _version("sqlalchemy"),
        "openpyxl": _version("openpyxl"),
        "itb_tui": _version("itb-tui"),
    }
