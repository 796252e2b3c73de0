#!/bin/sh
# test_sdcard.sh - check the SD-card image layout that tools/mksdcard.sh makes.
#
# Layer: test/. A board cannot be asked why it did not boot, so the layout
# the boot ROM, SPL and U-Boot rely on is checked here byte by byte: GPT
# type GUIDs and sectors (U-Boot doc/board/sifive/), the bootable attribute,
# the FAT contents, the SPL and ITB at their sectors. First on images made
# from stand-in files (no kernel or U-Boot build needed), then on the real
# images under build/ when `make test` has built them (the Unmatched image
# can only be checked this way: QEMU has no FU740).
# Prints "N passed, N failed".
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mk="$root/tools/mksdcard.sh"
build=${BUILD:-$root/build}
pass=0 fail=0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
export MTOOLS_SKIP_CHECK=1

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { # NAME COMMAND...: passes when COMMAND succeeds
	name=$1; shift
	if "$@" >"$t/out" 2>&1; then ok "$name"; else bad "$name"; sed 's/^/  | /' "$t/out"; fi
}

# part_field IMG N FIELD: one line of `sgdisk -i N`, e.g. "First sector".
part_field() { sgdisk -i "$2" "$1" | sed -n "s/^$3: *//p" | sed 's/ .*//'; }
part_is() { # IMG N TYPE-GUID FIRST LAST(or -) ATTRS
	[ "$(part_field "$1" "$2" 'Partition GUID code')" = "$3" ] &&
		[ "$(part_field "$1" "$2" 'First sector')" = "$4" ] &&
		{ [ "$5" = - ] || [ "$(part_field "$1" "$2" 'Last sector')" = "$5" ]; } &&
		[ "$(part_field "$1" "$2" 'Attribute flags')" = "$6" ]
}
bytes_at() { # IMG SECTOR FILE: FILE's bytes sit at SECTOR of IMG
	sz=$(wc -c <"$3")
	dd if="$1" bs=512 skip="$2" count=$(((sz + 511) / 512)) status=none | head -c "$sz" | cmp -s - "$3"
}
fat_has() { # IMG START-SECTOR PATH CONTENT-FILE
	mtype -i "$1@@$(($2 * 512))" "::$3" >"$t/got" 2>/dev/null && cmp -s "$t/got" "$4"
}
conf_has() { # IMG START-SECTOR LINE-REGEX
	mtype -i "$1@@$(($2 * 512))" ::/extlinux/extlinux.conf | grep -Eq "$3"
}
conf_lacks() { # IMG START-SECTOR LINE-REGEX
	! mtype -i "$1@@$(($2 * 512))" ::/extlinux/extlinux.conf | grep -Eq "$3"
}
pow2_size() {
	sz=$(wc -c <"$1"); while [ $((sz % 2)) -eq 0 ] && [ "$sz" -gt 1 ]; do sz=$((sz / 2)); done; [ "$sz" -eq 1 ]
}

FAT=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7
SPL=5B193300-FC78-40CD-8002-E86C45580B47
ITB=2E54B353-1271-4842-806F-E436D6AF6985
BOOTABLE=0000000000000004

# ---- stand-ins: a kernel with just the Image header magic, random U-Boot ----
head -c 4096 /dev/urandom >"$t/Image"
printf 'RSC\005' | dd of="$t/Image" bs=1 seek=56 conv=notrunc status=none
mkdir "$t/ub"
head -c 80000 /dev/urandom >"$t/ub/u-boot-spl.bin"
head -c 700000 /dev/urandom >"$t/ub/u-boot.itb"

check "plain image builds" "$mk" -k "$t/Image" -o "$t/plain.img" -a "stop-after-boot x=1"
check "plain: partition 1 FAT at 2048, bootable" part_is "$t/plain.img" 1 $FAT 2048 - $BOOTABLE
check "plain: only one partition" sh -c "! sgdisk -i 2 '$t/plain.img' | grep -q 'First sector'"
check "plain: GPT verifies" sh -c "sgdisk -v '$t/plain.img' | grep -q 'No problems found'"
check "plain: size a power of two (QEMU's SD model)" pow2_size "$t/plain.img"
check "plain: /Image is the kernel" fat_has "$t/plain.img" 2048 /Image "$t/Image"
check "plain: extlinux.conf boots /Image" conf_has "$t/plain.img" 2048 '^[[:space:]]*kernel /Image$'
check "plain: extlinux.conf append line" conf_has "$t/plain.img" 2048 '^[[:space:]]*append stop-after-boot x=1$'
check "empty append: image builds" "$mk" -k "$t/Image" -o "$t/noappend.img"
check "empty append: no append line (U-Boot 2023.01 crashes on an empty one)" \
	sh -c "! mtype -i '$t/noappend.img@@1048576' ::/extlinux/extlinux.conf | grep -q '^[[:space:]]*append'"
check "plain: FAT label" sh -c "mlabel -s -i '$t/plain.img@@1048576' :: | grep -q CALF-BOOT"

check "hifive image builds" "$mk" -k "$t/Image" -o "$t/hifive.img" -u "$t/ub"
check "hifive: partition 1 SPL, sectors 34-2081" part_is "$t/hifive.img" 1 $SPL 34 2081 0000000000000000
check "hifive: partition 2 ITB, sectors 2082-10273" part_is "$t/hifive.img" 2 $ITB 2082 10273 0000000000000000
check "hifive: partition 3 FAT from 16384, bootable" part_is "$t/hifive.img" 3 $FAT 16384 - $BOOTABLE
check "hifive: SPL bytes at sector 34" bytes_at "$t/hifive.img" 34 "$t/ub/u-boot-spl.bin"
check "hifive: ITB bytes at sector 2082" bytes_at "$t/hifive.img" 2082 "$t/ub/u-boot.itb"
check "hifive: /Image on partition 3" fat_has "$t/hifive.img" 16384 /Image "$t/Image"
check "hifive: GPT verifies" sh -c "sgdisk -v '$t/hifive.img' | grep -q 'No problems found'"
# The FAT is data, every block (a used card keeps whatever bmaptool
# skips: tools/mksdcard.sh); the holes between and after the partitions
# stay holes (flashing skips them).
fat_is_data() { # IMG START-SECTOR: SEEK_DATA/SEEK_HOLE see no hole in the FAT
	python3 -c "
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
start, end = int(sys.argv[2]) * 512, int(sys.argv[2]) * 512 + (32 << 20)
sys.exit(0 if os.lseek(fd, start, os.SEEK_HOLE) >= end else 1)" "$1" "$2"
}
check "plain: the FAT partition is written whole (no hole in it)" fat_is_data "$t/plain.img" 2048
check "hifive: the FAT partition is written whole (no hole in it)" fat_is_data "$t/hifive.img" 16384
check "hifive: the rest is holes (flashing skips them)" \
	sh -c "[ \$(du -k '$t/hifive.img' | cut -f1) -lt $((32768 + 8192)) ]"

# Refusals: a clear error, and no half-made image left behind.
refuses() { # NAME OUT ARGS...: mksdcard fails and OUT does not exist
	name=$1 out=$2; shift 2
	if "$mk" -o "$out" "$@" >"$t/out" 2>&1; then
		bad "$name (it succeeded)"
	elif [ -e "$out" ]; then
		bad "$name (left $out behind)"
	elif ! grep -q '^mksdcard: ' "$t/out"; then
		bad "$name (no mksdcard: message)"; sed 's/^/  | /' "$t/out"
	else
		ok "$name"
	fi
}
head -c 4096 /dev/zero >"$t/noheader"
refuses "refuses a kernel without the Image header" "$t/r1.img" -k "$t/noheader"
refuses "refuses a missing kernel" "$t/r2.img" -k "$t/nonexistent"
mkdir "$t/bigub"
head -c $((2048 * 512 + 1)) /dev/zero >"$t/bigub/u-boot-spl.bin"
cp "$t/ub/u-boot.itb" "$t/bigub/"
refuses "refuses an SPL larger than its partition" "$t/r3.img" -k "$t/Image" -u "$t/bigub"
refuses "refuses a U-Boot folder without the ITB" "$t/r4.img" -k "$t/Image" -u "$t/nonexistent"

# ---- the real images, when built (make test builds them first) ----
# An image older than build/Image is stale, not wrong (make test rebuilds
# it first; make test-host does not): compare the kernel only when current.
current() {
	[ -f "$build/Image" ] || return 1
	[ "$build/Image" -nt "$1" ] || return 0
	echo "skip $(basename "$1"): older than build/Image"; return 1
}
fit_magic() { [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' ')" = d00dfeed ]; }
for img in "$build/sdcard.img" "$build/test/sdcard-test.img"; do
	[ -f "$img" ] || { echo "skip $(basename "$img"): not built"; continue; }
	n=$(basename "$img")
	check "$n: partition 1 FAT at 2048, bootable" part_is "$img" 1 $FAT 2048 - $BOOTABLE
	current "$img" && check "$n: /Image is build/Image" fat_has "$img" 2048 /Image "$build/Image"
done
for b in unleashed unmatched; do
	for img in "$build/sdcard-$b.img" "$build/test/sdcard-$b-test.img"; do
		[ -f "$img" ] || continue
		n=$(basename "$img")
		ub="$build/u-boot/sifive_$b"
		check "$n: SPL partition 34-2081" part_is "$img" 1 $SPL 34 2081 0000000000000000
		check "$n: ITB partition 2082-10273" part_is "$img" 2 $ITB 2082 10273 0000000000000000
		check "$n: FAT partition 3 from 16384, bootable" part_is "$img" 3 $FAT 16384 - $BOOTABLE
		check "$n: the $b SPL at sector 34" bytes_at "$img" 34 "$ub/u-boot-spl.bin"
		check "$n: the $b ITB (a FIT image) at sector 2082" \
			sh -c "dd if='$img' bs=512 skip=2082 count=1 status=none | head -c 4 | od -An -tx1 | tr -d ' ' | grep -qx d00dfeed"
		check "$n: ITB is the $b build" bytes_at "$img" 2082 "$ub/u-boot.itb"
		current "$img" && check "$n: /Image is build/Image" fat_has "$img" 16384 /Image "$build/Image"
	done
done
# The ITB for each board must carry that board's device tree.
for b in unleashed unmatched; do
	itb="$build/u-boot/sifive_$b/u-boot.itb"
	[ -f "$itb" ] || continue
	check "u-boot.itb of $b is a FIT" fit_magic "$itb"
	check "u-boot.itb of $b holds OpenSBI and the $b device tree" \
		sh -c "grep -aq opensbi '$itb' && grep -aq 'hifive-$b' '$itb'"
done

# make sdcard makes the image again when only its options changed: an
# owner who adds SDCARD_APPEND after a first `make sdcard` must get it,
# and a later plain `make sdcard` must drop it again.
if [ "$build" = "$root/build" ] && [ -f "$build/Image" ] && [ -f "$build/sdcard.img" ]; then
	mk_sdcard() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$root" sdcard "$@" >"$t/out" 2>&1; }
	check "make sdcard SDCARD_APPEND=... after make sdcard" mk_sdcard SDCARD_APPEND="calf-test=1 it's"
	check "  ... puts the append line in the image" \
		conf_has "$build/sdcard.img" 2048 "^[[:space:]]*append calf-test=1 it's\$"
	check "make sdcard again, without SDCARD_APPEND" mk_sdcard
	check "  ... leaves no append line" conf_lacks "$build/sdcard.img" 2048 "^[[:space:]]*append"
fi

echo "sdcard: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
