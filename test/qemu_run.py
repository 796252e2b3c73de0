#!/usr/bin/env python3
"""qemu_run.py - boot the kernel in QEMU, interactively or as a test.

Layer: test/. One place builds the QEMU command line for every board, so
`make run`, `make debug` and the integration tests boot the same way.

As a test (the default), the console is read until QEMU exits, a panic is
printed, the kernel parks the machine, or the timeout passes; the run
fails on a panic, a timeout, a missing expected line, or a failure exit
status. Every run has a timeout.

A machine whose firmware cannot switch it off (QEMU sifive_u: OpenSBI
has only a reset there) is parked by the kernel, which says so
(kernel/power.c): that line ends the run as QEMU's exit would, with
status 0.
"""
import argparse
import os
import re
import select
import signal
import subprocess
import sys
import time

QEMU = os.environ.get("QEMU", "qemu-system-riscv64")

# The least RAM calf is booted with. Below 2 MiB of OpenSBI, the kernel
# image and the kernel's reserve of 512 frames (2 MiB), too little is
# left for the VM server, init and the shell; below about 5 MiB QEMU
# cannot even place the kernel and the device tree ("ROM regions are
# overlapping"). With 8 MiB about 1,100 frames reach the VM server: the
# shell and the demos run (test/vm_cases.py boots it so).
MIN_MEM_MIB = 8


def mem_mib(mem):
    """QEMU's -m size (512M, 2G, 64: MiB when no suffix) in MiB, or None."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmMgGtT]?)[bB]?", str(mem).strip())
    if not m:
        return None
    scale = {"": 1, "k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024}[m.group(2).lower()]
    return float(m.group(1)) * scale


def check_mem(mem):
    """Refuse, with calf's own words, a RAM size calf cannot run in."""
    mib = mem_mib(mem)
    if mib is not None and mib < MIN_MEM_MIB:
        raise SystemExit(f"qemu_run: MEM={mem} is too little: calf needs at least "
                         f"{MIN_MEM_MIB} MiB of RAM (OpenSBI takes 2 MiB, the kernel "
                         f"and its page tables about 3, the VM server and the "
                         f"programs the rest); try MEM=64M")


# Lines that end a test run as failed as soon as they appear.
FAILURE_PATTERNS = [re.compile(p) for p in (r"^panic", r"kernel panic")]
# The line that ends a run whose machine the kernel parked.
PARKED = re.compile(r"^poweroff: it is safe to switch it off now")


def qemu_command(board="virt", smp=1, mem="512M", kernel=None, append=None,
                 dtb=None, gdb=False, interactive=False, icount=False,
                 extra=(), gdb_addr="tcp::1234"):
    """The QEMU command line for one boot. gdb: start halted, the gdb
    stub listening on gdb_addr (QEMU's -gdb syntax; -s is tcp::1234)."""
    if board == "virt":
        machine = ["-M", "virt", "-smp", str(smp)]
    elif board == "sifive_u":
        # Hart 0 of the FU540 is the E51 monitor core (no MMU), which the
        # kernel leaves alone: SMP counts the U54 application harts.
        machine = ["-M", "sifive_u", "-smp", str(int(smp) + 1)]
    elif board == "icicle":
        # PolarFire SoC: an E51 monitor hart and four U54s, like the
        # FU540. QEMU 7.2 wants all five.
        machine = ["-M", "microchip-icicle-kit", "-smp", str(int(smp) + 1)]
    else:
        raise SystemExit(f"qemu_run: unknown BOARD '{board}' (virt, sifive_u or icicle)")
    check_mem(mem)
    if board == "icicle":
        # QEMU 7.2's model builds no device tree and, with -m under 1.5G,
        # refuses to start: say so in calf's words, not QEMU's.
        if not dtb:
            raise SystemExit("qemu_run: QEMU's microchip-icicle-kit builds no device tree: "
                             "give the board's (--dtb test/fixtures/uboot-icicle.dtb; "
                             "make run BOARD=icicle does)")
        mib = mem_mib(mem)
        if mib is not None and mib < 1536:
            raise SystemExit(f"qemu_run: MEM={mem}: QEMU's microchip-icicle-kit needs at least "
                             f"1.5G; 3G backs both RAM banks of the board's tree (docs/boards.md)")
    cmd = [QEMU, *machine, "-m", str(mem), "-bios", "default", "-no-reboot"]
    if kernel:
        cmd += ["-kernel", kernel]
    if append:
        cmd += ["-append", append]
    if dtb:
        cmd += ["-dtb", dtb]
    # The Icicle Kit's console is its second UART (MMUART1): the first
    # goes nowhere.
    serial = ["-serial", "null"] if board == "icicle" else []
    if interactive:
        cmd += ["-display", "none", *serial, "-serial", "mon:stdio"]
    else:
        cmd += ["-display", "none", *serial, "-serial", "stdio", "-monitor", "none"]
    if gdb:
        cmd += ["-gdb", gdb_addr, "-S"]
    if icount:
        # Exact, repeatable instruction counts (rdinstret) for benchmarks.
        cmd += ["-icount", "shift=0,align=off,sleep=off"]
    cmd += list(extra)
    return cmd


class Result:
    def __init__(self, ok, reason, output, status):
        self.ok = ok
        self.reason = reason
        self.output = output
        self.status = status


def run(cmd, timeout=60.0, expect=(), expect_status=0, echo=False,
        stop_on_failure_line=True, forbid=()):
    """Run QEMU, collect the console, judge it: every regex of expect must
    match it, none of forbid. Returns a Result."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    chunks = []
    reason = None
    pending = b""
    deadline = start + timeout
    parked = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            if reason is None:
                reason = f"timeout after {timeout:.0f} s"
            break
        ready, _, _ = select.select([proc.stdout], [], [], min(left, 0.5))
        if not ready:
            if proc.poll() is not None:
                break
            continue
        data = os.read(proc.stdout.fileno(), 65536)
        if not data:
            break
        chunks.append(data)
        if echo:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        pending += data
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip("\r")
            if (reason is None and stop_on_failure_line
                    and any(p.search(line) for p in FAILURE_PATTERNS)):
                reason = f"failure line: {line}"
                # Let the rest of the report (registers) arrive, then stop.
                deadline = min(deadline, time.monotonic() + 2.0)
            if PARKED.search(line) and not parked:
                parked = True
                deadline = min(deadline, time.monotonic() + 0.5)
    if parked and reason and reason.startswith("timeout"):
        reason = None   # the grace after the parked line ran out
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    status = proc.wait()
    if parked:
        status = 0      # parked: as good as QEMU's own exit
    output = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    if reason is None:
        for want in expect:
            if not re.search(want, output, re.MULTILINE):
                reason = f"missing expected line: {want}"
                break
    if reason is None:
        for bad in forbid:
            m = re.search(bad, output, re.MULTILINE)
            if m:
                reason = f"forbidden line: {bad} matched {m.group(0)!r}"
                break
    if reason is None and expect_status is not None and status != expect_status:
        reason = f"QEMU exit status {status}, expected {expect_status}"
    return Result(reason is None, reason, output, status)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--board", default="virt")
    ap.add_argument("--smp", default="1")
    ap.add_argument("--mem", default="512M")
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--append")
    ap.add_argument("--dtb")
    ap.add_argument("--interactive", action="store_true",
                    help="console on this terminal, no timeout")
    ap.add_argument("--gdb", action="store_true", help="wait for gdb on --gdb-port")
    ap.add_argument("--gdb-port", type=int, default=1234)
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--expect", action="append", default=[])
    args = ap.parse_args()
    cmd = qemu_command(args.board, args.smp, args.mem, args.kernel, args.append,
                       args.dtb, args.gdb, args.interactive, args.icount,
                       gdb_addr="tcp::%d" % args.gdb_port)
    if args.interactive:
        print(" ".join(cmd), flush=True)
        os.execvp(cmd[0], cmd)
    res = run(cmd, args.timeout, args.expect, echo=True)
    print(f"\nqemu_run: {'ok' if res.ok else 'FAIL: ' + res.reason}")
    sys.exit(0 if res.ok else 1)


if __name__ == "__main__":
    main()
