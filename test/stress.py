#!/usr/bin/env python3
"""stress.py - the long runs: each stress program booted once in QEMU,
and a boot loop.

Layer: test/. Not part of `make test`: these take minutes each. Every run
is one boot of `init=init -- PROG,ARGS --poweroff` (init runs the program,
prints "init: PROG exited with status N" and powers off; see
userland/init/init.c), judged by test/qemu_run.py: no panic, no
"FAIL " line, init's exit line with status 0, a successful power-off,
all within the timeout. The console of each run is kept in
build/stress/<name>.log.

A boot loop boots the same short run many times over at several harts,
each boot with its own timeout, and fails if any boot printed a second
banner (a hart that ran the boot path again: the boot lottery,
platform/lottery.h), a panic or a FAIL line, or hung; the log of each
failed boot is kept as build/stress/<name>-boot<N>.log. Its line also
says which harts booted and how many harts came in at the image entry
late (each one is a firmware race that the lottery caught).

The summary has one line per run:

    ok      forkstress --forks 100000      412.3 s
    FAIL    badcalls 1234 100000            88.0 s  missing expected line: ...
    MISSING forkbomb                                  no userland/tests/forkbomb yet

and the exit status is 0 only if every run was ok.

    python3 test/stress.py --kernel build/kernel.elf [--only REGEX] [--seed N]
                           [--timeout-scale X] [--jobs N] [--list]
"""
import argparse
import os
import random
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import qemu_run  # noqa: E402
from qemu_cases import one_banner  # noqa: E402
from qemu_run import qemu_command  # noqa: E402

POWEROFF_OK = r"^poweroff: requested by the VM server \(success\)"


class Run:
    def __init__(self, prog, args=(), board="virt", smp=1, mem="512M", timeout=1800):
        self.prog = prog
        self.args = [str(a) for a in args]
        self.board = board
        self.smp = smp
        self.mem = mem
        self.timeout = timeout

    @property
    def name(self):
        extra = "" if (self.board, self.mem, self.smp) == ("virt", "512M", 1) else \
            f" [{self.board}{f' SMP={self.smp}' if self.smp > 1 else ''} MEM={self.mem}]"
        return " ".join([self.prog, *self.args]) + extra

    @property
    def slug(self):
        return re.sub(r"[^A-Za-z0-9_.-]+", "_", self.name).strip("_")


class BootLoop(Run):
    """`boots` boots of one short run, each within `timeout` seconds."""

    def __init__(self, prog, boots, smp, mem="128M", timeout=120):
        super().__init__(prog, smp=smp, mem=mem, timeout=timeout)
        self.boots = boots

    @property
    def name(self):
        return f"boot loop: {self.prog} x{self.boots} [SMP={self.smp} MEM={self.mem}]"


def runs(seed):
    """The stress runs. Timeouts are generous: QEMU's TCG is slow, and
    the point is that these finish, not how fast. The boot loops keep
    each boot short (cowtest at 128M takes about a second) and give
    each its own timeout, about a hundred times that."""
    return [
        BootLoop("cowtest", 100, smp=4),
        BootLoop("cowtest", 50, smp=8),
        Run("forkstress", ["--forks", 100000], timeout=3600),
        Run("forkstress", [4, 5], timeout=1800),
        Run("badcalls", [seed, 100000], timeout=3600),
        # The races part at length, on four harts: 20,000 calls, then 400
        # rounds of threads against munmap (about 50 s).
        Run("badcalls", [seed, 20000, 0, 400], smp=4, mem="256M", timeout=1800),
        Run("cowtest", timeout=900),
        Run("cowtest", mem="2G", timeout=900),
        Run("forkbomb", timeout=1800),
        Run("forkbomb", mem="128M", timeout=900),
        Run("usertests", mem="2G", timeout=1800),
        Run("usertests", board="sifive_u", mem="1G", timeout=1800),
    ]


def exists(prog):
    """A program is built from userland/<prog>/ or userland/tests/<prog>/
    (mk/userland.mk)."""
    return any(os.path.isdir(os.path.join(ROOT, "userland", *where, prog))
               for where in ((), ("tests",)))


def boot(run, kernel, scale):
    """One boot of run: (command, qemu_run.Result)."""
    spec = ",".join([run.prog, *run.args])
    cmd = qemu_command(run.board, run.smp, run.mem, kernel,
                       append=f"init=init -- {spec} --poweroff")
    expect = [rf"^init: {re.escape(run.prog)} exited with status 0", POWEROFF_OK]
    return cmd, qemu_run.run(cmd, run.timeout * scale, expect, 0)


def boot_loop(run, kernel, scale, logdir):
    """run.boots boots; returns (verdict, seconds, reason)."""
    failed, harts, late = [], {}, 0
    t0 = time.monotonic()
    for n in range(1, run.boots + 1):
        cmd, res = boot(run, kernel, scale)
        why = res.reason if not res.ok else one_banner(res.output)
        fails = re.findall(r"^FAIL .*", res.output, re.MULTILINE)
        why = why or (fails[0] if fails else None)
        for h in re.findall(r"booted on hart (\d+)", res.output):
            harts[h] = harts.get(h, 0) + 1
        late += len(re.findall(r"^smp: hart \d+ came in at the image entry", res.output,
                               re.MULTILINE))
        if why:
            failed.append(f"boot {n}: {why}")
            with open(os.path.join(logdir, f"{run.slug}-boot{n}.log"), "w") as f:
                f.write(" ".join(cmd) + "\n\n" + res.output)
    secs = time.monotonic() - t0
    seen = ", ".join(f"hart {h} x{c}" for h, c in sorted(harts.items(), key=lambda i: int(i[0])))
    facts = f"booted on {seen}; {late} late hart{'s' if late != 1 else ''} joined"
    if failed:
        more = f" (+{len(failed) - 1} more)" if len(failed) > 1 else ""
        return "FAIL", secs, f"{len(failed)} of {run.boots} boots: {failed[0]}{more}; {facts}"
    return "ok", secs, f"{run.boots} boots, {secs / run.boots:.1f} s each; {facts}"


def one(run, kernel, scale, logdir):
    """Boot once (or, for a BootLoop, many times); returns (verdict,
    seconds, reason)."""
    if not exists(run.prog):
        return "MISSING", 0.0, f"no userland/tests/{run.prog} yet"
    if isinstance(run, BootLoop):
        return boot_loop(run, kernel, scale, logdir)
    t0 = time.monotonic()
    cmd, res = boot(run, kernel, scale)
    secs = time.monotonic() - t0
    with open(os.path.join(logdir, run.slug + ".log"), "w") as f:
        f.write(" ".join(cmd) + "\n\n" + res.output)
    if re.search(rf"^init: cannot start {re.escape(run.prog)}", res.output, re.MULTILINE):
        return "MISSING", secs, "not in the boot archive (rebuild: make)"
    fails = re.findall(r"^FAIL .*", res.output, re.MULTILINE)
    if fails:   # the suite's own first complaint says more than a missing line
        more = f" (+{len(fails) - 1} more)" if len(fails) > 1 else ""
        return "FAIL", secs, fails[0] + more
    if not res.ok:
        return "FAIL", secs, res.reason
    summary = re.findall(r"^\w+: (\d+ passed, \d+ failed)", res.output, re.MULTILINE)
    return "ok", secs, summary[-1] if summary else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel.elf"))
    ap.add_argument("--only", help="regex: run only the runs whose name matches")
    ap.add_argument("--seed", type=int, help="badcalls seed (default: random, printed)")
    ap.add_argument("--timeout-scale", type=float, default=1.0,
                    help="multiply every timeout (a slow host: 2)")
    ap.add_argument("--jobs", type=int, default=1, help="QEMUs at once")
    ap.add_argument("--list", action="store_true", help="print the runs and stop")
    args = ap.parse_args()

    seed = args.seed if args.seed is not None else random.randrange(1, 1 << 31)
    todo = [r for r in runs(seed) if not args.only or re.search(args.only, r.name)]
    if args.list:
        for r in todo:
            each = " per boot" if isinstance(r, BootLoop) else ""
            print(f"{r.name:44s} timeout {r.timeout * args.timeout_scale:.0f} s{each}")
        return
    if not todo:
        sys.exit("stress: no run matches --only")
    logdir = os.path.join(ROOT, "build", "stress")
    os.makedirs(logdir, exist_ok=True)
    print(f"stress: {len(todo)} runs, badcalls seed {seed}, logs in {logdir}", flush=True)

    def go(r):
        verdict, secs, why = one(r, args.kernel, args.timeout_scale, logdir)
        line = f"{verdict:7s} {r.name:44s} {secs:7.1f} s  {why}".rstrip()
        print(line, flush=True)
        return verdict, line

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(go, todo))
    print(f"== stress summary ({time.monotonic() - t0:.0f} s, badcalls seed {seed})")
    for _, line in results:
        print(line)
    count = {v: sum(1 for r, _ in results if r == v) for v in ("ok", "FAIL", "MISSING")}
    print(f"stress: {count['ok']} ok, {count['FAIL']} failed, {count['MISSING']} missing")
    sys.exit(0 if count["ok"] == len(results) else 1)


if __name__ == "__main__":
    main()
