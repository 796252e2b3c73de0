#!/usr/bin/env python3
"""mkprograms.py - the table of programs the shell's `help` prints.

Layer: tools/ (runs on the build host, Python 3 standard library only).
Every program starts with

    calf_usage(argc, argv, "ARGS", "WHAT");

(libcalf, calf.h): its answer to --help. This reads that call from the
sources of each program folder and writes a C header with one entry per
program, name (the folder's), ARGS, WHAT and whether it is a test suite
or a test's helper (a folder of userland/tests/). So `help` and
`PROG --help` say the same thing, from one place. A program without the
call fails the build: every program answers --help.

    tools/mkprograms.py -o build/user/gen/programs.h \
        --programs userland/cowdemo ... --tests userland/tests/ktest ...

The header is rewritten only when its text changes, so nothing is
rebuilt needlessly.
"""
import argparse
import glob
import os
import re
import sys

STRING = r'"((?:[^"\\\n]|\\.)*)"'
# One or more adjacent literals, which C joins into one string.
STRINGS = r'((?:"(?:[^"\\\n]|\\.)*"\s*)+)'
USAGE = re.compile(r"\bcalf_usage\s*\(\s*argc\s*,\s*argv\s*,\s*" + STRINGS + r",\s*"
                   + STRINGS + r"\)")


def joined(literals):
    """The text of adjacent C string literals, escapes kept as written."""
    return "".join(re.findall(STRING, literals))


def usage_of(folder):
    """(args, what) from the folder's calf_usage call; exits if there is none."""
    found = []
    for path in sorted(glob.glob(os.path.join(folder, "*.c"))):
        with open(path) as f:
            found += USAGE.findall(f.read())
    if len(found) != 1:
        sys.exit(f"mkprograms: {folder}: {len(found)} calls "
                 'calf_usage(argc, argv, "ARGS", "WHAT"), not one: every program '
                 "answers --help with one (userland/lib/include/calf.h)")
    args, what = (joined(x) for x in found[0])
    # help shows WHAT's first line; the lines after it are for --help.
    return args, what.split("\\n")[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-o", "--out", required=True)
    ap.add_argument("--programs", nargs="*", default=[])
    ap.add_argument("--tests", nargs="*", default=[])
    args = ap.parse_args()

    rows = []
    for folders, test in ((args.programs, 0), (args.tests, 1)):
        for folder in sorted(folders, key=lambda d: os.path.basename(d.rstrip("/"))):
            usage, what = usage_of(folder)
            name = os.path.basename(folder.rstrip("/"))
            rows.append(f'\t{{ "{name}", "{usage}", "{what}", {test} }},')
    text = "\n".join([
        "/* programs.h - made by tools/mkprograms.py from the calf_usage() call",
        " * of every program (userland/PROG/, and userland/tests/PROG/: test = 1).",
        " * Do not edit. */",
        "#ifndef CALF_PROGRAMS_H",
        "#define CALF_PROGRAMS_H",
        "",
        "struct calf_program {",
        "\tconst char *name, *args, *what;",
        "\tint test;    /* a test suite or a test's helper */",
        "};",
        "",
        "static const struct calf_program calf_programs[] = {",
        *rows,
        "\t{ 0, 0, 0, 0 }",
        "};",
        "",
        "#endif",
        "",
    ])
    try:
        with open(args.out) as f:
            if f.read() == text:
                return 0
    except OSError:
        pass
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out + ".tmp", "w") as f:
        f.write(text)
    os.replace(args.out + ".tmp", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
