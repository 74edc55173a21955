"""The worker: a heartbeat a second, to logs/bot.log (relative to the working directory) and
to stderr, until SIGTERM or SIGINT stops it. It ignores its arguments, as bots do."""

import logging
import os
import signal
import sys
import time


def main() -> None:
    os.makedirs("logs", exist_ok=True)
    log = logging.getLogger("bot")
    log.setLevel(logging.INFO)
    log.addHandler(logging.FileHandler("logs/bot.log"))
    log.addHandler(logging.StreamHandler(sys.stderr))
    running = True

    def stop(signum, _frame):
        nonlocal running
        log.info("signal %d: stopping", signum)
        running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    beat = 0
    while running:
        beat += 1
        log.info("heartbeat %d", beat)
        time.sleep(1)
