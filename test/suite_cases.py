"""suite_cases.py - QEMU cases that run the user-space test suites.

Layer: test/. Cases like vm_cases.py's. `usertests` (userland/usertests)
runs every suite in one go - cowtest, forkstress, forkbomb, zerotest,
badcalls, proctests, each in its default (short) size - and ends with
"usertests: N passed, N failed"; every suite also checks that the free
frames are back to their count at its start. Run here on the smallest
and a large memory on virt, and on sifive_u. The long versions of the
same programs are `make stress` (test/stress.py).

SMP is 1 in every case: the kernel runs user threads on one hart, so one
is the largest hart count it supports today. When it schedules on more
harts, add a case with that count (docs/testing.md says the same).
"""
from qemu_cases import Case
from qemu_run import qemu_command

POWEROFF_OK = r"^poweroff: requested by the VM server \(success\)"
USERTESTS_OK = [r"^usertests: \d+ passed, 0 failed",
                r"^init: usertests exited with status 0", POWEROFF_OK]
# The largest hart count the kernel supports (see above).
MAX_HARTS = 1


def cases(kernel):
    out = []
    for board, mem in (("virt", "128M"), ("virt", "2G"), ("sifive_u", "512M")):
        out.append(Case(
            f"suites: usertests on {board} SMP={MAX_HARTS} MEM={mem}",
            qemu_command(board, MAX_HARTS, mem, kernel,
                         append="init=init -- usertests --poweroff"),
            USERTESTS_OK, timeout=300))
    return out
