"""board_cases.py - QEMU cases that boot the SD-card images through U-Boot.

Layer: test/. The kernel here is not given to QEMU: firmware finds it on
the disk image, as on a board. `make test` builds the images first
(mk/boards.mk); they differ from the user's images only in the extlinux
append line, `stop-after-boot` (BOARD_TEST_APPEND), so each run ends by
itself after the boot self-check ("poweroff: boot complete").

- virt: OpenSBI, then Debian's u-boot-qemu (S-mode) as -kernel, whose
  standard boot finds extlinux.conf on build/test/sdcard-test.img on a
  virtio disk. The DTB given to QEMU is QEMU's own plus
  /config/bootdelay = <0>, so U-Boot does not wait 2 s for a key.
- sifive_u with msel=11 (boot from SD card): the boot ROM step is QEMU's,
  then U-Boot SPL from -bios loads the U-Boot ITB (OpenSBI + U-Boot) from
  raw sector 2082 of build/test/sdcard-unleashed-test.img, and U-Boot
  boots the kernel from partition 3: the whole HiFive Unleashed chain.
"""
import os
import subprocess
import sys

from qemu_cases import BOOT_OK, Case

HERE = os.path.dirname(os.path.abspath(__file__))
UBOOT_VIRT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
QEMU = os.environ.get("QEMU", "qemu-system-riscv64")


def missing(path):
    """A command that fails with a clear line when an input is missing."""
    return [sys.executable, "-c",
            f"print('board_cases: {path} is missing: run make test (it builds the images)')"]


def bootdelay0_dtb(build, mem, smp):
    """QEMU virt's DTB (it must match -m and -smp) with bootdelay 0."""
    os.makedirs(os.path.join(build, "test"), exist_ok=True)
    path = os.path.join(build, "test", f"virt-{mem}-smp{smp}-bootdelay0.dtb")
    subprocess.run([QEMU, "-M", f"virt,dumpdtb={path}", "-m", mem,
                    "-smp", str(smp), "-display", "none"],
                   check=True, capture_output=True)
    subprocess.run(["fdtput", "-c", path, "/config"], check=True)
    subprocess.run(["fdtput", "-t", "i", path, "/config", "bootdelay", "0"],
                   check=True)
    return path


def virt_uboot(build, image, mem, smp):
    if not os.path.exists(image):
        return missing(image)
    if not os.path.exists(UBOOT_VIRT):
        return missing(UBOOT_VIRT + " (Debian package u-boot-qemu)")
    # U-Boot on virt needs 256 MiB or more: its load addresses reach
    # 0x8c200000 (docs/porting.md, U-Boot).
    return [QEMU, "-M", "virt", "-smp", str(smp), "-m", mem,
            "-bios", "default", "-kernel", UBOOT_VIRT,
            "-dtb", bootdelay0_dtb(build, mem, smp),
            "-drive", f"file={image},format=raw,if=none,id=card",
            "-device", "virtio-blk-device,drive=card",
            "-display", "none", "-serial", "stdio", "-monitor", "none",
            "-no-reboot"]


def unleashed_uboot(build, image):
    spl = os.path.join(build, "u-boot", "sifive_unleashed", "u-boot-spl.bin")
    for path in (image, spl):
        if not os.path.exists(path):
            return missing(path)
    qemu = [QEMU, "-M", "sifive_u,msel=11", "-smp", "5", "-m", "8G",
            "-bios", spl,
            "-drive", f"file={image},format=raw,if=sd",
            # No outside network: U-Boot's DHCP/TFTP fallback fails at once.
            "-nic", "user,restrict=on",
            "-display", "none", "-serial", "stdio", "-monitor", "none",
            "-no-reboot"]
    # -m 8G: the board's RAM; SPL's DDR set-up faults with 1 GiB.
    # In QEMU's sifive_u model U-Boot's SPI-mode SD driver brings the card
    # up only on every other `mmc dev` (seen: fail, OK, fail, OK), so the
    # autoboot scan may miss it. Stop autoboot (which would go on to the
    # SPI flash and the network) and scan mmc0 up to three times; the first
    # that succeeds boots and never returns. On a real board autoboot is
    # expected to find the card by itself (docs/boards.md).
    scan = "run bootcmd_mmc0; run bootcmd_mmc0; run bootcmd_mmc0"
    return [sys.executable, os.path.join(HERE, "console_feed.py"),
            "--on", "Hit any key to stop autoboot", "--type", "",
            "--on", r"\n=> ", "--type", scan, "--", *qemu]


def cases(kernel):
    build = os.path.dirname(os.path.abspath(kernel))
    test_img = os.path.join(build, "test", "sdcard-test.img")
    unleashed_img = os.path.join(build, "test", "sdcard-unleashed-test.img")
    via_uboot = [r"^U-Boot 20\d\d\.\d\d", r"^Found /extlinux/extlinux.conf",
                 r"^Retrieving file: /Image", r"^Starting kernel"]
    return [
        Case("u-boot virt: sdcard.img on virtio",
             virt_uboot(build, test_img, "256M", 1),
             BOOT_OK + via_uboot + [r"^Scanning virtio 0:1",
                                    r"^  board    riscv-virtio,qemu"],
             timeout=60),
        Case("u-boot virt SMP=2: sdcard.img on virtio",
             virt_uboot(build, test_img, "512M", 2),
             BOOT_OK + via_uboot + [r"^  harts    2 usable \(2 in the device tree\)",
                                    r"^  RAM      512 MiB"],
             timeout=60),
        Case("u-boot sifive_u msel=11: SPL, OpenSBI, U-Boot from the SD card",
             unleashed_uboot(build, unleashed_img),
             BOOT_OK + via_uboot + [r"^U-Boot SPL 20\d\d\.\d\d",
                                    r"^Trying to boot from MMC1",
                                    r"^Scanning mmc 0:3",
                                    r"^  board    SiFive HiFive Unleashed A00",
                                    r"^  console  sifive,uart0 at 0x10010000",
                                    r"^  firmware OpenSBI",
                                    r"^  harts    4 usable \(5 in the device tree\)"],
             timeout=180),
    ]
