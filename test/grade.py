#!/usr/bin/env python3
"""grade.py - grade a lab: `make grade LAB=cow`.

Layer: test/. Boots the kernel in QEMU (virt, one hart - four for the
smp lab - and 128 MiB: small enough that only real copy-on-write forks
half of memory; --smp and --mem, which `make grade SMP=2 MEM=256M`
passes, change them), runs each
graded test of the lab with a timeout, and prints one line per test with
its points, then "Score: N/M". Exit status 0 only at full marks.

Below a test that scores less than its points come the reasons, from
the console of its run: the FAIL lines of its checks (or of the suite),
the checks that printed nothing, the VM server's and the kernel's
complaints (a lab's stub not written, a process killed, a panic), a
missing line, a timeout. -v (`make grade VERBOSE=1`) prints the whole
console of every run as well.

A graded test is a set of check names that `labtest LAB`
(userland/tests/labtest) must print as "ok", or lines a program must
print (a suite's closing line, a demo's count). The labs and their order
are in tools/labs.py; the handouts in labs/<lab>/README.md say what each
test checks.
"""
import argparse
import shlex
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools"))
import labs  # noqa: E402
import qemu_run  # noqa: E402

MEM = "128M"
TIMEOUT = 120
POWEROFF = r"^poweroff: requested by the VM server"


class Test:
    """name, points, the program run (init's words: "labtest,cow"), and
    what its output must hold: labtest checks that must be "ok", and
    lines (regexes)."""

    def __init__(self, name, points, program, ok=(), lines=()):
        self.name, self.points, self.program = name, points, program
        self.ok, self.lines = list(ok), list(lines)


def suite(name, points, program):
    return Test(f"{program} passes", points, program,
                lines=[rf"^{program}: \d+ passed, 0 failed"])


TESTS = {
    "pgtbl": [
        Test("the walk lists tables and leaves, in pre-order", 30, "labtest,pgtbl",
             ok=["pgtbl_walk_ends", "pgtbl_walk_finds_tables_and_leaves",
                 "pgtbl_pre_order_and_aligned"]),
        Test("each entry is well formed (tables V only, leaves U)", 20, "labtest,pgtbl",
             ok=["pgtbl_entries_well_formed"]),
        Test("the leaves are the resident pages ps counts", 20, "labtest,pgtbl",
             ok=["pgtbl_leaves_are_the_resident_pages"]),
        Test("stored pages listed, an untouched one not", 20, "labtest,pgtbl",
             ok=["pgtbl_stored_page_listed", "pgtbl_untouched_page_not_listed",
                 "pgtbl_last_page_listed", "pgtbl_its_table_listed"]),
        Test("vmmap -v prints the tree", 10, "vmmap,-v",
             lines=[r"^ \.\. \.\. \.\.16 0x0000010000: pte 0x[0-9a-f]+ pa 0x[0-9a-f]+ V R X U A D",
                    r"^\d+ entries"]),
    ],
    "zero": [
        Test("untouched memory reads zero and costs no frame", 40, "labtest,zero",
             ok=["zero_untouched_memory_reads_zero", "zero_reads_cost_no_frames",
                 "zero_read_pages_map_the_zero_frame_read_only"]),
        Test("the first store takes one zeroed frame", 30, "labtest,zero",
             ok=["zero_first_store_takes_one_frame", "zero_stored_page_has_a_frame_of_its_own",
                 "zero_other_pages_still_zero", "free_frames_back_to_start"]),
        suite("zerotest", 20, "zerotest"),
        Test("sparsehash's lookups of untouched pages take no frame", 10, "sparsehash",
             lines=[r"^  [1-9]\d* reads of untouched pages mapped the zero frame, 0 frames used",
                    r"^sparsehash: done"]),
    ],
    "cow": [
        Test("fork of more than half of memory", 30, "labtest,cow",
             ok=["cow_fill_more_than_half_of_memory", "cow_fork_of_more_than_half_of_memory",
                 "cow_fork_copies_no_pages"]),
        Test("a store copies the page; each sees its own", 30, "labtest,cow",
             ok=["cow_child_store", "cow_store_copied_the_page", "cow_child_store_2",
                 "cow_each_sees_only_its_own_stores", "free_frames_back_to_start"]),
        suite("cowtest", 25, "cowtest"),
        suite("forkstress", 15, "forkstress"),
    ],
    "reuse": [
        Test("a store to a page nobody else maps copies nothing", 50, "labtest,reuse",
             ok=["reuse_no_copy_when_count_is_1", "reuse_every_store_reused",
                 "reuse_no_frame_taken"]),
        Test("a shared page is still copied", 20, "labtest,reuse",
             ok=["reuse_shared_page_still_copied"]),
        Test("the data and the frames are right", 10, "labtest,reuse",
             ok=["reuse_data_kept", "free_frames_back_to_start"]),
        Test("cowdemo's last step reuses all 64 pages", 20, "cowdemo",
             lines=[r"copies \+0, reuses \+64", r"^cowdemo: done"]),
    ],
    "sharedpt": [
        Test("fork of 16 MiB costs a few page tables", 30, "labtest,sharedpt",
             ok=["sharedpt_fork_of_16m_costs_a_few_tables"]),
        Test("parent and child share the level-0 table", 20, "labtest,sharedpt",
             ok=["sharedpt_child_shares_the_table", "sharedpt_leaves_keep_count_1"]),
        Test("the first store copies the table", 25, "labtest,sharedpt",
             ok=["sharedpt_child_store", "sharedpt_store_copied_one_table",
                 "sharedpt_child_table_its_own", "sharedpt_frames_now_counted_twice",
                 "sharedpt_parent_data_kept"]),
        Test("munmap over shared tables; every frame back", 10, "labtest,sharedpt",
             ok=["sharedpt_munmap_over_shared_tables", "sharedpt_child_store_after_munmap",
                 "sharedpt_parent_data_after_munmap", "free_frames_back_to_start"]),
        suite("maptest", 15, "maptest"),
    ],
    "smp": [
        Test("four harts", 10, "labtest,smp", ok=["smp_four_harts"]),
        Test("each child of a fork sees a snapshot", 50, "labtest,smp",
             ok=["smp_child_sees_a_snapshot"]),
        Test("threads counting while forks happen lose no store", 40, "labtest,smp",
             ok=["smp_no_own_store_lost", "smp_no_shared_store_lost",
                 "free_frames_back_to_start"]),
    ],
}
# Harts a lab is graded on (1 unless it says otherwise): smp is about
# threads on several harts.
HARTS = {"smp": 4}
assert list(TESTS) == labs.LABS and all(sum(t.points for t in TESTS[lab]) == 100
                                        for lab in labs.LABS)


def run_program(kernel, program, cache, smp=1, mem=MEM, verbose=False):
    """The console output of one boot that runs `program`, once per
    grading (several tests read the same run). verbose: print it whole,
    the first time."""
    if program not in cache:
        cmd = qemu_run.qemu_command("virt", smp, mem, kernel,
                                    append=f"init=init -- {program} --poweroff")
        res = qemu_run.run(cmd, TIMEOUT, [POWEROFF], expect_status=None)
        cache[program] = res.output if res.ok else res.output + f"\n(grade: {res.reason})"
        if verbose:
            shown = program.replace(",", " ")
            print(f"---- the console of `{shown}` ({shlex.join(cmd)})")
            print(cache[program].rstrip("\n"))
            print(f"---- end of `{shown}`")
    return cache[program]


def passed(test, output):
    return not why_failed(test, output)


# Lines of a run that say why a check failed, whichever test it is: a
# lab's stub reached (vm/lab.c), a process the VM server killed, a
# kernel panic, the grader's own note (a timeout, no power-off).
COMPLAINTS = re.compile(r"^(vm: lab \w+: .*|vm: killed .*|panic.*|\(grade: .*\))$", re.M)
MAX_REASONS = 12


def why_failed(test, output):
    """The lines that say why `test` failed on `output` ([] if it
    passed): its checks' FAIL lines, checks that printed no line at all,
    missing lines, and, for a program that is not labtest (a suite),
    every FAIL line it printed; then the run's complaints."""
    why = []
    for name in test.ok:
        if re.search(rf"^ok   {re.escape(name)}\s*$", output, re.M):
            continue
        fails = re.findall(rf"^FAIL {re.escape(name)}\b.*$", output, re.M)
        why += fails or [f"no ok or FAIL line for {name}: skipped after an earlier failure, "
                         f"or the run stopped"]
    missing = [line for line in test.lines if not re.search(line, output, re.M)]
    if not why and not missing:
        return []
    if not test.program.startswith("labtest,"):
        why += re.findall(r"^FAIL .*$", output, re.M)
    why += [f"no line like {line}" for line in missing]
    for c in COMPLAINTS.findall(output):
        if c not in why:
            why.append(c)
    return why


def grade(lab, kernel, quiet=False, smp=None, mem=MEM, verbose=False):
    """(score, full) for one lab, on `smp` harts (None: the lab's own,
    HARTS); prints a line per test unless quiet, and under a test that
    lost points, why."""
    cache, score, full = {}, 0, 0
    smp = smp or HARTS.get(lab, 1)
    for t in TESTS[lab]:
        output = run_program(kernel, t.program, cache, smp, mem, verbose and not quiet)
        why = why_failed(t, output)
        got = 0 if why else t.points
        score += got
        full += t.points
        if quiet:
            continue
        print(f"{lab + ':':<10} {t.name} {'.' * max(2, 56 - len(t.name))} {got}/{t.points}")
        for line in why[:MAX_REASONS]:
            print(f"{'':<11}{line}")
        if len(why) > MAX_REASONS:
            print(f"{'':<11}... {len(why) - MAX_REASONS} more (make grade VERBOSE=1 shows "
                  f"the whole console)")
    if not quiet:
        print(f"Score: {score}/{full}")
    return score, full


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lab", help="one of " + " ".join(labs.LABS) +
                    " (default: this tree's, or every lab)")
    ap.add_argument("--kernel", default="build/kernel.elf")
    ap.add_argument("--smp", type=int, help="harts (default 1; the smp lab 4)")
    ap.add_argument("--mem", default=MEM, help=f"RAM, as QEMU's -m takes it (default {MEM})")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the whole console of every run too")
    args = ap.parse_args()
    try:
        lab = args.lab or labs.tree_lab(os.path.dirname(HERE))
    except labs.LabError as e:
        sys.exit(f"grade: {e}")
    if lab and lab not in labs.LABS:
        sys.exit(f"grade: no lab called {lab}; the labs: {' '.join(labs.LABS)}")
    if args.smp or args.mem != MEM:
        harts = args.smp or "the lab's"
        print(f"grade: on {harts} hart{'s' if harts != 1 else ''} with {args.mem} "
              f"(a class is graded with {MEM}, on 1 hart; smp on {HARTS['smp']})")
    every_full = True
    for one in [lab] if lab else labs.LABS:
        score, full = grade(one, args.kernel, smp=args.smp, mem=args.mem,
                            verbose=args.verbose)
        every_full &= score == full
    sys.exit(0 if every_full else 1)


if __name__ == "__main__":
    main()
