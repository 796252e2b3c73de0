"""labs.py - the labs, in order, and the regions of code that are theirs.

Layer: tools/ (used by tools/mklab.py, test/grade.py, test/check_labs.py,
test/bench.py, and test/host/host.mk through the command line below).

A lab's solution is marked in the C source, in comments, one syntax:

        /* LAB cow: begin */
        ...the solution: what the student writes...
        /* LAB cow: stub
         * ...what stands in its place in a student tree, each line
         * after " * " (a stub that cannot do the job a simpler way
         * calls lab_missing(), vm/lab.h)...
         * LAB cow: end */

In the full tree the stub is a comment; `make lab` (mklab.py) writes a
student tree where the regions of the chosen lab and of every later lab
are replaced by their stubs. Regions do not nest.

A student tree says which lab it is in its .calf-lab file (tree_lab);
the full tree has none.

    labs.py all         print every lab, in order, on one line
    labs.py later       print the labs after this student tree's own, on
                        one line (empty in the full tree)
"""
import os
import re
import subprocess
import sys

# The order a course meets them: a student tree of one lab has every
# later lab stubbed too, and every earlier one solved.
LABS = ["pgtbl", "zero", "cow", "reuse", "sharedpt", "smp"]

BEGIN = re.compile(r"^(\s*)/\* LAB ([a-z]+): begin \*/\s*$")
STUB = re.compile(r"^(\s*)/\* LAB ([a-z]+): stub\s*$")
END = re.compile(r"^\s*\* LAB ([a-z]+): end \*/\s*$")
STUB_LINE = re.compile(r"^(\s*) \* ?(.*)$")
ANY = re.compile(r"LAB [a-z]+: (begin|stub|end)")


class LabError(Exception):
    pass


def tree_lab(root):
    """The lab of the student tree at root (`make lab` wrote its name in
    root/.calf-lab), or None: the full tree, every lab solved."""
    path = os.path.join(root, ".calf-lab")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        lab = f.read().strip()
    if lab not in LABS:
        raise LabError(f"{path} names no lab called {lab!r}; the labs: {' '.join(LABS)}")
    return lab


def stubbed(root):
    """The labs stubbed in the tree at root: a student tree's own lab and
    every later one (mklab.py); none in the full tree."""
    lab = tree_lab(root)
    return LABS[LABS.index(lab):] if lab else []


def later(root):
    """The labs after a student tree's own (stubbed there, and not the
    student's to write yet); none in the full tree."""
    return stubbed(root)[1:]


class Region:
    """Lines [begin, end] of a file (0-based, end inclusive) are lab
    `lab`'s: the solution is lines begin+1 .. stub-1, the stub's text
    lines stub+1 .. end-1."""

    def __init__(self, lab, indent, begin, stub, end):
        self.lab, self.indent, self.begin, self.stub, self.end = lab, indent, begin, stub, end


def regions(path, lines):
    """The regions of one file's lines; LabError on a malformed one."""
    out = []
    i = 0
    while i < len(lines):
        m = BEGIN.match(lines[i])
        if not m:
            if ANY.search(lines[i]):
                raise LabError(f"{path}:{i + 1}: a lab marker outside a region")
            i += 1
            continue
        indent, lab = m.group(1), m.group(2)
        if lab not in LABS:
            raise LabError(f"{path}:{i + 1}: no lab called {lab} (tools/labs.py)")
        begin, stub, end = i, None, None
        for j in range(i + 1, len(lines)):
            if BEGIN.match(lines[j]):
                raise LabError(f"{path}:{j + 1}: a region inside the region at line {i + 1}")
            s = STUB.match(lines[j])
            if s and stub is None:
                if s.group(2) != lab:
                    raise LabError(f"{path}:{j + 1}: stub of {s.group(2)} in a {lab} region")
                stub = j
                continue
            e = END.match(lines[j])
            if e and stub is not None:
                if e.group(1) != lab:
                    raise LabError(f"{path}:{j + 1}: end of {e.group(1)} in a {lab} region")
                end = j
                break
            if stub is not None and not STUB_LINE.match(lines[j]):
                raise LabError(f"{path}:{j + 1}: a stub line must start with ' * '")
        if stub is None or end is None:
            raise LabError(f"{path}:{i + 1}: the {lab} region has no stub or no end")
        out.append(Region(lab, indent, begin, stub, end))
        i = end + 1
    return out


def stub_lines(region, lines):
    """The stub's code, as it stands in a student tree."""
    out = [f"{region.indent}/* LAB {region.lab}: your code here "
           f"(labs/{region.lab}/README.md); until then: */"]
    for line in lines[region.stub + 1:region.end]:
        m = STUB_LINE.match(line)
        out.append(m.group(1) + m.group(2) if m.group(2) else "")
    out.append(f"{region.indent}/* LAB {region.lab}: end */")
    return out


def student_lines(path, lines, lab):
    """The lines of a file in the student tree of `lab`."""
    cut = LABS.index(lab)
    out, at = [], 0
    for r in regions(path, lines):
        out += lines[at:r.begin]
        if LABS.index(r.lab) >= cut:
            out += stub_lines(r, lines)
        else:
            out += lines[r.begin:r.end + 1]
        at = r.end + 1
    return out + lines[at:]


def tree_files(root):
    """The files of the tree at root: git's list in a checkout, else every
    file outside build/ and .git/."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root, capture_output=True,
                             check=True).stdout
        return [f for f in out.decode().split("\0") if f]
    except (subprocess.CalledProcessError, FileNotFoundError):
        files = []
        for top, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d not in ("build", ".git")]
            files += [os.path.relpath(os.path.join(top, n), root) for n in names]
        return sorted(files)


def source_files(root):
    """The C and assembly sources and headers of the tree."""
    return [f for f in tree_files(root) if f.endswith((".c", ".h", ".S"))]


def all_regions(root):
    """{path: [Region]} over the tree's sources; LabError if any is bad."""
    found = {}
    for f in source_files(root):
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fp:
            lines = fp.read().split("\n")
        rs = regions(f, lines)
        if rs:
            found[f] = rs
    return found


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if sys.argv[1:] == ["all"]:
        print(" ".join(LABS))
        return
    if sys.argv[1:] == ["later"]:
        try:
            print(" ".join(later(root)))
        except LabError as e:
            sys.exit(f"labs: {e}")
        return
    sys.exit("usage: labs.py all|later")


if __name__ == "__main__":
    main()
