#!/usr/bin/env python3
"""make_sv39_seeds.py - write the hand-made seeds of the sv39 fuzz target.

Layer: test/ (host only). The sv39 target (test/fuzz/fuzz_sv39.c) reads
its input as operations; these seeds are short, readable scenarios that
start the fuzzer where the interesting code is. Run from the repo root:

    python3 test/fuzz/make_sv39_seeds.py      # -> test/fuzz/corpus/sv39/seed-*

Encoding (see fuzz_sv39.c): one opcode byte, low 4 bits the operation,
bit 7 the space (0 = A, 1 = B), then its argument bytes.
A va byte picks slots: bits 1..0 root entry {0,1,2,255}, bits 3..2 the
level-1 entry and bits 5..4 the level-0 entry, both from {0,1,2,511}.
A flags byte: bit 0 R, 1 W, 2 X, 3 U, 4 G, 5 COW, 6 RSW1, 7 an illegal bit.
"""
import os

MAP, MAP_RANGE, UNMAP, PROTECT, CLONE, UNMAP_RANGE, LOOKUP, DESTROY, FAIL = \
    0, 3, 4, 5, 6, 7, 8, 9, 10
B = 0x80
R, W, X, U, G, COW = 1, 2, 4, 8, 16, 32
URW, URX, UR = U | R | W, U | R | X, U | R


def va(root=0, mid=0, low=0):
    return root | mid << 2 | low << 4


def map_(space, v, level, pa, flags, misalign=False):
    return [MAP | space, v, level | (4 if misalign else 0), pa, flags]


def map_range(space, v, pa, n4k=0, n2m=0, n1g=0, flags=URW):
    return [MAP_RANGE | space, v, pa, n4k | n2m << 4 | n1g << 6, flags]


def lookup(space, v, off=0x40):
    return [LOOKUP | space, v, off]


SEEDS = {
    # one leaf of each size, looked up, protected, unmapped
    "seed-map-levels": (map_(0, va(0, 0, 1), 0, 1, URW) + map_(0, va(0, 1), 1, 2, URX) +
                        map_(0, va(1), 2, 3, UR) + lookup(0, va(0, 0, 1)) +
                        lookup(0, va(0, 1, 2)) + lookup(0, va(1, 2, 3)) +
                        [PROTECT, va(0, 0, 1), 0x40, 0, W] +
                        [PROTECT, va(0, 1), 0x40, W, 0] +
                        [UNMAP, va(0, 1, 1), 0x41] + lookup(0, va(0, 1)) +
                        map_(0, va(0, 1), 0, 5, URW) + [DESTROY]),
    # illegal leaves: W without R, W+X, W+COW, a bit above the flags,
    # misaligned va, level 3, pa beyond 56 bits
    "seed-map-illegal": (map_(0, va(0, 0, 1), 0, 1, U | W) + map_(0, va(0, 0, 1), 0, 1, URW | X) +
                         map_(0, va(0, 0, 1), 0, 1, URW | COW) + map_(0, va(0, 0, 1), 0, 1, 0x80 | UR) +
                         map_(0, va(0, 1), 1, 1, UR, misalign=True) + map_(0, va(1), 3, 1, UR) +
                         map_(0, va(0, 0, 2), 0, 0xe1, UR) +
                         lookup(0, va(0, 0, 1), 0x3f) + lookup(0, va(0, 0, 1), 0x7f)),
    # overlapping maps: a 4K leaf under a 2M slot, a 2M leaf over 4K ones,
    # and the empty-table reuse after an unmap
    "seed-map-overlap": (map_(0, va(0, 1, 1), 0, 1, URW) + map_(0, va(0, 1), 1, 2, URW) +
                         [UNMAP, va(0, 1, 1), 0] + map_(0, va(0, 1), 1, 2, URW) +
                         map_(0, va(0, 1, 3), 0, 3, UR) + map_(0, va(0), 2, 1, UR)),
    # map_range with mixed leaf sizes, then clone A -> B and write-protect
    "seed-range-clone": (map_range(0, va(0, 2), 0x20 | 2, n4k=3, n2m=1) +
                         map_range(0, va(1), 0x00 | 1, n1g=0, n2m=2) +
                         map_(0, va(2, 0, 1), 0, 9, UR | X) + map_(0, va(2, 0, 2), 0, 9, R | W) +
                         [CLONE, 0, 0] + lookup(B, va(0, 2, 1)) + lookup(B, va(1, 1)) +
                         [PROTECT | B, va(0, 2), 0x40, 0, COW] +
                         [CLONE | B, 0, 0] +
                         [UNMAP_RANGE, 0, 0] + [UNMAP_RANGE | B, 0, 1]),
    # clone bounds: a straddled 2M leaf, an unaligned bound, lo >= hi
    "seed-clone-bounds": (map_(0, va(0, 1), 1, 2, URW) + map_(0, va(0, 2, 1), 0, 4, URW) +
                          [CLONE, va(0, 1, 1) << 2 | 2, 0] + [CLONE, 0, 1] +
                          [CLONE, 0x0a, 0x02] + [CLONE, 0, 0] + [CLONE, 0, 0] +
                          [UNMAP_RANGE, va(0, 1, 1) << 2 | 2, 0]),
    # the allocator fails: map, map_range and clone return ENOMEM cleanly
    "seed-enomem": ([FAIL, 0] + map_(0, va(2, 2, 2), 0, 1, URW) +
                    [FAIL, 1] + map_range(0, va(0, 1), 1, n4k=4, n2m=1) +
                    [FAIL, 0x80] + map_range(0, va(0, 1), 1, n4k=4, n2m=1) +
                    [FAIL | B, 1] + [CLONE, 0, 0] + [FAIL | B, 0x80] + [CLONE, 0, 0] +
                    [FAIL, 0] + [DESTROY] + [FAIL, 0x80] + [DESTROY]),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "corpus", "sv39")
    os.makedirs(out, exist_ok=True)
    for name, ops in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes(b & 0xff for b in ops))
    print(f"make_sv39_seeds: {len(SEEDS)} seeds in {out}")


if __name__ == "__main__":
    main()
