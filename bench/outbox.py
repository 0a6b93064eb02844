"""Benchmark: queue 10 000 texts and send them through the fake channel.

Not a test. Builds a fresh SQLite database (or uses DATABASE_URL when --database-url is
given), queues N messages to N contacts as a campaign would (bulk insert, one `queued`
event each), then runs the minute sweep (`send_due_messages`, 1 000 a run) until nothing is
due, and prints messages per second against the 500/s target. Then it checks that the fake
channel accepted each message exactly once and that every row ended `sent`, and runs a
second batch with two interleaved senders over the same due list to show the losing
claims send nothing.

    .venv/bin/python bench/outbox.py [--messages 10000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_PER_SECOND = 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        os.environ["COMMS_CHANNEL"] = "fake"
        rollbook = str(ROOT / ".venv" / "bin" / "rollbook")
        subprocess.run([rollbook, "migrate", "-v", "0"], check=True)
        import django

        django.setup()
        run(opts.messages)


def queue(school, contacts, now, tag: str) -> None:
    from rollbook.comms.models import Channel, Kind, Message, MessageEvent, Status

    rows = Message.objects.bulk_create(
        [
            Message(
                school=school,
                contact=c,
                kind=Kind.WEEKLY_UPDATE,
                template_key="weekly_update/en/sms",
                template_version=0,
                body=f"Bench Primary: attendance this school year: child {i} 96.5%.",
                channel=Channel.SMS,
                recipient=c.mobile_phone,
                status=Status.QUEUED,
                next_attempt_at=now,
                reason_key=f"bench:{tag}",
                dedupe_key=f"bench:{tag}:{i}",
                created_at=now,
                queued_at=now,
            )
            for i, c in enumerate(contacts)
        ],
        batch_size=2000,
    )
    MessageEvent.objects.bulk_create(
        [MessageEvent(message_id=m.pk, at=now, new_status=Status.QUEUED) for m in rows],
        batch_size=2000,
    )


def run(n: int) -> None:
    from rollbook.comms import actions
    from rollbook.comms.channels import FAKE
    from rollbook.comms.models import Message, Status
    from rollbook.core.tests.factories import aware, make_school
    from rollbook.pupils.models import Contact

    school = make_school(name="Bench Primary")
    contacts = Contact.objects.bulk_create(
        [
            Contact(school=school, forename=f"P{i}", surname="Bench", mobile_phone=f"0770{i:07d}")
            for i in range(n)
        ],
        batch_size=2000,
    )
    now = aware(2025, 11, 24, 10, 0)  # a Monday morning: outside quiet hours
    queue(school, contacts, now, "a")

    started = time.perf_counter()
    runs, totals = 0, Counter()
    while counts := actions.send_due_messages(now=now, channel=FAKE):
        runs += 1
        totals.update(counts)
    elapsed = time.perf_counter() - started
    rate = n / elapsed

    references = [o.reference for o in FAKE.sent]
    duplicates = len(references) - len(set(references))
    statuses = Counter(Message.objects.values_list("status", flat=True))

    # Two senders over the same due list, interleaved message by message.
    FAKE.reset()
    second = min(n, 2000)
    queue(school, contacts[:second], now, "b")
    due = list(
        Message.objects.filter(status=Status.QUEUED).order_by("pk").values_list("pk", flat=True)
    )
    outcomes = Counter()
    for message_id in due:
        for _worker in ("A", "B"):
            outcomes[actions.send_message(message_id=message_id, now=now, channel=FAKE)] += 1
    twice = len(FAKE.sent) - len({o.reference for o in FAKE.sent})

    print(f"outbox: {n} queued texts through the fake channel (SQLite)")
    print(
        f"  sent in {elapsed:.1f} s over {runs} sweeps: {rate:.0f} messages/s "
        f"(target {TARGET_PER_SECOND}/s: ratio {rate / TARGET_PER_SECOND:.2f})"
    )
    print(f"  outcomes: {dict(totals)}; final statuses: {dict(statuses)}")
    print(f"  provider calls {len(references)}, duplicate references {duplicates} (expected 0)")
    print(
        f"  two interleaved senders over {second} more: {dict(outcomes)}, "
        f"{len(FAKE.sent)} accepted, duplicates {twice} (expected 0)"
    )
    if duplicates or twice or statuses.get(Status.SENT, 0) != n:
        sys.exit("outbox: a message was sent twice or not at all")


if __name__ == "__main__":
    main()
