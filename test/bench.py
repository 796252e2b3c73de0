#!/usr/bin/env python3
"""bench.py - run the benchmark program under QEMU with exact counting.

Layer: test/. Boots QEMU virt with one hart and
`-icount shift=0,align=off,sleep=off`, so `rdinstret` counts guest
instructions exactly and every run gives the same numbers; then again
with four harts and with eight for the figures that need them (`bench
--smp`: threads, and the copy fault when the space runs on one of many
harts), where the count is the whole machine's. The `bench`
program prints lines `bench: NAME VALUE` (instructions per operation);
this script prints them as a table, compares them with the targets (in
a lab's student tree, its handout's: targets()), and
writes build/bench.json: one object, each key an operation, each value
the instructions per operation.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools"))
import labs  # noqa: E402
import qemu_run  # noqa: E402

# Targets (instructions per operation, at most): the target column of
# docs/performance.md.
TARGETS = {
    "syscall_null": 120,
    "ipc_roundtrip": 300,
    "fork_exit_wait_0k": 20000,
    "fork_exit_wait_16m": 150000,
    "cow_fault_copy": 2000,
    "cow_fault_reuse": 600,
    "zero_fill_fault": 1500,
}

# In a lab's student tree (labs/README.md) the lab and the later ones
# are stubbed, and the full tree's targets for what a later lab brings
# cannot be met: its targets are those the lab's handout gives
# (labs/LAB/README.md, "Figures to aim for"), each about 10% above what
# the tree measures once its lab is written. The operations whose
# target differs from the full tree's (or that only a lab's tree has),
# per lab; test/check_labs.py checks that each handout gives them.
LAB_TARGETS = {
    # fork copies every page (lab cow)
    "pgtbl": {"fork_exit_wait_0k": 78000, "fork_exit_wait_16m": 7500000},
    "zero": {"fork_exit_wait_0k": 78000, "fork_exit_wait_16m": 7500000,
             "zero_read_fault": 650},
    # fork shares pages one by one (lab sharedpt shares tables), and a
    # count-1 store copies (lab reuse)
    "cow": {"fork_exit_wait_0k": 75000, "fork_exit_wait_16m": 2250000,
            "cow_fault_reuse": 2200},
    "reuse": {"fork_exit_wait_0k": 75000, "fork_exit_wait_16m": 2250000},
    # once written, the full tree (smp's stub changes no figure here:
    # the benchmarks' spaces run on one hart)
    "sharedpt": {},
    "smp": {},
}
assert list(LAB_TARGETS) == labs.LABS


def lab_targets(lab):
    """The targets in the student tree of `lab`."""
    return {**TARGETS, **LAB_TARGETS[lab]}


def targets(root=os.path.dirname(HERE)):
    """{operation: instructions at most} to compare with: the full
    tree's targets, or a student tree's (lab_targets)."""
    lab = labs.tree_lab(root)
    return lab_targets(lab) if lab else dict(TARGETS)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", default="build/kernel.elf")
    ap.add_argument("--out", default="build/bench.json")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--fastpath", type=int, choices=(0, 1), default=1,
                    help="how the kernel was built; the targets are for FASTPATH=1")
    args = ap.parse_args()

    results = {}
    for smp, words in ((1, "bench,--icount"), (4, "bench,--icount,--smp"),
                       (8, "bench,--icount,--smp")):
        cmd = qemu_run.qemu_command("virt", smp, "512M", args.kernel,
                                    append=f"init=init -- {words} --poweroff",
                                    icount=True)
        res = qemu_run.run(cmd, args.timeout, expect=[r"^bench: done"])
        if not res.ok:
            print(res.output[-4000:])
            print(f"bench: FAIL (SMP={smp}): {res.reason}")
            return 1
        for name, value in re.findall(r"^bench: (\w+) (\d+)\s*$", res.output, re.MULTILINE):
            if smp != 8 or name.endswith("_alone"):   # 8 harts: only to compare with 4
                results[name] = int(value)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=2, sort_keys=True)
        f.write("\n")
    if not args.fastpath:
        print("FASTPATH=0: every IPC and fault through the reference C paths; "
              "the targets are for the default build")
    print(f"{'operation':<24} {'instructions':>12} {'target':>10}")
    over = 0
    for name, value in results.items():
        target = targets().get(name) if args.fastpath else None
        mark = ""
        if target is not None and value > target:
            mark = "  over target"
            over += 1
        print(f"{name:<24} {value:>12} {target if target else '':>10}{mark}")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
