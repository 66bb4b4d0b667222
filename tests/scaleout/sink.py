"""An SMTP sink for the scale-out proof and the mail throughput measurement: it accepts every message and
appends one JSON line per message to a file (Message-ID, recipient, subject, the links in the text), so
another process can read what was delivered and how often.

    python -m tests.scaleout.sink PORT RECORD_FILE [--hold MARK --flag FILE --seconds N]

With ``--hold``, the first message whose subject contains MARK is recorded, then its "250 OK" is held
back for N seconds after FILE is written with the sending connection's port: the sending worker has
handed the message over but cannot mark it sent, which is when a worker killed mid-batch causes the one
duplicate the outbox allows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import threading
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+")


class Sink:
    def __init__(self, record: Path, hold: str, flag: Path | None, seconds: float) -> None:
        self.out = record.open("a", encoding="utf-8")
        self.hold, self.flag, self.seconds = hold, flag, seconds
        self.held = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's
        message = message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        subject = str(message["Subject"] or "")
        line = {
            "message_id": str(message["Message-ID"] or ""),
            "to": envelope.rcpt_tos,
            "subject": subject,
            "links": LINK.findall(text),
            "peer_port": session.peer[1],
        }
        self.out.write(json.dumps(line) + "\n")
        self.out.flush()
        if self.hold and self.hold in subject and not self.held:
            self.held = True
            if self.flag is not None:
                self.flag.write_text(str(session.peer[1]))
            await asyncio.sleep(self.seconds)
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("record", type=Path)
    parser.add_argument("--hold", default="")
    parser.add_argument("--flag", type=Path)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    controller = Controller(
        Sink(args.record, args.hold, args.flag, args.seconds), hostname="127.0.0.1", port=args.port
    )
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("listening", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
