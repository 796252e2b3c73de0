"""vm_cases.py - QEMU cases for the VM server's process and memory work,
as user programs see it: fork, copy-on-write, zero pages, exec, kill,
and the shell.

Layer: test/. Cases like qemu_cases.py's (each one boot with a timeout,
the console lines it must print, the exit status it must end with).
The shell cases boot with the default init, which starts `sh`, and
type at its prompt through console_feed.py, as a person at a serial
terminal would: each command followed by a carriage return, and keys as
the exact bytes a terminal sends (ESC [ A for Up, 0x03 for Ctrl-C, 0x7f
for Backspace, ...).
"""
import os
import sys

from qemu_cases import Case
from qemu_run import qemu_command

HERE = os.path.dirname(os.path.abspath(__file__))
# A fresh prompt, on a line of its own: the line editor draws its line
# again after "\r" (history, other output), which must not count as a
# prompt, or keys would go out a step early.
PROMPT = r"(?:^|\n)calf\$ "
POWEROFF_OK = r"^poweroff: requested by the VM server \(success\)"


def typed(cmd, commands):
    """cmd run under console_feed.py, typing each command at a prompt.
    A command is a string (typed, then Enter) or a list of (cue, bytes)
    pairs: the bytes (Python escapes) are sent when the cue regex shows,
    the first cue being the prompt when it is None."""
    feed = [sys.executable, os.path.join(HERE, "console_feed.py")]
    for item in commands:
        if isinstance(item, str):
            feed += ["--on", PROMPT, "--type", item]
            continue
        for cue, keys in item:
            feed += ["--on", cue or PROMPT, "--send", keys]
    return feed + ["--", *cmd]


# Every program, for `PROG --help`, in two lines (a line holds 255).
HELP_LINES = [
    "bench --help; cowdemo --help; init --help; poweroff --help; ps --help; sh --help; "
    "sparsehash --help; vmstat --help; badcalls --help; cowtest --help",
    "faulter --help; forkbomb --help; forkstress --help; ipcpeer --help; ktest --help; "
    "proctests --help; usertests --help; vmtest --help; zerotest --help",
]
PROGRAMS = " ".join(HELP_LINES).replace(" --help;", "").replace(" --help", "").split()
# A Ctrl-C of a program that never makes a system call.
CTRL_C_SPIN = [(None, r"faulter spin\r"), (r"faulter: spinning", r"\x03")]


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
        "vm: shell (help, vmstat, ps, cowdemo, a crash, a typo, Ctrl-C, poweroff)",
        typed(qemu_command("virt", 1, "256M", kernel),
              ["help", "vmstat", "ps", "cowdemo", "faulter load0", "nosuchprogram",
               CTRL_C_SPIN, "poweroff"]),
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
         r"^faulter: spinning", r"^\[interrupted\]",
         r"^poweroff: switching the machine off",
         POWEROFF_OK], timeout=120,
        # help lists the tests apart from the programs
        forbid=[r"^programs \(PROG(?:.*\n  )*?(?:ktest|faulter|vmtest) "]))
    # Everything a person at a terminal expects of the shell, with the
    # bytes the terminal sends; on one hart and on four (the shell, the
    # jobs and the VM server then run at once).
    for smp in (1, 4):
        out.append(Case(
            f"vm: shell at a terminal{' SMP=4' if smp > 1 else ''} "
            "(Ctrl-C, jobs, wait, editing, history, Tab, --help)",
            typed(qemu_command("virt", smp, "256M", kernel), [
                CTRL_C_SPIN,
                "echo $?",
                [(None, r"ipcpeer --serve\r"), (r"waiting for calls", r"\x03")],
                "faulter block-recv &",
                [(None, r"forkstress --forks 1000000\r"), (r" 10000 forks", r"\x03")],
                "jobs",
                "ps",
                # output of a background job while a line is being typed
                [(None, r"cowdemo &\rvmst"), (r"cowdemo: done", r"at\r")],
                "sparsehash & wait %2",
                [(None, r"wait %1\r"), (r"waiting for \[1\]", r"\x03")],
                "echo one", "echo two", [(None, r"\x1b[A\x1b[A\r")],
                [(None, r"echo ac\x1b[Db\x1b[Fdx\x7f\r")],
                [(None, r"cowd\t--help\r")],
                [(None, "a" * 300 + r"\r")],
                [(None, r"faulter load0\x03")],
                # Ctrl-L: the same (empty) line, drawn again on a clear screen
                [(None, r"\x0c"), (r"\x1b\[2J\rcalf\$ ", r"ps | vmstat\r")],
                "echo a; echo b",
                *HELP_LINES,
                "faulter; ipcpeer; init",
                "bench",
                "poweroff &"]),
            [r"^faulter: spinning", r"^\[interrupted\]\n(?:.*\n)*?^130$",
             r"^ipcpeer: waiting for calls(?:.*\n)+?^\[interrupted\]",
             r"^\[1\] \d+$",
             r"^\s+10000 forks(?:.*\n)+?^\[interrupted\]",
             r"^\[1\] \d+ running  faulter block-recv$",
             r"^\s+PID\s+PPID\s+STATE",
             # the line being typed is drawn again below the job's output
             # (whether the keys came before the output or during it)
             r"^cowdemo: done\n[a-z]*\rcalf\$ (?:\x1b\[K)?vmst(?:\x1b\[K)?at\r?\n",
             r"^free_frames \d+", r"^\[2\] done  cowdemo$",
             r"^sparsehash: done(?:.*\n)+?^\[2\] done  sparsehash$",
             r"^\[1\] interrupted  faulter block-recv$",
             r"^one\n(?:.*\n)+?^two\n(?:.*\n)+?^one$",
             r"^abcd$",
             r"^usage: cowdemo\n  copy-on-write",
             r"\x07", r"^sh: line too long \(more than 255 characters\): not run",
             # (Ctrl-C drops the keys typed before it that were not read yet)
             r"calf\$ f[a-z0 ]*\^C",
             r"\x1b\[H\x1b\[2J",
             r"^sh: pipes and redirection are not supported",
             r"^a\nb$",
             *[rf"^usage: {p}\b" for p in PROGRAMS],
             r"MODE is one of:\n(?:  .*\n)*  spin ",
             r"^ipcpeer: the other end of the IPC tests",
             r"^init: I am pid \d+",
             r"^bench: NOT EXACT", r"^bench: done",
             r"^poweroff: switching the machine off", POWEROFF_OK],
            timeout=60,
            forbid=[r"sh: \S*\[[A-D]", r"^sh: a+: no such program", r"^faulter: load0",
                    # a job's output never runs on from the prompt's line
                    r"calf\$ [a-z]*(?:cowdemo:|step \d)",
                    # Ctrl-C ended forkstress and the children it had
                    r"^\s+\d+\s+\d+\s+\w+\s+\d+\s+forkstress$"]))
    # What `make run BOARD=sifive_u` shows: the same shell on the SiFive
    # UART, input by interrupt through the FU540's PLIC.
    out.append(Case(
        "vm: shell on sifive_u (help, cowdemo, Ctrl-C, keys, poweroff)",
        typed(qemu_command("sifive_u", 1, "256M", kernel),
              ["help", "cowdemo", CTRL_C_SPIN, [(None, r"vmsta\x1b[A\x1b[B\t\r")],
               "poweroff"]),
        [r"^calf shell: type help", r"^builtins:\n  help ", r"^cowdemo: done",
         r"^\[interrupted\]", r"^free_frames \d+",
         r"^poweroff: switching the machine off", POWEROFF_OK], timeout=120))
    return out
