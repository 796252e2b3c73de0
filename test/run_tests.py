#!/usr/bin/env python3
"""run_tests.py - run every test suite and add up the results.

Layer: test/. Runs the host unit-test binaries and the script tests
(SCRIPT_TESTS; each prints its own "N passed, N failed" line), then the
QEMU integration cases, then the gdb kit (check_gdb.py: tools/calf.gdb on
a live kernel, the DEBUG=1 one too when given), and ends with one total
line "N passed, N failed".
Exits non-zero on any failure or timeout.
"""
import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import board_cases  # noqa: E402
import qemu_cases  # noqa: E402
import qemu_run  # noqa: E402
import suite_cases  # noqa: E402
import tree_cases  # noqa: E402
import vm_cases  # noqa: E402

SUMMARY = re.compile(r"^(?:\w+: )?(\d+) passed, (\d+) failed", re.MULTILINE)
# A host test's tests of the labs after a student tree's own (check.h,
# RUN_LAB).
SKIPPED = re.compile(r"^\d+ passed, \d+ failed, (\d+) skipped", re.MULTILINE)
HOST_TIMEOUT = 300
HERE = os.path.dirname(os.path.abspath(__file__))
# Host-side script tests, run with the host unit tests; each prints its own
# "N passed, N failed" line.
SCRIPT_TESTS = [os.path.join(HERE, "check_layers.py"), os.path.join(HERE, "test_sdcard.sh"),
                os.path.join(HERE, "test_flash.sh"), os.path.join(HERE, "test_dtinfo.sh"),
                os.path.join(HERE, "check_tree.py")]


def run_host(binary, args=(), timeout=HOST_TIMEOUT):
    """Run one host test binary (or script, with args); return (passed, failed)."""
    name = os.path.basename(binary)
    try:
        proc = subprocess.run([binary, *args], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"FAIL {name}: timeout after {HOST_TIMEOUT} s")
        return 0, 1
    out = proc.stdout + proc.stderr
    found = SUMMARY.findall(out)
    if not found:
        print(out[-3000:])
        print(f"FAIL {name}: no summary line (exit status {proc.returncode})")
        return 0, 1
    passed, failed = map(int, found[-1])
    if proc.returncode != 0 and failed == 0:
        failed = 1   # a sanitizer report after the last CHECK
    if failed:
        print(out[-6000:])
    skipped = SKIPPED.findall(out)
    note = f", {skipped[-1]} skipped: they need later labs" if skipped else ""
    print(f"{'ok  ' if not failed else 'FAIL'} {name}: {passed} passed, {failed} failed{note}")
    return passed, failed


# The cases also run on the kernel and VM server built with FASTPATH=0
# (every IPC and fault through the reference C paths), so that the paths
# a student reads cannot rot behind the shortcuts. A subset, to keep
# `make test` short: every suite (usertests runs them all), the kernel
# tests (IPC above all), vmtest, cowdemo and the shell, on one hart and
# on four.
REFERENCE_CASES = (r"^(ktest on virt( SMP=4)?|vm: vmtest on virt MEM=256M|vm: cowdemo"
                   r"|vm: shell \(|suites: usertests on virt SMP=(1 MEM=128M|4 MEM=256M))")


def all_cases(kernel):
    return (qemu_cases.cases(kernel) + board_cases.cases(kernel) + tree_cases.cases(kernel)
            + vm_cases.cases(kernel) + suite_cases.cases(kernel))


def reference_cases(kernel):
    """REFERENCE_CASES on the FASTPATH=0 kernel, which must say it is one."""
    out = []
    for case in all_cases(kernel):
        if re.search(REFERENCE_CASES, case.name):
            case.name = "FASTPATH=0 " + case.name
            case.expect = [r"^  fastpath off"] + case.expect
            out.append(case)
    return out


def run_qemu(cases, only):
    passed = failed = 0
    for case in cases:
        if only and not re.search(only, case.name):
            continue
        t0 = time.monotonic()
        res = qemu_run.run(case.cmd, case.timeout, case.expect, case.status,
                           stop_on_failure_line=not case.panic_expected,
                           forbid=case.forbid)
        secs = time.monotonic() - t0
        if res.ok and case.check:
            why = case.check(res.output)
            if why:
                res.ok, res.reason = False, why
        if res.ok:
            passed += 1
            print(f"ok   qemu {case.name} ({secs:.1f} s)")
        else:
            failed += 1
            print(f"FAIL qemu {case.name}: {res.reason}")
            print("  " + " ".join(case.cmd))
            lines = res.output.strip().splitlines()
            # A suite's failed checks may lie far above the last lines:
            # show them first, with the line before each.
            fails = [i for i, line in enumerate(lines[:-40]) if line.startswith("FAIL")]
            for i in fails[:20]:
                print("\n".join("  ! " + line for line in lines[max(i - 1, 0):i + 1]))
            print("\n".join("  | " + line for line in lines[-40:]))
    return passed, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", nargs="*", default=[])
    ap.add_argument("--kernel")
    ap.add_argument("--reference-kernel",
                    help="the FASTPATH=0 kernel: run REFERENCE_CASES on it too")
    ap.add_argument("--debug-kernel",
                    help="the DEBUG=1 (-Og) kernel: the gdb kit is checked on it too")
    ap.add_argument("--labs-kernel",
                    help="check the labs (check_labs.py) against this full-tree kernel")
    ap.add_argument("--only", help="regex: run only QEMU cases whose name matches")
    args = ap.parse_args()

    total_p = total_f = 0
    if args.host:
        print("== host unit tests")
        for b in args.host + SCRIPT_TESTS:
            p, f = run_host(b)
            total_p += p
            total_f += f
    if args.kernel or args.reference_kernel:
        print("== QEMU integration tests")
        cases = all_cases(args.kernel) if args.kernel else []
        if args.reference_kernel:
            cases += reference_cases(args.reference_kernel)
        p, f = run_qemu(cases, args.only)
        print(f"qemu: {p} passed, {f} failed")
        total_p += p
        total_f += f
    if args.kernel and not args.only:
        print("== gdb")
        gdb_args = ["--kernel", args.kernel]
        if args.debug_kernel:
            gdb_args += ["--debug-kernel", args.debug_kernel]
        p, f = run_host(os.path.join(HERE, "check_gdb.py"), gdb_args)
        total_p += p
        total_f += f
    if args.labs_kernel:
        print("== labs: full marks on the full tree, less on each student tree")
        p, f = run_host(os.path.join(HERE, "check_labs.py"), ["--kernel", args.labs_kernel],
                        timeout=900)
        total_p += p
        total_f += f
    print("== total")
    print(f"{total_p} passed, {total_f} failed")
    sys.exit(1 if total_f or total_p == 0 else 0)


if __name__ == "__main__":
    main()
