"""qemu_cases.py - the QEMU integration cases: what boots, and what it must say.

Layer: test/. Each case is one QEMU boot with a timeout, the console lines
it must print, and the exit status it must end with. Every run ends by
itself: `stop-after-boot` on the command line makes the kernel power off
once its own boot is done, and init's `--poweroff` argument powers off
after the programs it ran.
"""
import os
import re
import subprocess
import sys

from qemu_run import qemu_command

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(os.path.dirname(HERE), "build", "test")


class Case:
    """One QEMU run: the console must match every regex of expect and
    none of forbid (what a wrong run would print), and QEMU end with
    status. `check`, if given, is called with the whole console output
    of a run that passed the other tests, and returns None or why the
    output is wrong (for what a line-by-line regex cannot say: numbers
    that must agree between two lines, say)."""

    def __init__(self, name, cmd, expect, status=0, timeout=60,
                 panic_expected=False, check=None, forbid=()):
        self.name = name
        self.panic_expected = panic_expected
        self.cmd = cmd
        self.expect = expect
        self.forbid = forbid
        self.status = status
        self.timeout = timeout
        self.check = check


BOOT_OK = [r"^calf: RISC-V Sv39 microkernel", r"^timer: 3 ticks received",
           r"^poweroff: boot complete"]
POWEROFF_OK = r"^poweroff: requested by the VM server \(success\)"


def one_banner(output):
    """A kernel that boots twice (a second hart through the image
    entry) prints its banner twice; judged on the whole output."""
    n = len(re.findall(r"^calf: RISC-V Sv39 microkernel", output, re.MULTILINE))
    return None if n == 1 else f"{n} boot banners, expected 1"


def mib(mem):
    return int(mem[:-1]) * (1024 if mem.endswith("G") else 1)


def broken_dtb(name, edit):
    """A virt DTB with a piece removed, made with QEMU's dump and fdtput."""
    os.makedirs(BUILD, exist_ok=True)
    path = os.path.join(BUILD, f"virt-{name}.dtb")
    subprocess.run(["qemu-system-riscv64", "-M", f"virt,dumpdtb={path}",
                    "-m", "256M", "-display", "none"],
                   check=True, capture_output=True)
    for args in edit:
        subprocess.run(["fdtput", path, *args], check=True)
    return path


def cases(kernel):
    out = []
    for mem in ("128M", "512M", "2G"):
        out.append(Case(
            f"boot virt MEM={mem}",
            qemu_command("virt", 1, mem, kernel, append="stop-after-boot"),
            BOOT_OK + [rf"^  RAM      {mib(mem)} MiB at 0x80000000",
                       r"^  console  ns16550a at 0x10000000",
                       r"^  harts    1 usable"]))
    out.append(Case(
        "boot virt SMP=4",
        qemu_command("virt", 4, "256M", kernel, append="stop-after-boot"),
        BOOT_OK + [r"^  harts    4 usable \(4 in the device tree\)"]))
    # More harts than the old limit of 8: every one is counted and used.
    out.append(Case(
        "boot virt SMP=16: cowtest on 16 harts",
        qemu_command("virt", 16, "256M", kernel, append="init=init -- cowtest --poweroff"),
        [r"^  harts    16 usable \(16 in the device tree\)$", r"^cowtest: \d+ passed, 0 failed",
         r"^init: cowtest exited with status 0", POWEROFF_OK],
        forbid=[r"^smp: .*(did not start|parked)"], timeout=120))
    # The boot lottery (platform/lottery.h): lottery-test= sends a hart
    # to the image entry while cowtest runs, with the device tree in a1,
    # as a firmware that raced would. It must join as a secondary (or,
    # shut out, park) and the kernel must not boot again on it.
    lottery = {
        "join": [r"^smp: hart \d came in at the image entry unasked: joined as a secondary",
                 r"^lottery-test: hart \d runs as a secondary: online, \d+ ticks"],
        "park": [r"^lottery-test: hart \d waits at the image entry: parked"],
    }
    for mode, lines in lottery.items():
        out.append(Case(
            f"boot lottery: a hart sent to the image entry {mode}s (virt SMP=4)",
            qemu_command("virt", 4, "256M", kernel,
                         append=f"lottery-test={mode} init=init -- cowtest --poweroff"),
            [r"^lottery-test: hart \d sent to the image entry 0x80200000, a1 = 0x8fe00000"]
            + lines + [r"^cowtest: \d+ passed, 0 failed", r"^init: cowtest exited with status 0",
                       POWEROFF_OK],
            forbid=[r"^lottery-test: hart \d did not", r"joined as a secondary" if mode == "park"
                    else r"waits at the image entry"],
            check=one_banner, timeout=120))
    out.append(Case(
        "boot sifive_u",
        qemu_command("sifive_u", 1, "512M", kernel, append="stop-after-boot"),
        BOOT_OK + [r"^  console  sifive,uart0 at 0x10010000",
                   r"^  harts    1 usable \(2 in the device tree\)",
                   r"^  timebase 1000000 Hz"]))
    # `make run MEM=4M`: calf's own refusal, before QEMU starts (QEMU
    # would say "ROM regions are overlapping"); and the least it takes.
    out.append(Case(
        "boot: MEM=4M is refused before QEMU starts",
        [sys.executable, os.path.join(HERE, "qemu_run.py"), "--mem", "4M",
         "--kernel", kernel, "--interactive"],
        [r"^qemu_run: MEM=4M is too little: calf needs at least 8 MiB of RAM"],
        status=1, timeout=20,
        forbid=[r"ROM regions", r"OpenSBI v\d"]))
    # `make run BOARD=icicle` without the make defaults: calf's words,
    # not QEMU's ("Unable to load the RISC-V firmware hss.bin").
    out.append(Case(
        "boot: icicle without a device tree is refused before QEMU starts",
        [sys.executable, os.path.join(HERE, "qemu_run.py"), "--board", "icicle", "--mem", "3G",
         "--kernel", kernel, "--interactive"],
        [r"^qemu_run: QEMU's microchip-icicle-kit builds no device tree: give the board's"],
        status=1, timeout=20, forbid=[r"hss\.bin", r"OpenSBI v\d"]))
    out.append(Case(
        "boot virt MEM=8M (the least: cowdemo runs)",
        qemu_command("virt", 1, "8M", kernel, append="init=init -- cowdemo --poweroff"),
        [r"^  RAM      8 MiB at 0x80000000", r"^cowdemo: done",
         r"^init: cowdemo exited with status 0",
         r"^poweroff: requested by the VM server \(success\)"]))
    out.append(Case(
        "bad dtb: no memory node",
        qemu_command("virt", 1, "256M", kernel, append="stop-after-boot",
                     dtb=broken_dtb("no-memory", [["-r", "/memory@80000000"]])),
        [r"boot: the device tree has no memory node",
         r"boot: cannot continue, powering off"]))
    # User space: the VM server starts init, which runs ktest (syscalls,
    # bad arguments and pointers, IPC between address spaces, pager
    # mapping and killing) and powers off.
    for board, smp in (("virt", 1), ("sifive_u", 1), ("virt", 4), ("sifive_u", 4)):
        out.append(Case(
            f"ktest on {board}" + (f" SMP={smp}" if smp > 1 else ""),
            qemu_command(board, smp, "256M", kernel, append="init=init -- ktest --poweroff"),
            [r"^ktest: \d+ passed, 0 failed", r"^init: ktest exited with status 0",
             r"^poweroff: requested by the VM server \(success\)"], timeout=120))
    # Only 3 usable ASIDs: every few address-space switches start a new
    # generation (a full flush), and everything must still work.
    out.append(Case(
        "ktest with asid-bits=2 (ASID generation roll-overs)",
        qemu_command("virt", 1, "256M", kernel,
                     append="asid-bits=2 init=init -- ktest --poweroff"),
        [r"^  paging   Sv39, 2 ASID bits", r"^ktest: \d+ passed, 0 failed",
         r"ASID generations rolled over: [1-9]"], timeout=120))
    # The only UART is disabled: OpenSBI still drives it (it follows
    # stdout-path whatever the status), so the kernel's complaint is seen
    # on the firmware's console.
    out.append(Case(
        "bad dtb: no usable UART",
        qemu_command("virt", 1, "256M", kernel, append="stop-after-boot",
                     dtb=broken_dtb("no-uart", [["-t", "s", "/soc/serial@10000000",
                                                 "status", "disabled"]])),
        [r"boot: the device tree names no usable UART",
         r"boot: cannot continue, powering off"]))
    # Faults on purpose: the panic report names the cause, and the
    # kernel's own mappings enforce W^X.
    crashes = {
        "load": (r"0x000000000000000d \(load page fault\)", r"stval  0x0000000000000000"),
        "store-text": (r"0x000000000000000f \(store/AMO page fault\)", r"stval  0xffffffff802"),
        "exec-data": (r"0x000000000000000c \(instruction page fault\)", r"sepc   0xffffffff802"),
    }
    for kind, (cause, where) in crashes.items():
        out.append(Case(
            f"panic report: crash={kind}",
            qemu_command("virt", 1, "128M", kernel, append=f"crash={kind}"),
            [r"^panic: unexpected trap in the kernel on hart 0", r"^  scause " + cause,
             "^  " + where, r"^  ra   0x", r"^  t6   0x", r"^kernel panic: powering off"],
            panic_expected=True))
    # A kind it does not know: said, and the boot goes on.
    out.append(Case(
        "panic report: crash=bogus is refused, the boot goes on",
        qemu_command("virt", 1, "128M", kernel, append="crash=bogus init=init -- poweroff"),
        [r"^crash: unknown kind \"bogus\" \(load, store-text or exec-data\): no crash",
         POWEROFF_OK], forbid=[r"^panic"]))
    return out
