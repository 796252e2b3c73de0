"""tree_cases.py - QEMU boots with real boards' device trees.

Layer: test/. QEMU models no FU740, and its FU540 and PolarFire models
build device trees of their own; a real board's firmware passes the
board's tree instead. These cases give OpenSBI (and so the kernel) the
trees a board really has, kept in test/fixtures/ (README.md there says
where each comes from and lists the few changes the QEMU model needs):

- the HiFive Unmatched's, as U-Boot passes it, on sifive_u at -m 16G
  with five harts: the banner must say 16384 MiB and 4 of 5 harts. Its
  UART interrupt is 39 on the FU740 and 4 on the model, so no receive
  interrupt ever comes: typed input must still work, by the polling
  fallback, which says so once;
- Linux's HiFive Unleashed tree, which has no CLINT: OpenSBI then has no
  timer, and the kernel must say so and park (not hang); and the same
  tree with the CLINT added, which must boot and run usertests;
- the PolarFire Icicle Kit's, as U-Boot has it, on microchip-icicle-kit:
  a 16550 with reg-shift 2 and 32-bit registers at 0x20100000, memory in
  two banks.

Each boot starts the shell (default init) and types `usertests`, then
`poweroff`, as a person would. `mem=256M` keeps the memory-hungry suites
(they size themselves by free memory) from making QEMU touch 16 GiB;
the banner still shows what the tree lists. None of these firmwares can
switch the machine off, so each run ends at the kernel's "safe to switch
it off" line (kernel/power.c, test/qemu_run.py).
"""
import os

from qemu_cases import Case
from qemu_run import qemu_command
from vm_cases import typed

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
PARKED = r"^poweroff: it is safe to switch it off now; every hart is parked"
USERTESTS_TYPED = [r"^calf shell: type help", r"^usertests: \d+ passed, 0 failed",
                   r"^poweroff: requested by the VM server \(success\)", PARKED]


def fixture(name):
    return os.path.join(FIXTURES, name)


def shell_usertests(board, mem, dtb, kernel, append="mem=256M"):
    """Boot to the shell with a fixture tree; type usertests, then poweroff."""
    cmd = qemu_command(board, 4, mem, kernel, append=append, dtb=fixture(dtb))
    return typed(cmd, ["usertests", "poweroff"])


def cases(kernel):
    rx_fallback = (r"^console: no receive interrupt from the UART \(PLIC source 39, "
                   r"as the device tree says\)")
    return [
        Case("tree: HiFive Unmatched (U-Boot's) on sifive_u -m 16G, 5 harts",
             shell_usertests("sifive_u", "16G", "uboot-unmatched-qemu.dtb", kernel),
             [r"^  board    SiFive HiFive Unmatched A00",
              r"^  harts    4 usable \(5 in the device tree\)",
              r"^  RAM      16384 MiB at 0x80000000, 256 MiB used \(mem=\)",
              r"^  console  sifive,uart0 at 0x10010000", r"^timer: 3 ticks received",
              rx_fallback] + USERTESTS_TYPED,
             timeout=240),
        Case("tree: Linux's HiFive Unleashed, no CLINT: no timer, said and parked",
             qemu_command("sifive_u", 4, "8G", kernel, append="stop-after-boot",
                          dtb=fixture("linux-unleashed.dtb")),
             [r"^  RAM      8192 MiB at 0x80000000",
              r"^timer: the timer interrupt is raised before its time",
              r"^timer: the device tree has no CLINT or ACLINT timer node",
              r"^boot: no timer interrupt", PARKED],
             timeout=60),
        Case("tree: Linux's HiFive Unleashed + CLINT on sifive_u -m 8G, 5 harts",
             shell_usertests("sifive_u", "8G", "linux-unleashed-clint.dtb", kernel),
             [r"^  board    SiFive HiFive Unleashed A00",
              r"^  harts    4 usable \(5 in the device tree\)",
              r"^  RAM      8192 MiB at 0x80000000, 256 MiB used \(mem=\)",
              r"^timer: 3 ticks received"] + USERTESTS_TYPED,
             timeout=240),
        # -m 3G: QEMU puts RAM from 1 GiB on at 0x10_0000_0000, so the
        # tree's high bank (0x10_4000_0000, 1 GiB) is backed from 3G on.
        Case("tree: PolarFire Icicle Kit (U-Boot's) on microchip-icicle-kit",
             shell_usertests("icicle", "3G", "uboot-icicle.dtb", kernel, append=""),
             [r"^  board    Microchip PolarFire-SoC Icicle Kit",
              r"^  harts    4 usable \(5 in the device tree\)",
              r"^  RAM      2048 MiB at 0x80000000 in 2 ranges$",
              r"^  console  ns16550a at 0x20100000, reg-shift 2, reg-io-width 4",
              r"^timer: 3 ticks received"] + USERTESTS_TYPED,
             timeout=240),
    ]
