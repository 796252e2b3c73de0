#!/usr/bin/env python3
"""mklab.py - write the student tree of one lab (`make lab LAB=cow DIR=../cow-lab`).

Layer: tools/. Copies this tree's files (git's list: never the history,
where the solutions are) to DIR, with the solution regions of LAB and of
every later lab replaced by their stubs (tools/labs.py says how they are
marked). The labs before LAB stay solved. DIR/.calf-lab names the lab,
so that `make grade` in DIR grades it without being told.

    mklab.py LAB DIR        write the student tree
    mklab.py --check        only check that every region in the tree is
                            well formed (make test runs this)
"""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labs  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_tree(lab, dest):
    if os.path.exists(dest) and os.listdir(dest):
        sys.exit(f"mklab: {dest} exists and is not empty: choose a new directory")
    found = labs.all_regions(ROOT)   # every region checked before anything is written
    stubbed = 0
    for f in labs.tree_files(ROOT):
        src, dst = os.path.join(ROOT, f), os.path.join(dest, f)
        if not os.path.isfile(src):
            continue   # listed by git, deleted in the work tree
        os.makedirs(os.path.dirname(dst) or ".", exist_ok=True)
        if f in found:
            with open(src, encoding="utf-8") as fp:
                lines = fp.read().split("\n")
            out = labs.student_lines(f, lines, lab)
            stubbed += sum(labs.LABS.index(r.lab) >= labs.LABS.index(lab) for r in found[f])
            with open(dst, "w", encoding="utf-8") as fp:
                fp.write("\n".join(out))
            shutil.copymode(src, dst)
        else:
            shutil.copy2(src, dst)
    with open(os.path.join(dest, ".calf-lab"), "w") as fp:
        fp.write(lab + "\n")
    print(f"mklab: the {lab} lab is in {dest}: {stubbed} regions stubbed "
          f"(this lab's and the later ones'); start with labs/{lab}/README.md")


def refuse_student_tree():
    """A student tree has stubs where the solutions were, and the stubs'
    markers are not regions: say what the tree is before anything reads
    them (labs.py would only see "a lab marker outside a region")."""
    try:
        lab = labs.tree_lab(ROOT)
    except labs.LabError as e:
        sys.exit(f"mklab: {e}")
    if lab:
        sys.exit(f"mklab: this is a student tree for lab {lab}; `make lab` needs the "
                 f"teacher's full tree (labs/README.md)")


def main():
    args = sys.argv[1:]
    refuse_student_tree()
    if args == ["--check"]:
        try:
            found = labs.all_regions(ROOT)
        except labs.LabError as e:
            sys.exit(f"mklab: {e}")
        per_lab = {lab: 0 for lab in labs.LABS}
        for rs in found.values():
            for r in rs:
                per_lab[r.lab] += 1
        missing = [lab for lab, n in per_lab.items() if n == 0]
        for lab in labs.LABS:
            print(f"mklab: {lab}: {per_lab[lab]} regions")
        if missing:
            sys.exit(f"mklab: no region for {', '.join(missing)}")
        return
    if len(args) != 2 or args[0] not in labs.LABS:
        sys.exit("usage: mklab.py LAB DIR   (LAB: " + " ".join(labs.LABS) + ")\n"
                 "       mklab.py --check")
    try:
        write_tree(args[0], args[1])
    except labs.LabError as e:
        sys.exit(f"mklab: {e}")


if __name__ == "__main__":
    main()
