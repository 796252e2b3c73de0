"""vm_cases.py - QEMU cases for the VM server's process and memory work,
as user programs see it: fork, copy-on-write, zero pages, exec, kill,
and the shell.

Layer: test/. Cases like qemu_cases.py's (each one boot with a timeout,
the console lines it must print, the exit status it must end with).
The shell case boots with the default init, which starts `sh`, and
types commands at its prompt through console_feed.py, as a person at a
serial terminal would (each command followed by a carriage return).
"""
import os
import sys

from qemu_cases import Case
from qemu_run import qemu_command

HERE = os.path.dirname(os.path.abspath(__file__))
PROMPT = r"calf\$ "
POWEROFF_OK = r"^poweroff: requested by the VM server \(success\)"


def typed(cmd, commands):
    """cmd run under console_feed.py, typing each command at a prompt."""
    feed = [sys.executable, os.path.join(HERE, "console_feed.py")]
    for text in commands:
        feed += ["--on", PROMPT, "--type", text]
    return feed + ["--", *cmd]


def cases(kernel):
    out = []
    for board, mem in (("virt", "256M"), ("virt", "128M"), ("sifive_u", "256M")):
        out.append(Case(
            f"vm: vmtest on {board} MEM={mem}",
            qemu_command(board, 1, mem, kernel, append="init=init -- vmtest --poweroff"),
            [r"^ok   fork_costs_page_tables_only", r"^ok   cow_count_1_reuses_no_copy",
             r"^ok   calloc_big_read_uses_no_data_frame",
             r"^ok   frames_return_after_children_exit",
             r"^vm: killed pid \d+ \(vmtest\): out of memory at 0x",
             r"^ok   oom_when_unsharing_kills_the_child", r"^ok   exec_with_args",
             r"^ok   kill_blocked_status", r"^ok   fork_until_it_fails",
             r"^vmtest: \d+ passed, 0 failed", r"^init: vmtest exited with status 0",
             POWEROFF_OK], timeout=180))
    out.append(Case(
        "vm: vmtest on virt SMP=4",
        qemu_command("virt", 4, "256M", kernel, append="init=init -- vmtest --poweroff"),
        [r"^vmtest: \d+ passed, 0 failed", POWEROFF_OK], timeout=180))
    out.append(Case(
        "vm: cowdemo",
        qemu_command("virt", 1, "256M", kernel, append="init=init -- cowdemo --poweroff"),
        [r"^step 2: I fork", r"^step 3: the child writes",
         r"copies \+64, reuses \+0",          # step 3: each store copied
         r"My pages still hold 'P': yes",
         r"copies \+0, reuses \+64",          # step 5: count 1, no copy
         r"^cowdemo: done", r"^init: cowdemo exited with status 0", POWEROFF_OK],
        timeout=120))
    for mem in ("128M", "512M"):
        out.append(Case(
            f"vm: sparsehash MEM={mem}",
            qemu_command("virt", 1, mem, kernel,
                         append="init=init -- sparsehash --poweroff"),
            [r"^region: \d+ MiB at", r"^inserted 2000 keys: \d+ zero fills",
             r"\(2000 found\) and 2000 absent ones \(2000 not found\)",
             r"^frames used: \d+ of the region's \d+ pages",
             r"^sparsehash: done", r"^init: sparsehash exited with status 0",
             POWEROFF_OK], timeout=120))
    # The shell: the default init (nothing on the command line) starts
    # it; a person types at the prompt.
    out.append(Case(
        "vm: shell (help, vmstat, ps, cowdemo, a crash, a typo, poweroff)",
        typed(qemu_command("virt", 1, "256M", kernel),
              ["help", "vmstat", "ps", "cowdemo", "faulter load0", "nosuchprogram",
               "poweroff"]),
        [r"^calf shell: type help",
         r"^builtins:\n  help ",
         r"^programs \(PROG --help for its arguments\):\n  bench ",
         r"^  cowdemo +copy-on-write fork", r"^  vmstat +the VM server's counters",
         r"^tests and their helpers:\n  badcalls ",
         r"^  ktest +the kernel's tests", r"^  faulter +does one forbidden thing",
         r"^free_frames \d+", r"^total_frames \d+", r"^cow_copies \d+",
         r"^cow_reuses \d+",
         r"^\s+PID\s+PPID\s+STATE\s+RESIDENT\s+NAME",
         r"^\s+1\s+0\s+wait\s+\d+\s+init",
         r"^\s+\d+\s+1\s+wait\s+\d+\s+sh",
         r"^\s+\d+\s+\d+\s+run\s+\d+\s+ps",
         r"^cowdemo: done",
         r"^\[killed: 139\]",
         r"^sh: nosuchprogram: no such program",
         r"^\[exit 127\]",
         r"^poweroff: switching the machine off",
         POWEROFF_OK], timeout=120,
        # help lists the tests apart from the programs
        forbid=[r"^programs \(PROG(?:.*\n  )*?(?:ktest|faulter|vmtest) "]))
    # What `make run BOARD=sifive_u` shows: the same shell on the SiFive
    # UART, input by interrupt through the FU540's PLIC.
    out.append(Case(
        "vm: shell on sifive_u (help, cowdemo, poweroff)",
        typed(qemu_command("sifive_u", 1, "256M", kernel), ["help", "cowdemo", "poweroff"]),
        [r"^calf shell: type help", r"^builtins:\n  help ", r"^cowdemo: done",
         r"^poweroff: switching the machine off", POWEROFF_OK], timeout=120))
    return out
