#!/usr/bin/env python3
"""console_feed.py - run a command and type into its console on cue.

usage: console_feed.py [--on REGEX (--type TEXT | --send BYTES)]... -- COMMAND...

Layer: test/. Some boots need a word typed at a firmware prompt (U-Boot on
QEMU's sifive_u model misses the SD card on its first scan; typing
`run bootcmd_mmc0` at its prompt, up to three times, boots:
test/board_cases.py). This runs COMMAND with its output
copied to ours, and each time the next REGEX appears in the output, types
its TEXT followed by a carriage return (what a serial terminal sends), or
sends BYTES exactly as given: Python escapes, so '\\x1b[A' is the Up
arrow, '\\x03' Ctrl-C and '\\r' Enter, the bytes a terminal sends for
those keys. Cues are used in order, each once. The exit status is
COMMAND's.

The caller's timeout covers everything: qemu_run.run() kills the whole
process group, so QEMU goes with this script.
"""
import codecs
import os
import re
import subprocess
import sys


def main(argv):
    if "--" not in argv:
        sys.exit("usage: console_feed.py [--on REGEX (--type TEXT | --send BYTES)]... "
                 "-- COMMAND...")
    split = argv.index("--")
    opts, cmd = argv[:split], argv[split + 1:]
    cues = []
    while opts:
        if len(opts) < 4 or opts[0] != "--on" or opts[2] not in ("--type", "--send"):
            sys.exit("console_feed: options come in pairs: --on REGEX --type TEXT "
                     "or --on REGEX --send BYTES")
        if opts[2] == "--type":
            data = opts[3].encode() + b"\r"
        else:
            data = codecs.escape_decode(opts[3].encode())[0]
        cues.append((re.compile(opts[1]), data))
        opts = opts[4:]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seen = b""      # output since the last cue matched
    while True:
        data = os.read(proc.stdout.fileno(), 65536)
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        seen += data
        if cues and cues[0][0].search(seen.decode("utf-8", "replace")):
            _, keys = cues.pop(0)
            seen = b""
            try:
                proc.stdin.write(keys)
                proc.stdin.flush()
            except BrokenPipeError:
                pass
    return proc.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
