#!/usr/bin/env python3
"""mkarchive.py - pack ELF programs into the boot archive.

Layer: tools/ (runs on the build host, Python 3 standard library only).
The kernel links the result into its image (kernel/archive_blob.S) and
reads it with lib/archive.c; docs/boot-archive.md describes the format:

    magic "CALFARC1" | u32 count | u32 reserved = 0       (16 bytes)
    count entries of 64 bytes: name[48] NUL-padded | u64 offset | u64 size
    each file's bytes, starting at an offset aligned to 4096

All integers are little endian. A file's name in the archive is its
basename without ".elf". Usage:

    tools/mkarchive.py [--objcopy riscv64-unknown-elf-objcopy] \
        -o build/archive.bin build/user/init.elf ...

With --objcopy, each file is packed without its debug sections
(`objcopy --strip-debug`): the kernel image stays small, while the
unstripped ELF files remain in build/ for gdb.
"""
import argparse
import os
import struct
import subprocess
import sys
import tempfile

MAGIC = b"CALFARC1"
HEADER = 16
ENTRY = 64
NAME_MAX = 48          # including the terminating NUL
ALIGN = 4096


def align_up(n, a=ALIGN):
    return (n + a - 1) // a * a


def entry_name(path):
    name = os.path.basename(path)
    if name.endswith(".elf"):
        name = name[:-len(".elf")]
    return name


def read_file(path, objcopy):
    if not objcopy:
        with open(path, "rb") as f:
            return f.read()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "stripped")
        proc = subprocess.run([objcopy, "--strip-debug", path, out],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise ValueError(f"{path}: {objcopy} failed: {proc.stderr.strip()}")
        with open(out, "rb") as f:
            return f.read()


def build(paths, objcopy=None):
    """The archive bytes for the files in `paths`, in that order."""
    names = [entry_name(p) for p in paths]
    seen = set()
    for path, name in zip(paths, names):
        raw = name.encode("utf-8")
        if not raw or len(raw) >= NAME_MAX or b"\0" in raw:
            raise ValueError(f"{path}: name '{name}' must be 1 to "
                             f"{NAME_MAX - 1} bytes")
        if name in seen:
            raise ValueError(f"{path}: duplicate name '{name}'")
        seen.add(name)

    blobs = [read_file(p, objcopy) for p in paths]

    table = bytearray()
    offset = align_up(HEADER + ENTRY * len(paths))
    offsets = []
    for name, data in zip(names, blobs):
        offsets.append(offset)
        table += struct.pack("<48sQQ", name.encode("utf-8"), offset, len(data))
        offset = align_up(offset + len(data))

    out = bytearray(MAGIC + struct.pack("<II", len(paths), 0) + table)
    for off, data in zip(offsets, blobs):
        out += b"\0" * (off - len(out))
        out += data
    # Pad the end too, so whatever the linker puts after the archive
    # never shares a page with a file's last page.
    out += b"\0" * (align_up(len(out)) - len(out))
    return bytes(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--objcopy", help="strip debug sections with this objcopy")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    try:
        data = build(args.files, args.objcopy)
    except (OSError, ValueError) as e:
        print(f"mkarchive: {e}", file=sys.stderr)
        return 1
    # Write under a temporary name, then rename: an interrupted build
    # never leaves a half-written archive that looks up to date.
    tmp = args.output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
