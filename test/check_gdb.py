#!/usr/bin/env python3
"""check_gdb.py - the gdb kit works: tools/calf.gdb on a live kernel.

Layer: test/ (host; runs QEMU and gdb-multiarch). For each kernel given,
boots it halted with the gdb stub on a free local port (as `make debug`
does, through qemu_run.qemu_command) with `cowdemo` as the program to
run, and drives gdb in batch mode with tools/calf.gdb loaded:

  1. at fault_from_user (kernel/fault.c), a store to a copy-on-write page
     in a level-0 table that fork shares (count 2), so the VM server must
     take the reference path: bt ends cleanly in the trap entry; calf-va
     shows the COW leaf and the shared table's count; calf-pt walks the
     page table from satp; calf-ref prints the frame's count; calf-ps
     names the process; the program's symbols name its own code; QEMU's
     `monitor info mem` answers;
  2. in the VM server, fault_resolve (vm/fault.c) for that address: bt
     ends at _start (vm/start.S); at step 4 the table is the process's
     own and the frame's count is 2; with --debug-kernel (DEBUG=1, -Og)
     `info locals` in fault_resolve shows what its steps computed (f, p,
     r, page, facts, d), none <optimized out>;
  3. after `finish`: the page is writable, not COW, its frame's count 1.

Before any boot, each check runs on a sample of bad output it must
reject (a backtrace that stops in alarm, a program address named after a
VM-server function, a local optimized out, ...), so a check that could
no longer fail fails itself. Prints one line per check, "ok   NAME" or
"FAIL NAME: why", and "gdb: N passed, N failed"; exits non-zero on any
failure.

    test/check_gdb.py --kernel build/kernel.elf [--debug-kernel build/debug/kernel.elf]
"""
import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import qemu_run  # noqa: E402

GDB = os.environ.get("GDB", "gdb-multiarch")
SCRIPT = os.path.join(ROOT, "tools", "calf.gdb")
TIMEOUT = 120

# Runs inside gdb after tools/calf.gdb, whose Python functions (walk,
# refcount, ...) it shares. Prints "@@ NAME" before the output of each
# step; the host side checks the sections.
DRIVER = r'''
import gdb

def run(name, cmd):
    print("@@ " + name)
    try:
        print(gdb.execute(cmd, to_string=True), end="")
    except gdb.error as e:
        print("ERROR: %s" % e)


class SharedCowStore(gdb.Breakpoint):
    """fault_from_user for a store to a COW page whose level-0 table a
    fork shares with another space."""

    def stop(self):
        if int(gdb.parse_and_eval("scause")) != 15:
            return False
        va = int(gdb.parse_and_eval("stval"))
        with Phys():
            path = walk(va)
            if len(path) != 3:
                return False
            l1, leaf = path[1][2], path[2][2]
            return bool(leaf & PTE_V and leaf & PTE_COW and l1 & PTE_COW
                        and refcount(pte_pa(l1))[0] >= 2)


gdb.execute("calf-vmserver", to_string=True)
gdb.execute("calf-program cowdemo", to_string=True)
bp = SharedCowStore("fault_from_user", internal=True)
print("@@ continue-to-kernel")
gdb.execute("continue", to_string=True)
if bp.hit_count == 0:
    print("ERROR: no store to a shared COW page reached fault_from_user")
else:
    bp.delete()
    addr = int(gdb.parse_and_eval("stval")) & ~0xfff
    with Phys():
        root = satp_root()
    gdb.set_convenience_variable("addr", addr)
    gdb.set_convenience_variable("root", root)
    print("@@ facts\naddr 0x%x root 0x%x" % (addr, root))
    run("kernel-bt", "bt")
    run("kernel-va", "calf-va $addr")
    run("kernel-pt", "calf-pt")
    run("kernel-ref", "calf-ref $calf_pa($addr)")
    run("kernel-ps", "calf-ps")
    run("kernel-proc", "print $calf_proc()")
    run("kernel-pc-symbol", "info symbol t->ctx.sepc")
    run("kernel-monitor", "monitor info mem")

    gdb.execute("break fault_resolve if (m->mr[1] & ~0xfff) == $addr", to_string=True)
    print("@@ continue-to-vm")
    print(gdb.execute("continue", to_string=True), end="")
    run("vm-bt", "bt")
    gdb.execute("tbreak fault_cow_copy", to_string=True)
    run("vm-copy", "continue")
    run("vm-va-before", "calf-va $addr $root")
    level, frame = 0, gdb.newest_frame()
    while frame is not None and frame.name() != "fault_resolve":
        level, frame = level + 1, frame.older()
    run("vm-frame", "frame %d" % level)
    run("vm-locals", "info locals")
    # Up to fault_resolve's caller (an inlined frame takes a finish of
    # its own at -O2).
    print("@@ vm-finish")
    for _ in range(4):
        try:
            print(gdb.execute("finish", to_string=True), end="")
        except gdb.error as e:
            print("ERROR: %s" % e)
            break
        if gdb.newest_frame().name() not in ("fault_cow_copy", "fault_apply", "fault_resolve"):
            break
    print("now in " + str(gdb.newest_frame().name()))
    run("vm-va-after", "calf-va $addr $root")
print("@@ end")
'''


def sections(out):
    """{name: text} of the driver's "@@ NAME" sections."""
    found = {}
    name = None
    for line in out.splitlines():
        if line.startswith("@@ "):
            name = line[3:].strip()
            found[name] = ""
        elif name:
            found[name] += line + "\n"
    return found


# ---- the checks: each takes the sections and the facts, returns None or why ----

def bt_clean(text, last):
    """A backtrace that ends in `last`, without gdb's alarms."""
    if not text.strip():
        return "no backtrace"
    for alarm in ("Backtrace stopped", "corrupt stack", "PC not saved", "ERROR"):
        if alarm in text:
            return "backtrace says %r:\n%s" % (alarm, text)
    frames = [line for line in text.splitlines() if line.startswith("#")]
    if not frames or last not in frames[-1]:
        return "backtrace does not end in %s:\n%s" % (last, text)
    return None


def check_kernel_bt(s, f):
    text = s.get("kernel-bt", "")
    if "#0  fault_from_user" not in text:
        return "not stopped in fault_from_user:\n" + text
    return bt_clean(text, "exception_entry")


def check_kernel_va(s, f):
    lines = s.get("kernel-va", "").splitlines()
    if len(lines) != 3:
        return "expected three levels:\n" + "\n".join(lines)
    if not re.search(r"-> table 0x[0-9a-f]+ V------- shared count [2-9]", lines[1]):
        return "the level-1 entry does not show a shared table with count >= 2: " + lines[1]
    if not re.search(r"leaf 4K VR-.U.AD COW -> pa 0x[0-9a-f]+ count [1-9]", lines[2]):
        return "the leaf is not a read-only COW page with a count: " + lines[2]
    return None


def check_kernel_pt(s, f):
    text = s.get("kernel-pt", "")
    if not text.startswith("page table at 0x%x\n" % f["root"]):
        return "not the page table satp names (0x%x):\n%s" % (f["root"], text[:300])
    leaf = re.compile(r"^( \.\.){3}  *\d+: va 0x[0-9a-f]+ 4K pa 0x[0-9a-f]+ V[R-][W-][X-]U")
    leaves = [line for line in text.splitlines() if leaf.match(line)]
    m = re.search(r"^(\d+) leaves$", text, re.MULTILINE)
    if not m or int(m.group(1)) != len(leaves) or not leaves:
        return "leaf lines and the total disagree:\n" + text[-500:]
    addr = "va 0x%x 4K" % f["addr"]
    if not any(addr in line and " COW count " in line for line in leaves):
        return "the faulting page (%s) is not among the COW leaves" % addr
    if not any("VR-XU-AD" in line for line in leaves):
        return "no text page (R-X) among the leaves"
    return None


def check_kernel_ref(s, f):
    text = s.get("kernel-ref", "")
    if not re.fullmatch(r"frame 0x[0-9a-f]+000: count [1-9]\d*\n", text):
        return "calf-ref printed: " + text
    return None


def check_kernel_ps(s, f):
    text = s.get("kernel-ps", "") + "|" + s.get("kernel-proc", "")
    if not re.search(r"^\s+1\s+live\s+0x[0-9a-f]+\s+init$", text, re.MULTILINE):
        return "init is not listed:\n" + text
    if not re.search(r"0x%x\s+cowdemo  <- satp" % f["root"], text):
        return "the process satp holds is not cowdemo:\n" + text
    if not re.search(r'\|\$\d+ = "cowdemo"\n$', text):
        return "$calf_proc() is not \"cowdemo\": " + text.split("|")[-1]
    return None


def check_symbols(s, f):
    """With the VM server's and cowdemo's symbols both loaded, the
    program's pc is named after a cowdemo function."""
    text = s.get("kernel-pc-symbol", "")
    if "cowdemo.elf" not in text or "vmserver.elf" in text or re.search(r"\bvm_", text):
        return "the program's pc is named: " + text.strip()
    return None


def check_monitor(s, f):
    text = s.get("kernel-monitor", "")
    if not re.search(r"^0000000000010000 [0-9a-f]{16} [0-9a-f]{16} r-xu", text, re.MULTILINE):
        return "monitor info mem does not show the program's text:\n" + text[:400]
    return None


def check_vm_bt(s, f):
    text = s.get("vm-bt", "")
    if "#0  fault_resolve" not in text or "m=" not in text:
        return "not stopped in fault_resolve for the fault:\n" + s.get("continue-to-vm", "")
    return bt_clean(text, "_start")


def check_vm_before(s, f):
    if "fault_cow_copy" not in s.get("vm-copy", ""):
        return "fault_cow_copy was not reached:\n" + s.get("vm-copy", "")
    lines = s.get("vm-va-before", "").splitlines()
    if len(lines) != 3 or " shared" in lines[1]:
        return "the table should be the process's own now:\n" + "\n".join(lines)
    if not re.search(r"leaf 4K VR-.U.AD COW -> pa 0x[0-9a-f]+ count 2$", lines[2]):
        return "the leaf should be COW with count 2 before the copy: " + lines[2]
    return None


def check_vm_after(s, f):
    text = s.get("vm-finish", "")
    if not re.search(r"Value returned is \$\d+ = true\nnow in (serve|vm_main|vm_fault)\n$",
                     text):
        return "fault_resolve did not return true to the server loop:\n" + text
    lines = s.get("vm-va-after", "").splitlines()
    if len(lines) != 3 or not re.search(r"leaf 4K VRW.U.AD -> pa 0x[0-9a-f]+ count 1$",
                                        lines[2]):
        return "after the fault the page should be writable, its frame's count 1:\n" + \
            "\n".join(lines)
    return None


def check_locals(s, f):
    text = s.get("vm-locals", "")
    if "fault_resolve" not in s.get("vm-frame", ""):
        return "no fault_resolve frame: " + s.get("vm-frame", "")
    # What steps 1-3 computed; a local assigned only later (the apply's
    # result) may rightly have no value yet.
    values = dict(re.findall(r"^(\w+) = (.*)$", text, re.MULTILINE))
    for name in ("f", "p", "r", "page", "facts", "d"):
        if name not in values:
            return "info locals has no %s:\n%s" % (name, text)
        if "<optimized out>" in values[name]:
            return "%s is optimized out:\n%s" % (name, text)
    if not re.search(r"^page = %d$" % f["addr"], text, re.MULTILINE):
        return "page is not the faulting page:\n" + text
    return None


CHECKS = [
    ("kernel: bt from fault_from_user ends at the trap entry", check_kernel_bt),
    ("kernel: calf-va shows a COW leaf in a shared table", check_kernel_va),
    ("kernel: calf-pt walks satp's page table", check_kernel_pt),
    ("kernel: calf-ref prints a reference count", check_kernel_ref),
    ("kernel: calf-ps and $calf_proc() name the process", check_kernel_ps),
    ("kernel: a program address is named after the program", check_symbols),
    ("kernel: monitor info mem", check_monitor),
    ("vm: bt from fault_resolve ends at _start", check_vm_bt),
    ("vm: at fault_cow_copy, the table unshared, count 2", check_vm_before),
    ("vm: after finish, the page writable, count 1", check_vm_after),
]
DEBUG_CHECKS = [("vm: info locals at -Og", check_locals)]

GOOD_FACTS = {"addr": 0x3ffeffe000, "root": 0x80500000}
# (check, sections it must reject)
BAD_SAMPLES = [
    (check_kernel_bt, {"kernel-bt": "#0  fault_from_user (t=0x1)\n#1  0x1 in exception_entry ()\n"
                                    "#2  0x2 in boot_high ()\nBacktrace stopped: frame did "
                                    "not save the PC\n"}),
    (check_vm_bt, {"vm-bt": "#0  fault_resolve (m=0x7ffffea0) at vm/fault.c:75\n"
                            "#1  0x40000004 in _start ()\n#2  0x0 in ?? ()\n"
                            "Backtrace stopped: previous frame identical (corrupt stack?)\n"}),
    (check_symbols, {"kernel-pc-symbol": "vm_cmdline_init_args + 488 in section .text of "
                                         "build/user/vmserver.elf\n"}),
    (check_locals, {"vm-frame": "#2  fault_resolve (m=0x1) at vm/fault.c:117\n",
                    "vm-locals": "f = {addr = <optimized out>, access = 1}\n"
                                 "page = 274861129728\np = 0x1\nr = 0x2\n"
                                 "d = {}\nfacts = {}\n"}),
    (check_kernel_va, {"kernel-va": "L2 ... -> table 0x1 V------- count 1\n"
                                    "L1 ... -> table 0x2 V------- count 1\n"
                                    "L0 ... leaf 4K VRW-U-AD -> pa 0x3 count 1\n"}),
    (check_vm_after, {"vm-finish": "Value returned is $1 = true\nnow in serve\n",
                      "vm-va-after": "L2\nL1\nL0 ... leaf 4K VR--U-AD COW -> pa 0x3 count 2\n"}),
    (check_kernel_ref, {"kernel-ref": "frame 0x80469000: free\n"}),
]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session(kernel):
    """Boot kernel halted, run the driver in gdb; (gdb's output, console)."""
    port = free_port()
    cmd = qemu_run.qemu_command("virt", 1, "256M", kernel,
                                append="init=init -- cowdemo --poweroff",
                                gdb=True, gdb_addr="tcp:127.0.0.1:%d" % port)
    console = tempfile.TemporaryFile()
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=console,
                            stderr=subprocess.STDOUT, start_new_session=True)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as drv:
        drv.write(DRIVER)
    try:
        proc = subprocess.run([GDB, "-batch", "-nx", "-ex", "set $calf_port = %d" % port,
                               "-ex", "set pagination off", "-x", SCRIPT, "-x", drv.name,
                               kernel], capture_output=True, text=True, timeout=TIMEOUT,
                              cwd=ROOT)
        out = proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") + "\nTIMEOUT after %d s" % TIMEOUT
    except OSError as e:
        out = "cannot run %s: %s (Debian package gdb-multiarch; make deps)" % (GDB, e)
    finally:
        os.unlink(drv.name)
        if qemu.poll() is None:
            os.killpg(qemu.pid, signal.SIGKILL)
        qemu.wait()
    console.seek(0)
    return out, console.read().decode(errors="replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", action="append", default=[],
                    help="a kernel.elf (its programs in user/ beside it)")
    ap.add_argument("--debug-kernel", action="append", default=[],
                    help="a DEBUG=1 (-Og) kernel.elf: info locals is checked too")
    args = ap.parse_args()
    passed = failed = 0

    def report(name, why):
        nonlocal passed, failed
        if why is None:
            passed += 1
            print("ok   " + name)
        else:
            failed += 1
            print("FAIL %s: %s" % (name, why))

    for check, bad in BAD_SAMPLES:
        report("can fail: " + check.__name__,
               None if check(bad, GOOD_FACTS) else "accepted a bad sample")

    for kernel, checks in ([(k, CHECKS) for k in args.kernel]
                           + [(k, CHECKS + DEBUG_CHECKS) for k in args.debug_kernel]):
        label = os.path.relpath(kernel, ROOT)
        out, console = session(kernel)
        s = sections(out)
        facts = {}
        m = re.search(r"addr 0x([0-9a-f]+) root 0x([0-9a-f]+)", s.get("facts", ""))
        if "end" not in s or not m:
            report("%s: gdb session" % label, "it did not get through:\n%s\n-- console:\n%s"
                   % (out[-3000:], console[-1500:]))
            continue
        facts = {"addr": int(m.group(1), 16), "root": int(m.group(2), 16)}
        for name, check in checks:
            why = check(s, facts)
            report("%s: %s" % (label, name), why)
    print("gdb: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
