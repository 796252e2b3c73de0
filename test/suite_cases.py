"""suite_cases.py - QEMU cases that run the user-space test suites.

Layer: test/. Cases like vm_cases.py's. `usertests` (userland/tests/usertests)
runs every suite in one go - cowtest, forkstress, forkbomb, zerotest,
badcalls, proctests, ktest, vmtest, maptest, mergetest, threadtest, each
in its default (short) size - and ends with
"usertests: N passed, N failed"; every suite also checks that the free
frames are back to their count at its start. Run here on small machines
(32M, 64M: the suites size themselves from the free frames), 128M and a
large memory on virt, and on sifive_u. The long versions of the
same programs are `make stress` (test/stress.py).

The same cases run with one hart (the single-hart paths, and the
figures of `make bench`) and on virt with four, where user threads run
on every hart under the big kernel lock: once as they are, and once with
asid-bits=2, so that ASID generations roll over while other harts still
run threads under the old ones.
"""
from qemu_cases import Case
from qemu_run import qemu_command

POWEROFF_OK = r"^poweroff: requested by the VM server \(success\)"
USERTESTS_OK = [r"^usertests: \d+ passed, 0 failed",
                r"^init: usertests exited with status 0", POWEROFF_OK]


def cases(kernel):
    out = []
    for board, smp, mem in (("virt", 1, "128M"), ("virt", 1, "64M"), ("virt", 1, "32M"),
                            ("virt", 1, "2G"), ("sifive_u", 1, "512M"), ("virt", 4, "256M")):
        out.append(Case(
            f"suites: usertests on {board} SMP={smp} MEM={mem}",
            qemu_command(board, smp, mem, kernel,
                         append="init=init -- usertests --poweroff"),
            USERTESTS_OK, timeout=300))
    out.append(Case(
        "suites: usertests on virt SMP=4 MEM=256M asid-bits=2",
        qemu_command("virt", 4, "256M", kernel,
                     append="asid-bits=2 init=init -- usertests --poweroff"),
        USERTESTS_OK + [r"ASID generations rolled over: [1-9]"], timeout=300))
    # Threads of one process on the FU540's four U54 harts, the HiFive
    # Unleashed's (usertests runs threadtest on virt with one and four).
    out.append(Case(
        "suites: threadtest on sifive_u SMP=4 MEM=512M",
        qemu_command("sifive_u", 4, "512M", kernel,
                     append="init=init -- threadtest --poweroff"),
        [r"^threadtest: 4 harts", r"^threadtest: \d+ passed, 0 failed",
         r"^init: threadtest exited with status 0"], timeout=300))
    return out
