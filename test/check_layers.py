#!/usr/bin/env python3
"""check_layers.py - no #include runs up a layer.

Layer: test/. Run by `make test` (test/run_tests.py, SCRIPT_TESTS). Reads
every #include line of the C and assembly sources, finds the file it
names the way the compiler would (the including file's folder first, then
that layer's include path), and checks the folder it lands in against the
rule below (docs/architecture.md, "Layers"):

    include/             (the ABI headers: calf/abi.h, calf/vm_protocol.h)
                         includes nothing of ours
    sv39/, lib/          pure: each other and include/
    platform/            the machine: sv39/, lib/, include/ (nothing of kernel/)
    kernel/              the kernel: platform/, sv39/, lib/, include/
    vm/                  the VM server: sv39/, lib/, include/
    userland/            include/, lib/ and its own (userland/lib/include)

and `<...>` headers: in every layer but userland/ (which has picolibc)
only the compiler's own freestanding headers (<stdint.h>, <stddef.h>,
...), never a C library's. test/ and tools/ may include anything.

One line per layer, "ok" or "FAIL" with each offending include, then the
closing "N passed, N failed". A last check runs the checker over a small
made-up tree with one violation of each kind and fails unless it finds
exactly those, so the checker cannot quietly stop checking.

    python3 test/check_layers.py [--root DIR]
"""
import argparse
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

ALLOWED = {
    "include": {"include"},
    "sv39": {"sv39", "lib", "include"},
    "lib": {"lib", "sv39", "include"},
    "platform": {"platform", "sv39", "lib", "include"},
    "kernel": {"kernel", "platform", "sv39", "lib", "include"},
    "vm": {"vm", "sv39", "lib", "include"},
    "userland": {"userland", "lib", "include"},
}
LAYERS = ["include", "sv39", "lib", "platform", "kernel", "vm", "userland"]

# The include path of each layer's compile (mk/toolchain.mk,
# mk/userland.mk), after the including file's own folder.
SEARCH = {layer: [".", "include"] for layer in LAYERS}
SEARCH["userland"] = ["include", "userland/lib/include"]
# Made by the build: (layer, name) -> the folder it counts as.
GENERATED = {("userland", "programs.h"): "userland"}

FREESTANDING = {"float.h", "iso646.h", "limits.h", "stdalign.h", "stdarg.h",
                "stdatomic.h", "stdbool.h", "stddef.h", "stdint.h", "stdnoreturn.h"}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
SOURCE = (".c", ".h", ".S")


def sources(root, layer):
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, layer)):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(SOURCE):
                yield os.path.relpath(os.path.join(dirpath, name), root)


def resolve(root, layer, src, name):
    """The include's path relative to root, or None."""
    for base in [os.path.dirname(src)] + SEARCH[layer]:
        path = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(os.path.join(root, path)):
            return path
    return None


def check_layer(root, layer):
    """(number of files, list of complaints) for one layer."""
    bad = []
    files = list(sources(root, layer))
    for src in files:
        with open(os.path.join(root, src), errors="replace") as f:
            for lineno, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                kind, name = m.groups()
                where = f"{src}:{lineno}: #include {kind}{name}{'>' if kind == '<' else kind}"
                if kind == "<":
                    if layer != "userland" and name not in FREESTANDING:
                        bad.append(f"{where}: a C library header in a freestanding layer")
                    continue
                path = resolve(root, layer, src, name)
                if path is None and (layer, name) in GENERATED:
                    path = name
                    folder = GENERATED[(layer, name)]
                elif path is None:
                    # Not on this layer's path (the compile fails): say
                    # where it would have gone from the top.
                    path = os.path.normpath(name)
                    if not os.path.isfile(os.path.join(root, path)):
                        bad.append(f"{where}: no such file on {layer}/'s include path")
                        continue
                    folder = path.split(os.sep)[0]
                else:
                    folder = path.split(os.sep)[0]
                if folder not in ALLOWED[layer]:
                    bad.append(f"{where}: {layer}/ may not include {folder}/ ({path})")
    return len(files), bad


def check(root):
    """[(layer, number of files, complaints)] for every layer present."""
    return [(layer, *check_layer(root, layer)) for layer in LAYERS
            if os.path.isdir(os.path.join(root, layer))]


def self_check():
    """The checker finds one planted violation of each kind, and no more."""
    plant = {
        "include/calf/abi.h": "#include <stdint.h>\n",
        "kernel/thread.h": '#include "calf/abi.h"\n#include "lib/fmt.h"\n',
        "lib/fmt.h": "#include <stdarg.h>\n",
        "lib/bad.c": '#include "fmt.h"\n#include "kernel/thread.h"\n',
        "sv39/bad.c": '#include "vm/space.h"\n',
        "vm/space.h": '#include "calf/abi.h"\n#include <stdio.h>\n',
        "vm/ok.c": '#include "vm/space.h"\n#include "lib/fmt.h"\n',
        "userland/lib/include/calf.h": '#include "calf/abi.h"\n',
        "userland/tests/t/t.h": "",
        "userland/p/p.c": ('#include <stdio.h>\n#include "calf.h"\n#include "programs.h"\n'
                           '#include "../tests/t/t.h"\n#include "kernel/thread.h"\n'),
        "userland/p/q.c": '#include "missing.h"\n',
        "platform/bad.c": '#include "lib/fmt.h"\n#include "kernel/thread.h"\n',
    }
    want = {
        ("lib", "lib/bad.c:2"), ("sv39", "sv39/bad.c:1"), ("vm", "vm/space.h:2"),
        ("userland", "userland/p/p.c:5"), ("userland", "userland/p/q.c:1"),
        ("platform", "platform/bad.c:2"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for path, text in plant.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, path)), exist_ok=True)
            with open(os.path.join(tmp, path), "w") as f:
                f.write(text)
        got = {(layer, ":".join(c.split(":")[:2])) for layer, _, bad in check(tmp)
               for c in bad}
    return got == want, got ^ want


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=ROOT)
    args = ap.parse_args()
    passed = failed = 0
    for layer, nfiles, bad in check(args.root):
        if bad:
            failed += 1
            print(f"FAIL layers: {layer}/ ({nfiles} files)")
            for complaint in bad:
                print(f"  {complaint}")
        else:
            passed += 1
            print(f"ok   layers: {layer}/ ({nfiles} files)")
    ok, diff = self_check()
    if ok:
        passed += 1
        print("ok   layers: the checker finds planted violations")
    else:
        failed += 1
        print(f"FAIL layers: the checker finds planted violations: differs in {sorted(diff)}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
