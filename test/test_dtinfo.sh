#!/bin/sh
# test_dtinfo.sh - the bring-up tool tools/dtinfo.c on real and broken trees.
#
# Layer: test/. build/host/dtinfo (make builds it for make test) runs the
# kernel's own device-tree reader on the host and gives the kernel's
# verdict; a board owner trusts it before putting a tree on a card, so
# each verdict is checked here: real boards' trees that boot, trees the
# boot refuses (and why), a file that is no tree at all.
# Prints "N passed, N failed".
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-$root/build}
dtinfo="$build/host/dtinfo"
fix="$root/test/fixtures"
pass=0 fail=0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; sed 's/^/  | /' "$t/out"; }

# says NAME STATUS FILE REGEX...: dtinfo FILE exits STATUS and prints
# every REGEX (each a whole line's start).
says() {
	name=$1 want=$2 file=$3; shift 3
	if "$dtinfo" "$file" >"$t/out" 2>&1; then rc=0; else rc=$?; fi
	[ "$rc" -eq "$want" ] || { bad "$name (exit $rc, wanted $want)"; return; }
	for re in "$@"; do
		grep -Eq "^$re" "$t/out" || { bad "$name (no line '$re')"; return; }
	done
	ok "$name"
}

[ -x "$dtinfo" ] || { echo "FAIL $dtinfo missing (make $dtinfo)"; echo "dtinfo: 0 passed, 1 failed"; exit 1; }

says "the Unmatched (U-Boot's tree): 4 of 5 harts, 16 GiB, boots" 0 "$fix/uboot-unmatched.dtb" \
	"  board    SiFive HiFive Unmatched A00" \
	"  harts    4 usable \(5 in the device tree\)" \
	"           hart 0: left alone" \
	"  RAM      16384 MiB at 0x80000000" \
	"  console  sifive,uart0 at 0x10010000" \
	"  quirks   sifive-cip-1200" \
	"  calf boots on it$"
says "the Icicle Kit: two RAM banks, a 16550 with reg-shift 2" 0 "$fix/uboot-icicle.dtb" \
	"  RAM      2048 MiB at 0x80000000 in 2 ranges" \
	"  console  ns16550a at 0x20100000, reg-shift 2, reg-io-width 4" \
	"  calf boots on it$"
says "Linux's Unleashed tree: no CLINT, so no timer from OpenSBI" 1 "$fix/linux-unleashed.dtb" \
	"  timer    no CLINT or ACLINT node" \
	"  calf stops at its timer check with it: no tick comes unless the firmware"
says "virt with 40 harts: the kernel takes 32, parks the rest" 0 "$fix/qemu-virt-smp40-256m.dtb" \
	"  harts    40 usable \(40 in the device tree; the kernel takes 32\)" \
	"           hart 32: parked"
says "no memory node: refused, as the boot refuses it" 1 "$fix/virt-no-memory.dtb" \
	"  calf refuses it: the device tree has no memory node"
says "no UART calf drives: refused, naming the UARTs it does" 1 "$fix/virt-no-uart.dtb" \
	"  console  none calf drives" \
	"  calf refuses it: the device tree names no usable UART: ns16550a"
head -c 4096 /dev/urandom >"$t/random.dtb"
says "random bytes: malformed" 1 "$t/random.dtb" "  malformed: " "  calf refuses it: the device tree is malformed"
says "a file that is not there" 1 "$t/none.dtb" "  cannot read it"
if "$dtinfo" >"$t/out" 2>&1; then rc=0; else rc=$?; fi
[ "$rc" -eq 2 ] && grep -q "^usage: " "$t/out" && ok "no file: usage, exit 2" || bad "no file: usage, exit 2"

echo "dtinfo: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
