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
import re
import sys

from qemu_cases import Case, broken_dtb
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


def program_names():
    """Every program of the boot archive: a folder of userland/ or of
    userland/tests/ with C or assembly in it (mk/userland.mk)."""
    names = []
    for base in ("userland", os.path.join("userland", "tests")):
        folder = os.path.join(os.path.dirname(HERE), base)
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if (name not in ("lib", "tests") and os.path.isdir(path)
                    and any(f.endswith((".c", ".S")) for f in os.listdir(path))):
                names.append(name)
    return names


# Every program, for `PROG --help`: a few to a line (a line holds 255).
PROGRAMS = program_names()
HELP_LINES = []
for _name in PROGRAMS:
    if HELP_LINES and len(HELP_LINES[-1]) + len(_name) + 9 < 200:
        HELP_LINES[-1] += f"; {_name} --help"
    else:
        HELP_LINES.append(f"{_name} --help")
# A Ctrl-C of a program that never makes a system call.
CTRL_C_SPIN = [(None, r"faulter spin\r"), (r"faulter: spinning", r"\x03")]
def vmstat_agrees_with_cowdemo(output):
    """vmstat -d cowdemo: its deltas are cowdemo's own totals."""
    own = re.search(r"^cowdemo: in all, copies (\d+), reuses (\d+), zero fills (\d+), "
                    r"forks (\d+)", output, re.M)
    if not own:
        return "cowdemo printed no totals"
    for name, want in zip(("cow_copies", "cow_reuses", "forks"),
                          (own.group(1), own.group(2), own.group(4))):
        got = re.search(rf"^{name}\s+\+(\d+)", output, re.M)
        if not got or got.group(1) != want:
            return f"vmstat -d says {name} {got.group(1) if got else 'unchanged'}, cowdemo {want}"
    return None


def ps_agrees_with_vmmap(output):
    """Every process vmmap -s summed up has, in ps, as many resident pages."""
    ps = {int(pid): int(res) for pid, res in
          re.findall(r"^\s+(\d+)\s+\d+\s+\w+\s+(\d+)\s+\S+$", output, re.M)}
    seen = re.findall(r"^vmmap: pid (\d+) .*\n(?:.*\n)*?^resident (\d+) pages", output, re.M)
    if len(seen) < 2:
        return "vmmap -s printed fewer than two summaries"
    for pid, res in seen:
        if int(pid) not in ps:
            return f"ps did not list pid {pid}"
        if ps[int(pid)] != int(res):
            return f"pid {pid}: ps says {ps[int(pid)]} resident pages, vmmap {res}"
    return None


# maptest --trace: the decisions for pages A and B, in this order.
TRACE_WANT = [("A", "store", "zero fill"), ("B", "load", "zero map"),
              ("B", "store", r"zero fill \(over the zero frame\)"),
              ("A", "store", "table copy, COW copy"), ("B", "store", "COW reuse")]


def trace_as_expected(output):
    """The trace lines of maptest's pages are exactly TRACE_WANT."""
    pages = re.search(r"trace demo on pages A (0x[0-9a-f]+) and B (0x[0-9a-f]+)", output)
    if not pages:
        return "maptest printed no page addresses"
    addr = {"A": pages.group(1), "B": pages.group(2)}
    got = re.findall(r"^trace \d+: pid \d+ maptest (\w+) (0x[0-9a-f]+) pc 0x[0-9a-f]+: (.*)$",
                     output, re.M)
    mine = [(a, d.strip()) for a, d in [(f"{acc} {va}", dec) for acc, va, dec in got]
            if a.split()[1] in addr.values()]
    want = [(f"{acc} {addr[page]}", dec) for page, acc, dec in TRACE_WANT]
    if len(mine) != len(want) or not all(
            g[0] == w[0] and re.fullmatch(w[1], g[1]) for g, w in zip(mine, want)):
        return f"trace of pages A and B was {mine}, want {want}"
    return None


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
    # Seeing memory: vmmap, vmstat -d, the fault trace.
    for board in ("virt", "sifive_u"):
        out.append(Case(
            f"vm: vmmap of a forked pair before and after a store on {board} (cowdemo --vmmap)",
            qemu_command(board, 1, "256M", kernel,
                         append="init=init -- cowdemo,--vmmap --poweroff"),
            [r"^vmmap: pid \d+ \(cowdemo\)",
             # after the fork: the child's 256 pages through the shared table
             r"256 pages  shared through a page table shared by 2, copy-on-write",
             r"page tables \(2 shared\)",
             # after its 64 stores: those private, the rest shared, count 2
             r"64 pages  private$", r"192 pages  shared, count 2, copy-on-write",
             # the parent at the end: all its own again
             r"192 pages  private, copy-on-write \(count 1: a store reuses it\)",
             r"^cowdemo: done", POWEROFF_OK], timeout=120))
    out.append(Case(
        "vm: vmmap -s of sparsehash (zero-frame runs)",
        qemu_command("virt", 1, "128M", kernel,
                     append="init=init -- sparsehash,--vmmap --poweroff"),
        [r"^vmmap: pid \d+ \(sparsehash\)",
         r"^  mmap region .* rw-  [1-9]\d* private, 0 shared, [1-9]\d* zero frame, "
         r"[1-9]\d* not present",
         r"^sparsehash: done", POWEROFF_OK], timeout=120))
    # ps on something that runs long enough to be seen: cowdemo's child
    # pauses after the fork; ps's RESIDENT column must be vmmap's totals,
    # for the child and for its parent (pids 5 and 4: init 1, merged 2,
    # the shell 3).
    out.append(Case(
        "vm: ps agrees with vmmap (cowdemo --pause in the background)",
        typed(qemu_command("virt", 1, "256M", kernel), [
            [(None, r"cowdemo --pause 4 &\r"), (r"pausing 4 s", r"ps\r")],
            "vmmap -s 5", "vmmap -s 4", "wait", "poweroff"]),
        [r"^\[1\] 4$", r"^\s+PID\s+PPID\s+STATE\s+RESIDENT\s+NAME",
         r"^\s+5\s+4\s+\w+\s+\d+\s+cowdemo$", r"^cowdemo: done",
         r"^poweroff: switching the machine off", POWEROFF_OK],
        timeout=120, check=ps_agrees_with_vmmap))
    # kill %N ends the job and what it started (cowdemo's child, paused
    # after the fork); kill PID would end the one process.
    out.append(Case(
        "vm: kill %1 ends the job and what it started",
        typed(qemu_command("virt", 1, "256M", kernel), [
            [(None, r"cowdemo --pause 30 &\r"), (r"pausing 30 s", r"kill %1\r")],
            "ps", "poweroff"]),
        [r"^\[1\] 4$", r"^\[1\] killed: 137  cowdemo --pause 30$",
         r"^\s+PID\s+PPID\s+STATE", r"^poweroff: switching the machine off", POWEROFF_OK],
        forbid=[r"^\s+\d+\s+\d+\s+(?:run|wait)\s+\d+\s+cowdemo$", r"^cowdemo: done"],
        timeout=60))
    out.append(Case(
        "vm: vmstat -d cowdemo agrees with cowdemo's own count",
        qemu_command("virt", 1, "256M", kernel,
                     append="init=init -- vmstat,-d,cowdemo --poweroff"),
        [r"^cowdemo: done", r"^vmstat: cowdemo exited with status 0",
         r"^init: vmstat exited with status 0", POWEROFF_OK],
        timeout=120, check=vmstat_agrees_with_cowdemo))
    out.append(Case(
        "vm: the fault trace holds back a flood (trace on, sparsehash)",
        qemu_command("virt", 1, "128M", kernel,
                     append="init=init -- trace,on sparsehash trace,off --poweroff"),
        [r"^trace: on, for every process",
         r"^trace \d+: pid \d+ sparsehash store 0x[0-9a-f]+ pc 0x[0-9a-f]+: zero fill",
         r"^trace: \d+ faults not shown \(at most 64 lines a second\)",
         r"^sparsehash: done", r"^trace: off", POWEROFF_OK], timeout=120))
    out.append(Case(
        "vm: cowdemo --trace shows every fault of its steps",
        qemu_command("virt", 1, "256M", kernel,
                     append="init=init -- cowdemo,--trace --poweroff"),
        [r"^trace 1: pid \d+ cowdemo store 0x[0-9a-f]+ pc 0x[0-9a-f]+: zero fill",
         r"^trace \d+: pid \d+ cowdemo store 0x1000000010 pc 0x[0-9a-f]+: table copy, COW copy",
         r"^trace \d+: pid \d+ cowdemo store 0x1000003010 pc 0x[0-9a-f]+: COW reuse",
         r"^cowdemo: done", POWEROFF_OK], timeout=120))
    for board in ("virt", "sifive_u"):
        out.append(Case(
            f"vm: the fault trace of a fork and stores on {board} (maptest --trace)",
            qemu_command(board, 1, "256M", kernel,
                         append="init=init -- maptest,--trace --poweroff"),
            [r"^maptest: trace demo done", r"^init: maptest exited with status 0",
             POWEROFF_OK], timeout=120, check=trace_as_expected))
    # Same-page merging: the demo scanning itself, and the daemon init
    # starts with the shell, switched on at the prompt.
    out.append(Case(
        "vm: mergedemo (same-page merging)",
        qemu_command("virt", 1, "256M", kernel, append="init=init -- mergedemo --poweroff"),
        [r"^      192 pages merged; free frames \d+ -> \d+ \(\+1(8|9)\d\)",
         r"^      frames holding merged contents 64, mappings they save 192",
         r"others their old contents: yes", r"^mergedemo: done", POWEROFF_OK],
        timeout=120))
    out.append(Case(
        "vm: the merged daemon (merged on, mergedemo --daemon)",
        typed(qemu_command("virt", 1, "256M", kernel),
              ["mergedemo --daemon", "merged on", "mergedemo --daemon", "merged status",
               "poweroff"]),
        [r"^mergedemo: merging is off: type `merged on` first",
         r"^merged: merging is on",
         r"^step 2: the merged daemon scans in the background",
         r"^mergedemo: done",
         r"^  pages merged 192 \(0 of them into the zero frame\)",
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
                # Ctrl-C once the line is on the screen (read by the
                # editor: keys not read yet when it comes are dropped)
                [(None, r"faulter load0"), (r"faulter load0", r"\x03")],
                # Ctrl-L: the same (empty) line, drawn again on a clear screen
                [(None, r"\x0c"), (r"\x1b\[2J\rcalf\$ ", r"ps | vmstat\r")],
                "echo a; echo b",
                "cd /",
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
             r"^usage: cowdemo\b.*\n  copy-on-write",
             r"\x07", r"^sh: line too long \(more than 255 characters\): not run",
             r"calf\$ (?:\x1b\[K)?faulter load0\^C",
             r"\x1b\[H\x1b\[2J",
             r"^sh: pipes and redirection are not supported",
             r"^a\nb$",
             r"^sh: cd: calf has no files, so no directories either",
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
    # A tree that names the wrong interrupt for the UART (11; QEMU raises
    # 10): no receive interrupt ever comes, and typed input must still
    # work, by polling from the idle loop, which says so once.
    out.append(Case(
        "vm: shell on virt, wrong UART interrupt in the tree (polling fallback)",
        typed(qemu_command("virt", 1, "256M", kernel,
                           dtb=broken_dtb("uart-irq-11", [["-t", "i", "/soc/serial@10000000",
                                                           "interrupts", "11"]])),
              ["help", "poweroff"]),
        [r"^console: no receive interrupt from the UART \(PLIC source 11, as the device "
         r"tree says\) although a byte waited: input by polling on each idle tick from now on",
         r"^builtins:\n  help ", r"^poweroff: switching the machine off", POWEROFF_OK],
        timeout=60))
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
