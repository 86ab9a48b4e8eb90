"""Run `itb-tui results listen` in a subprocess and talk to it with the `hl7` library's
MLLP client (hl7.mllp.open_hl7_connection), over 127.0.0.1, every wait bounded."""

from __future__ import annotations

import asyncio
import selectors
import subprocess
import sys
import time

import hl7
import hl7.mllp
from cli_runner import env_for

# The fault for "killed between receive and commit": this wrapper runs the real CLI, and
# SIGKILLs the process at the first COMMIT of a transaction that inserted a culture: the
# row was written, the commit never happens. Test-only: nothing in the product knows it.
KILL_BEFORE_COMMIT = r"""
import os, signal, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
wrote = []
@event.listens_for(Engine, "before_cursor_execute")
def _seen(conn, cursor, statement, *args):
    if statement.lstrip().upper().startswith("INSERT INTO CULTURES"):
        wrote.append(statement)
@event.listens_for(Engine, "commit")
def _commit(conn):
    if wrote:
        os.kill(os.getpid(), signal.SIGKILL)
from itb_tui.cli.entry import main
sys.exit(main(sys.argv[1:]))
"""

# SIGTERM arrives while a message is in hand (at its commit): it must still be committed
# and ACKed, and then the listener stops.
TERM_DURING_COMMIT = KILL_BEFORE_COMMIT.replace("signal.SIGKILL", "signal.SIGTERM").replace(
    "    if wrote:\n", "    if wrote and not wrote.count(None):\n        wrote.append(None)\n")


class Listener:
    def __init__(self, data_dir, *args: str, wrapper: str | None = None, env_extra: dict | None = None):
        cmd = [sys.executable, "-c", wrapper] if wrapper else [sys.executable, "-m", "itb_tui"]
        self.proc = subprocess.Popen([*cmd, "results", "listen", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env_for(data_dir, **(env_extra or {})))
        line = self._line(timeout=60)
        assert "listening on " in line, line + self.proc.stderr.read().decode() if self.proc.poll() is not None else line
        self.host, port = line.split("listening on ", 1)[1].split(" ", 1)[0].rsplit(":", 1)
        self.port = int(port)

    def _line(self, timeout: float) -> str:
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sel.select(timeout=0.5):
                return self.proc.stdout.readline().decode()
            if self.proc.poll() is not None:
                return ""
        return ""

    def stop(self, timeout: float = 30) -> tuple[int, str, str]:
        if self.proc.poll() is None:
            self.proc.terminate()
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out.decode(), err.decode()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate(timeout=30)


async def _exchange(port: int, blocks: list[bytes], timeout: float) -> list[hl7.Message | None]:
    reader, writer = await asyncio.wait_for(hl7.mllp.open_hl7_connection("127.0.0.1", port), timeout)
    answers: list[hl7.Message | None] = []
    try:
        for block in blocks:
            writer.writeblock(block)
            await writer.drain()
            try:
                answers.append(await asyncio.wait_for(reader.readmessage(), timeout))
            except (asyncio.IncompleteReadError, ConnectionError):
                answers.append(None)  # the connection closed: no ACK
                break
    finally:
        writer.close()
    return answers


def send(port: int, *messages: str, timeout: float = 30) -> list[hl7.Message | None]:
    """Each message in its MLLP block on one connection; its ACK (None: none came)."""
    return asyncio.run(_exchange(port, [m.encode() for m in messages], timeout))


def send_raw(port: int, block: bytes, timeout: float = 30) -> list[hl7.Message | None]:
    return asyncio.run(_exchange(port, [block], timeout))


def msa(ack: hl7.Message) -> tuple[str, str, str]:
    seg = ack.segment("MSA")
    text = str(seg(3)) if len(seg) > 3 else ""
    return str(seg(1)), str(seg(2)), text
