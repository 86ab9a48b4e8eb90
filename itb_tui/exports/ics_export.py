"""The dated round tasks as an iCalendar feed (RFC 5545) for the clinic's calendar.

One all-day event per dated task (present/calendar.py decides which kinds and says the
words), on its due date. Why these choices:

- Stable UIDs: a UID is a hash of the MRN and the task's kind, never of a list position,
  a name or the rule code. Re-importing or re-subscribing to a newer export therefore
  moves "Refill the pump" to its new date instead of adding a second event, also when
  the task escalates (refill due -> alarm passed: the same refill, one event), and an
  unrelated patient added to the ward changes no one else's UID. A task that is done
  is not in the next export: a subscribed calendar drops it on its next refresh (the
  feed asks for one every hour); a calendar that *imported* a copy keeps it, which the
  docs say (docs/exports.md: subscribe, do not import).
- No names unless asked (`with_names`): MRN and bed identify the patient to the ward.
- `icalendar` writes the text (line folding at 75 octets, escaping of `,;\\`, DATE
  values), the part hand-written feeds get wrong.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

UID_DOMAIN = "itb-tui"
PRODID = "-//itb-tui//ITB pump ward round tasks//EN"
REFRESH = timedelta(hours=1)


def event_uid(mrn: str, kind: str) -> str:
    """'<32 hex>@itb-tui': the same patient and task kind give the same UID in every
    export; the MRN itself is not readable from it."""
    digest = hashlib.sha256(f"{mrn}\x1f{kind}".encode("utf-8")).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def render_calendar(pairs, *, as_of: date, generated_at: datetime, round_data=None,
                    with_names: bool = False):
    """The icalendar.Calendar of the ward's dated tasks."""
    from icalendar import Calendar, Event

    from itb_tui.present.calendar import calendar_tasks, event_description, event_summary, kind_words

    deferrals = round_data.deferrals if round_data is not None else ()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "ITB pump tasks")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})  # RFC 7986
    cal.add("x-published-ttl", "PT1H")  # the same, as Outlook reads it
    stamp = generated_at
    for task in calendar_tasks(pairs, as_of, deferrals, with_names=with_names):
        event = Event()
        event.add("uid", event_uid(task.mrn, task.kind))
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("dtstart", task.due_on)  # a DATE: an all-day event
        event.add("dtend", task.due_on + timedelta(days=1))  # exclusive end (RFC 5545 3.6.1)
        event.add("summary", event_summary(task, with_names))
        event.add("description", event_description(task, as_of, with_names))
        event.add("categories", [kind_words(task)])
        event.add("transp", "TRANSPARENT")  # a task, not time taken
        event.add("class", "CONFIDENTIAL")
        cal.add_component(event)
    return cal


def render(pairs, *, as_of: date, rules, generated_at: datetime, for_file: bool = True,
           round_data=None, with_names: bool = False) -> bytes:
    return render_calendar(pairs, as_of=as_of, generated_at=generated_at, round_data=round_data,
                           with_names=with_names).to_ical()
