"""The MLLP receiver (issue 15): a thin shell around one callback.

Each MLLP block (0x0B ... 0x1C 0x0D) is one message. It is decoded (UTF-8, else
Latin-1 as the file import does) and handed to `handle(text) -> ack_text`, which stores it
(one transaction, committed before it returns) and builds the ACK; only then is the ACK
written. `handle` runs on the event loop thread, one message at a time: a message is
never ACKed before its commit, and a signal is only acted on between messages.

Transport from the `hl7` library (`hl7.mllp.start_hl7_server`, its block reader and
writer). A block over `max_bytes`, or bytes that are not an MLLP block, cannot be answered
(there is no message to name in the ACK): the connection is closed, the sender resends.

Stopping (`stop` set, e.g. by SIGTERM): the server stops accepting, the message in hand
(if any) is finished and ACKed, idle connections are closed, `serve` returns.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

import hl7.mllp

log = logging.getLogger("itb_tui.mllp")
MAX_BYTES_DEFAULT = 1_048_576  # a culture report is a few kB; a bound, not a guess at size


def decode(block: bytes) -> tuple[str, str]:
    """(text, encoding it was read with): the ACK goes back in the same encoding."""
    try:
        return block.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return block.decode("latin-1"), "latin-1"


async def serve(handle: Callable[[str], str], host: str, port: int, stop: asyncio.Event, *,
                max_bytes: int = MAX_BYTES_DEFAULT,
                on_listening: Callable[[str, int], None] | None = None) -> None:
    writers: set = set()

    async def on_client(reader, writer) -> None:
        writers.add(writer)
        peer = writer.get_extra_info("peername")
        log.info("%s: connected", peer)
        try:
            while not stop.is_set():
                try:
                    block = await reader.readblock()
                except asyncio.IncompleteReadError:
                    break  # the sender closed (or we did, stopping)
                except ValueError:
                    log.warning("%s: a message over %d bytes: connection closed, nothing stored", peer, max_bytes)
                    break
                except hl7.mllp.InvalidBlockError:
                    log.warning("%s: data that is not an MLLP block: connection closed, nothing stored", peer)
                    break
                except (ConnectionError, asyncio.CancelledError):
                    break
                text, encoding = decode(block)
                ack = handle(text)  # returns after the commit (or the decision not to store)
                writer.writeblock(ack.encode(encoding, "replace"))
                try:
                    await writer.drain()
                except ConnectionError:
                    log.warning("%s: the sender left before its ACK (the message is stored)", peer)
                    break
        finally:
            writers.discard(writer)
            writer.close()
            log.info("%s: disconnected", peer)

    server = await hl7.mllp.start_hl7_server(on_client, host, port, limit=max_bytes)
    bound = server.sockets[0].getsockname()
    if on_listening is not None:
        on_listening(bound[0], bound[1])
    try:
        await stop.wait()
    finally:
        server.close()
        for writer in list(writers):
            writer.close()  # flushes an ACK still in the buffer, then closes
        await server.wait_closed()
        for _ in range(50):  # let the handlers see their closed streams
            if not writers:
                break
            await asyncio.sleep(0.01)


def run(handle: Callable[[str], str], host: str, port: int, *, max_bytes: int = MAX_BYTES_DEFAULT,
        on_listening: Callable[[str, int], None] | None = None) -> None:
    """Serve until SIGTERM or SIGINT."""
    import signal

    async def main() -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await serve(handle, host, port, stop, max_bytes=max_bytes, on_listening=on_listening)

    asyncio.run(main())
