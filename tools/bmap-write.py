#!/usr/bin/env python3
"""bmap-write.py - write an image into a regular file the way a card is written.

usage: tools/bmap-write.py IMAGE BMAP FILE

Layer: tools/. tools/flash.sh uses it for `make flash DEV=FILE TO_FILE=1`:
a file that stands for a card. bmaptool writes a block device in place,
but truncates a regular file to the image's size first, which turns "a
card that held data" into a fresh file and hides what a real card keeps.
This writes exactly the block ranges the bmap lists, at their offsets,
and nothing else; the file keeps its size and every other byte (it grows
to the image's size if it was shorter). Each range is then read back from
FILE and checked against the bmap's checksum. Exit status 0, or 1 with a
line "bmap-write: ..." saying what went wrong.
"""
import hashlib
import os
import sys
import xml.etree.ElementTree as ET


def fail(msg):
    print(f"bmap-write: {msg}", file=sys.stderr)
    sys.exit(1)


def ranges(bmap_path):
    """(block size, checksum type, [(first, last, checksum)]) from a bmap."""
    try:
        root = ET.parse(bmap_path).getroot()
    except (OSError, ET.ParseError) as err:
        fail(f"cannot read the bmap {bmap_path}: {err}")
    block = int(root.findtext("BlockSize", "0"))
    cstype = (root.findtext("ChecksumType") or "sha256").strip()
    out = []
    for r in root.iter("Range"):
        first, _, last = r.text.strip().partition("-")
        out.append((int(first), int(last or first), r.get("chksum")))
    if block <= 0 or not out:
        fail(f"{bmap_path} lists no block size or no ranges")
    return block, cstype, out


def main(argv):
    if len(argv) != 3:
        fail("usage: bmap-write.py IMAGE BMAP FILE")
    image, bmap, dest = argv
    block, cstype, todo = ranges(bmap)
    written = 0
    with open(image, "rb") as src, open(dest, "r+b") as dst:
        lengths = []
        for first, last, _ in todo:
            src.seek(first * block)
            data = src.read((last - first + 1) * block)   # the image's end may cut it
            dst.seek(first * block)
            dst.write(data)
            lengths.append(len(data))
            written += len(data)
        # A file shorter than the image grows to it (holes read as zero).
        image_size = os.fstat(src.fileno()).st_size
        if os.fstat(dst.fileno()).st_size < image_size:
            os.ftruncate(dst.fileno(), image_size)
        dst.flush()
        os.fsync(dst.fileno())
        for (first, last, chksum), length in zip(todo, lengths):
            dst.seek(first * block)
            if chksum and hashlib.new(cstype, dst.read(length)).hexdigest() != chksum:
                fail(f"blocks {first}-{last} of {dest} do not match the image")
    print(f"bmap-write: {written} bytes in {len(todo)} ranges written to {dest}, checked")


if __name__ == "__main__":
    main(sys.argv[1:])
