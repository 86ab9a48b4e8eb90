"""Cut an HL7 v2 file into its messages.

A lab's file holds one message, several, or an HL7 batch (FHS/BHS ... BTS/FTS around the
messages); segments end in CR (the standard), LF or CRLF (files edited or copied on other
systems); a file captured from an MLLP link may keep the framing bytes (0x0B before,
0x1C 0x0D after each message). Every message starts with its MSH segment, so that is
where one message ends and the next begins. Batch header and trailer segments are not
messages; a BTS/FTS message count that disagrees with the messages found is reported
(`count_problem`), so a truncated batch is never taken as whole.
"""

from __future__ import annotations

from dataclasses import dataclass

_BATCH_SEGMENTS = ("FHS", "BHS", "BTS", "FTS")


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message as received: its position in the file (1-based) and its text with
    segments joined by CR."""

    index: int
    text: str


@dataclass(frozen=True, slots=True)
class SplitFile:
    messages: tuple[RawMessage, ...]
    # Text before the first MSH that is not a batch header (a stray line): a refusal.
    stray: tuple[str, ...]
    count_problem: str | None


def split_messages(text: str) -> SplitFile:
    text = text.replace("\x0b", "\n").replace("\x1c", "\n").lstrip("\ufeff")
    lines = [line.strip("\r") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    messages: list[list[str]] = []
    stray: list[str] = []
    declared: int | None = None
    for line in lines:
        if not line.strip():
            continue
        tag = line[:3]
        if tag in _BATCH_SEGMENTS:
            if tag == "BTS":
                field = line[4:].split(line[3:4] or "|")[0] if len(line) > 4 else ""
                if field.strip().isdigit():
                    declared = int(field.strip())
            continue
        if tag == "MSH":
            messages.append([line])
        elif messages:
            messages[-1].append(line)
        else:
            stray.append(line)
    found = tuple(RawMessage(i + 1, "\r".join(segs)) for i, segs in enumerate(messages))
    problem = None
    if declared is not None and declared != len(found):
        problem = f"the batch trailer (BTS) says {declared} messages, the file holds {len(found)}"
    return SplitFile(found, tuple(stray), problem)
