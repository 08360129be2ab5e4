#!/usr/bin/env python3
"""A real SMTP server on loopback for the tests (aiosmtpd): every message it
receives is written to DIR as NNNN.eml, so a test reads what Haul sent.

usage: scripts/smtp-sink.py PORT DIR   (runs until killed)
"""
import asyncio
import itertools
import os
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        n = next(self.count)
        path = os.path.join(self.folder, f"{n:04}.eml")
        with open(path + ".partial", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".partial", path)
        return "250 Message accepted"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"smtp sink on 127.0.0.1:{port}, writing to {folder}", flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
