#!/usr/bin/env python3
"""check_labs.py - the labs are real: what `make test` proves of them.

Layer: test/. For the labs of tools/labs.py:
  1. every solution region in the tree is well formed, and every lab
     has one (tools/mklab.py --check);
  2. the full tree scores full marks on every lab (test/grade.py);
  3. for each lab, its student tree (make lab) builds, boots to the
     shell, scores less than full marks on its own lab - a stub that
     removes nothing is caught - and full marks on every lab before it:
     each lab is a layer, and the earlier ones still make a working
     system without it;
  4. each handout's figures table gives the targets `make bench` uses
     in its tree (test/bench.py, LAB_TARGETS);
  5. cowdemo, which reads what happened in the VM server's counters,
     names the labs the tree lacks that it can see (a copying fork, a
     count-1 copy, no page table copied), and none in the full tree.
Prints a line per check and "check_labs: N passed, N failed". In a
student tree (.calf-lab) it checks nothing and says so.

    check_labs.py --kernel build/kernel.elf [--work build/labs] [--only LAB]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tools"))
import bench  # noqa: E402
import grade  # noqa: E402
import labs  # noqa: E402
import qemu_run  # noqa: E402
import vm_cases  # noqa: E402

passed = failed = 0


def check(name, ok, why=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}{': ' + why if why else ''}")
    sys.stdout.flush()


def run(cmd, cwd=ROOT):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def boots_to_shell(kernel):
    cmd = vm_cases.typed(qemu_run.qemu_command("virt", 1, "128M", kernel), ["poweroff"])
    res = qemu_run.run(cmd, 120, [r"^calf shell: type help",
                                  r"^poweroff: requested by the VM server \(success\)"])
    return res.ok, res.reason


def handout_targets(lab):
    """{operation: target} from the rows of the figures table of
    labs/LAB/README.md ("| `op` | ... | 2,250,000 |")."""
    with open(os.path.join(ROOT, "labs", lab, "README.md")) as f:
        rows = re.findall(r"^\| `(\w+)` \|.*\| ([\d,]+) \|$", f.read(), re.M)
    return {op: int(value.replace(",", "")) for op, value in rows}


def handout_gives_bench_targets(lab):
    """Why the handout of `lab` does not give the targets `make bench`
    uses in its tree (test/bench.py), or "" if it does: every target
    of the lab's own, and no row that says otherwise."""
    given, want = handout_targets(lab), bench.lab_targets(lab)
    missing = [op for op in bench.LAB_TARGETS[lab] if op not in given]
    wrong = [f"{op} {given[op]:,} (bench.py: {want.get(op)})" for op in given
             if given[op] != want.get(op)]
    return "; ".join(([f"no row for {', '.join(missing)}"] if missing else []) +
                     ([f"wrong: {', '.join(wrong)}"] if wrong else []))


def cowdemo_says(kernel):
    """The labs cowdemo says this kernel's tree lacks ("needs lab X"),
    or None if it did not run to its end."""
    cmd = qemu_run.qemu_command("virt", 1, "128M", kernel,
                                append="init=init -- cowdemo --poweroff")
    res = qemu_run.run(cmd, 120, [r"^cowdemo: done"], expect_status=None)
    return set(re.findall(r"needs lab (\w+)", res.output)) if res.ok else None


def cowdemo_should_say(stubbed):
    """What cowdemo reads in its counters of a tree whose labs `stubbed`
    are stubbed: a copying fork (cow), after which there is nothing
    else to see; else a count-1 copy (reuse) and no table copied
    (sharedpt)."""
    if "cow" in stubbed:
        return {"cow"}
    return {lab for lab in ("reuse", "sharedpt") if lab in stubbed}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel.elf"))
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "labs"))
    ap.add_argument("--only", help="check this lab's student tree only")
    args = ap.parse_args()

    # A student tree has no solutions to check, and mklab.py refuses it.
    lab = labs.tree_lab(ROOT)
    if lab:
        print(f"check_labs: skipped: this is a student tree for lab {lab}; the labs are "
              f"checked in the teacher's full tree")
        print("check_labs: 0 passed, 0 failed")
        return

    rc, out = run([sys.executable, os.path.join(ROOT, "tools", "mklab.py"), "--check"])
    check("regions well formed, one or more per lab", rc == 0, out.strip().splitlines()[-1])
    for lab in labs.LABS:
        why = handout_gives_bench_targets(lab)
        check(f"labs/{lab}/README.md gives the make bench targets of its tree", not why, why)
    for lab in labs.LABS:
        score, full = grade.grade(lab, args.kernel, quiet=True)
        check(f"full tree: {lab} {score}/{full}", score == full)
    said = cowdemo_says(args.kernel)
    check("full tree: cowdemo says no lab is missing", said == set(), f"it says {said}")

    for n, lab in enumerate(labs.LABS):
        if args.only and lab != args.only:
            continue
        tree = os.path.join(args.work, lab)
        shutil.rmtree(tree, ignore_errors=True)
        rc, out = run([sys.executable, os.path.join(ROOT, "tools", "mklab.py"), lab, tree])
        check(f"{lab} tree: written", rc == 0, out.strip()[-300:])
        if rc:
            continue
        rc, out = run(["make", "-j2", "all"], cwd=tree)
        check(f"{lab} tree: builds", rc == 0, out.strip()[-1500:])
        if rc:
            continue
        kernel = os.path.join(tree, "build", "kernel.elf")
        ok, why = boots_to_shell(kernel)
        check(f"{lab} tree: boots to the shell", ok, why or "")
        score, full = grade.grade(lab, kernel, quiet=True)
        check(f"{lab} tree: {lab} scores less than full marks ({score}/{full})", score < full)
        said, want = cowdemo_says(kernel), cowdemo_should_say(labs.LABS[n:])
        check(f"{lab} tree: cowdemo says it needs lab {', '.join(sorted(want))}", said == want,
              f"it says {said}")
        for earlier in labs.LABS[:n]:
            score, full = grade.grade(earlier, kernel, quiet=True)
            check(f"{lab} tree: {earlier} still full marks ({score}/{full})", score == full)
    print(f"check_labs: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
