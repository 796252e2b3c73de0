#!/usr/bin/env python3
"""check_tree.py - the tree stands on its own: nothing in it cites a
document that is not in it.

Layer: test/ (host only). Reads every text file git tracks, or would
(new files not yet added, but not ignored ones); binary files and the
fuzz corpus are skipped. Fails, naming each file:line, on:

  no-external-design   a design document or fact sheet kept outside the
                       repository, by its name or by the number of an
                       entry in it. The design decisions are in
                       docs/architecture.md, the firmware, toolchain and
                       board facts in docs/porting.md: cite those, by
                       section name.
  no-issue-numbers     an issue, ticket or bug number: say what it was
                       about instead.
  no-machine-paths     an absolute path into one machine's home or work
                       folders. System paths (/usr, /etc, /dev) are fine.
  md-files-exist       a Markdown file name that no tracked file has.

Before the tree, each rule runs on a sample it must catch and one it must
let through, so a rule that could no longer fail fails itself. The
samples are put together at run time, so this file passes its own rules.

Prints one line per check, "ok   NAME" or "FAIL NAME: why", and the
closing line "N passed, N failed"; exits non-zero on any failure.
    python3 test/check_tree.py          # the repository this file is in
    python3 test/check_tree.py FILE...  # only these (paths from the top)
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP_PREFIXES = ("test/fuzz/corpus/",)

# Between two words of a phrase: spaces, line breaks, and the comment
# leaders a wrapped comment puts at the start of its next line.
GAP = r"(?:\s|\*|#|//)+"

PATTERNS = {
    "no-external-design": re.compile(
        r"\bdesign" + GAP + r"brief\b"              # the brief itself
        + r"|\bdecisions?" + GAP + r"\d+"           # its numbered entries
        + r"|\bboot[-_ ]facts\b",                   # the facts sheet
        re.IGNORECASE),
    "no-issue-numbers": re.compile(
        r"\b(?:issue|ticket|bug)s?" + GAP + r"#?\d+\b", re.IGNORECASE),
    "no-machine-paths": re.compile(
        r"(?<![\w.~$})-])/(?:work|home|Users|root)/"),
}

MD_NAME = re.compile(r"[\w./-]*\w\.md\b")

# (rule, must be caught, must pass), assembled so that this file does not
# contain them.
SAMPLES = [
    ("no-external-design", "see the design" + " brief", "the design as built"),
    ("no-external-design", "(design\n * decision" + " 7)", "the decision is the policy"),
    ("no-external-design", "decisions" + " 6 and 8", "decisions behind them"),
    ("no-external-design", "boot" + "-facts" + ".md", "the boot archive"),
    ("no-issue-numbers", "bad system calls (issue" + " 5)", "issue a fence.i"),
    ("no-issue-numbers", "fixed in issue" + " #12", "the issue with 64-bit loads"),
    ("no-machine-paths", "see /" + "work/shared/x", "/usr/lib/u-boot/qemu-riscv64_smode"),
    ("no-machine-paths", "/" + "home/someone/calf", "${XDG_CACHE_HOME:-$HOME/.cache}/calf"),
    ("md-files-exist", "see " + "notes" + ".md", "see docs/architecture.md"),
]
SAMPLE_MD_NAMES = {"architecture.md"}


def tracked_files():
    """Tracked and new unignored files, relative to ROOT; every file under
    ROOT but build/ and .git/ when this is not a git checkout."""
    try:
        out = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"],
                             check=True, capture_output=True).stdout
        return [p for p in out.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for top, dirs, names in os.walk(ROOT):
            dirs[:] = [d for d in dirs if d not in (".git", "build")]
            files += [os.path.relpath(os.path.join(top, n), ROOT) for n in names]
        return sorted(files)


def read_text(path):
    """The file's text, or None for a binary or missing file."""
    try:
        with open(os.path.join(ROOT, path), "rb") as f:
            data = f.read()
    except OSError:
        return None
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def find(rule, text, md_names):
    """[(line, matched text)] of every violation of rule in text."""
    if rule == "md-files-exist":
        return [(line_of(text, m.start()), m.group(0)) for m in MD_NAME.finditer(text)
                if os.path.basename(m.group(0)) not in md_names]
    return [(line_of(text, m.start()), " ".join(m.group(0).split()))
            for m in PATTERNS[rule].finditer(text)]


RULES = list(PATTERNS) + ["md-files-exist"]


def main():
    files = sys.argv[1:] or tracked_files()
    md_names = {os.path.basename(p) for p in tracked_files() if p.endswith(".md")}
    passed = failed = 0

    for i, (rule, bad, good) in enumerate(SAMPLES):
        name = f"rule_{rule}_sample_{i}"
        if not find(rule, bad, SAMPLE_MD_NAMES):
            failed += 1
            print(f"FAIL {name}: does not catch {bad!r}")
        elif find(rule, good, SAMPLE_MD_NAMES):
            failed += 1
            print(f"FAIL {name}: flags {good!r}")
        else:
            passed += 1
            print(f"ok   {name}")

    hits = {rule: [] for rule in RULES}
    nread = 0
    for path in files:
        if path.startswith(SKIP_PREFIXES):
            continue
        text = read_text(path)
        if text is None:
            continue
        nread += 1
        for rule in RULES:
            hits[rule] += [f"{path}:{line}: {what}" for line, what in find(rule, text, md_names)]

    if nread == 0:
        failed += 1
        print("FAIL tree_read: no text file found")
    for rule in RULES:
        if hits[rule]:
            failed += 1
            print(f"FAIL {rule}: {len(hits[rule])} in {nread} files")
            for h in hits[rule]:
                print(f"  {h}")
        else:
            passed += 1
            print(f"ok   {rule} ({nread} files)")

    print(f"check_tree: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
