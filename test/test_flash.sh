#!/bin/sh
# test_flash.sh - tools/flash.sh refuses what it must, and writes what it may.
#
# Layer: test/. No real disk is touched: FLASH_SYSFS and FLASH_PROC point
# the script at fixture trees made here (a sysfs class/block with disks,
# partitions, flags and holders; a /proc with mounts and swaps), and regular
# files named like the fixture disks stand in for the devices. If a loop
# device can be had (root, /dev/loop-control), one real block device is
# written too.
#
# Then a used card: a file of random bytes, flashed with TO_FILE=1 (and,
# with a loop device, the same through bmaptool on a block device) with
# both image layouts, must pass `sgdisk -v` and `fsck.fat -n` clean, show
# its FAT nearly all free, hold /Image, and take a new /Image: by mount
# where this machine can mount vfat (root, a loop device, the kernel's
# vfat), otherwise with mtools, as docs/boards.md says. Prints "N passed,
# N failed".
set -eu

here=$(cd "$(dirname "$0")" && pwd)
flash="$(dirname "$here")/tools/flash.sh"
pass=0 fail=0 skip=0
t=$(mktemp -d)
loopdev=
cleanup() {
	[ -z "$loopdev" ] || losetup -d "$loopdev" 2>/dev/null || true
	rm -rf "$t"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; sed 's/^/  | /' "$t/out"; }

# ---- fixtures ----
sys="$t/sys"
proc="$t/proc"
dev="$t/dev"
mkdir -p "$sys/class/block" "$sys/devices/pci0/usb1/1-1/block" "$proc" "$dev"
# disk NAME REMOVABLE SECTORS [VENDOR MODEL]: a fixture disk and its device file
disk() {
	d="$sys/class/block/$1"
	mkdir -p "$d/device" "$d/holders"
	echo "$2" >"$d/removable"
	echo "$3" >"$d/size"
	echo "${4:-}" >"$d/device/vendor"
	echo "${5:-}" >"$d/device/model"
	: >"$dev/$1"
}
# part DISK PART: a partition, listed both under the disk and in class/block
part() {
	mkdir -p "$sys/class/block/$1/$2" "$sys/class/block/$2"
	echo 1 >"$sys/class/block/$1/$2/partition"
	echo 1 >"$sys/class/block/$2/partition"
	echo 0 >"$sys/class/block/$2/size"
	mkdir -p "$sys/class/block/$2/holders"
	: >"$dev/$2"
}
disk sdc 1 31116288 "Generic " "SD/MMC Reader"   # a free USB card reader
part sdc sdc1
disk sdd 1 31116288 Generic "Mounted Card"      # its partition is mounted
part sdd sdd1
disk sde 1 31116288 Generic "Whole Mounted"     # mounted without partitions
disk sdf 1 31116288 Generic "Swap Card"         # its partition is swap
part sdf sdf2
disk sdg 1 31116288 Generic "LVM Card"          # held by device mapper
part sdg sdg1
touch "$sys/class/block/sdg1/holders/dm-0"
disk sda 0 976773168 ATA "Samsung SSD 870"      # an internal disk
disk mmcblk0 0 62333952 "" ""                   # an SD slot: removable is 0 there
echo SC64G >"$sys/class/block/mmcblk0/device/name"
disk sdh 1 1024 Tiny Card                       # too small for the image
# A USB stick whose removable flag is 0: sysfs links it under a usb bus.
mkdir -p "$sys/devices/pci0/usb1/1-1/block/sdu/device" "$sys/devices/pci0/usb1/1-1/block/sdu/holders"
echo 0 >"$sys/devices/pci0/usb1/1-1/block/sdu/removable"
echo 31116288 >"$sys/devices/pci0/usb1/1-1/block/sdu/size"
echo "USB Stick" >"$sys/devices/pci0/usb1/1-1/block/sdu/device/model"
ln -s ../../devices/pci0/usb1/1-1/block/sdu "$sys/class/block/sdu"
: >"$dev/sdu"
ln -s "$dev/sdd" "$t/by-id-card"                 # /dev/disk/by-id style symlink

cat >"$proc/mounts" <<EOF
sysfs /sys sysfs rw 0 0
$dev/sdd1 /media/card vfat rw 0 0
$t/by-id-whole /media/whole vfat rw 0 0
EOF
ln -s "$dev/sde" "$t/by-id-whole"               # mounted through a symlink
cat >"$proc/swaps" <<EOF
Filename	Type	Size	Used	Priority
$dev/sdf2	partition	1000	0	-2
EOF

# The image: sparse, some data at the start and near the end.
img="$t/sdcard.img"
truncate -s 8M "$img"
head -c 70000 /dev/urandom | dd of="$img" conv=notrunc status=none
head -c 5000 /dev/urandom | dd of="$img" bs=1k seek=7000 conv=notrunc status=none

export FLASH_SYSFS="$sys" FLASH_PROC="$proc"
unset FORCE YES || true

# run NAME WANT(refuse|write) DEV [VAR=value...]: runs flash.sh with stdin
# not a terminal; "refuse" wants a non-zero exit, a "flash: " message
# matching $want_msg, and the target untouched.
want_msg=
run() {
	name=$1 want=$2 target=$3; shift 3
	before=$( { cksum <"$target"; } 2>/dev/null || echo none)
	if env "$@" "$flash" "$target" "$img" </dev/null >"$t/out" 2>&1; then rc=0; else rc=$?; fi
	after=$( { cksum <"$target"; } 2>/dev/null || echo none)
	case $want in
	refuse)
		if [ "$rc" -eq 0 ]; then bad "$name (it wrote)"
		elif [ "$before" != "$after" ]; then bad "$name (target changed)"
		elif ! grep -q "^flash: .*$want_msg" "$t/out"; then bad "$name (message lacks '$want_msg')"
		else ok "$name"; fi ;;
	card) # a card larger than the image: card_checks looks at what it holds
		if [ "$rc" -ne 0 ]; then bad "$name (exit $rc)"
		elif ! grep -q "$want_msg" "$t/out"; then bad "$name (output lacks '$want_msg')"
		else ok "$name"; fi ;;
	write)
		if [ "$rc" -ne 0 ]; then bad "$name (exit $rc)"
		elif ! cmp -s -n "$(wc -c <"$img")" "$img" "$target"; then bad "$name (target differs from image)"
		elif [ -n "$want_msg" ] && ! grep -q "$want_msg" "$t/out"; then bad "$name (output lacks '$want_msg')"
		else ok "$name"; fi ;;
	esac
	want_msg=
}

want_msg="no device given"; run "refuses without DEV" refuse "" YES=1
want_msg="is the card in the reader"; run "refuses a device under /dev that does not exist" refuse "$dev/sdy" YES=1 TO_FILE=1 FLASH_DEVFS="$dev"
[ ! -e "$dev/sdy" ] && ok "  ... and creates no file there" || bad "  ... and creates no file there"
: >"$dev/sdb"   # a stray regular file where a card was meant, no disk of its name
want_msg="regular file under .*no card is there"; run "refuses a regular file under /dev, even with TO_FILE=1" refuse "$dev/sdb" YES=1 TO_FILE=1 FLASH_DEVFS="$dev"
want_msg="does not exist"; run "refuses a device that does not exist" refuse "$dev/sdz" YES=1
want_msg="is a partition"; run "refuses a partition" refuse "$dev/sdc1" YES=1
want_msg="sdd1 is mounted on /media/card"; run "refuses a disk with a mounted partition" refuse "$dev/sdd" YES=1 FORCE=1
want_msg="is mounted on /media/whole"; run "refuses a mounted disk (mounted through a symlink)" refuse "$dev/sde" YES=1 FORCE=1
want_msg="mounted on /media/card"; run "refuses a mounted disk named through a symlink" refuse "$t/by-id-card" YES=1
want_msg="is swap"; run "refuses a disk with a swap partition" refuse "$dev/sdf" YES=1 FORCE=1
want_msg="held by dm-0"; run "refuses a disk held by device mapper" refuse "$dev/sdg" YES=1 FORCE=1
want_msg="not a removable disk.*FORCE=1"; run "refuses a non-removable disk" refuse "$dev/sda" YES=1
want_msg="smaller than the image"; run "refuses a disk smaller than the image" refuse "$dev/sdh" YES=1
want_msg="no terminal to ask on; add YES=1"; run "asks before writing (no terminal: refuses)" refuse "$dev/sdc"
want_msg="Generic SD/MMC Reader, 15.9 GB"; run "writes a removable disk with YES=1, naming model and size" write "$dev/sdc" YES=1
: >"$dev/sdc"
want_msg="not removable; going on because FORCE=1"; run "writes a non-removable disk with FORCE=1" write "$dev/sda" YES=1 FORCE=1
want_msg="SC64G, 31.9 GB"; run "an SD slot (mmcblk) counts as removable" write "$dev/mmcblk0" YES=1
want_msg="USB Stick"; run "a disk on USB counts as removable" write "$dev/sdu" YES=1
: >"$t/plain.bin"
want_msg="regular file, not a disk.*TO_FILE=1"; run "refuses a regular file without TO_FILE=1" refuse "$t/plain.bin" YES=1
want_msg="a new file"; run "writes a regular file with TO_FILE=1" write "$t/plain.bin" YES=1 TO_FILE=1
head -c 1000 /dev/urandom >"$t/small.bin"
want_msg="smaller than the image"; run "refuses a regular file smaller than the image" refuse "$t/small.bin" YES=1 TO_FILE=1
want_msg="does not exist (to create a file.*TO_FILE=1)"; run "refuses a missing file without TO_FILE=1" refuse "$t/new.bin" YES=1
[ ! -e "$t/new.bin" ] && ok "  ... and creates no file" || bad "  ... and creates no file"
want_msg="no terminal to ask on"; run "a new file with TO_FILE=1, not confirmed" refuse "$t/new.bin" TO_FILE=1
[ ! -e "$t/new.bin" ] && ok "  ... creates no file" || bad "  ... creates no file (left $(wc -c <"$t/new.bin") bytes)"
want_msg="folder '$t/nodir' does not exist"; run "a new file in a folder that does not exist" refuse "$t/nodir/new.bin" YES=1 TO_FILE=1
want_msg="a new file"; run "writes a new file with TO_FILE=1" write "$t/new.bin" YES=1 TO_FILE=1
# Someone without the right to write the card hears so before the question.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	# The user runs a copy of the script in $t: the tree itself may lie
	# in a folder only root can enter (a clone in a mktemp -d folder).
	chmod 755 "$t"; cp "$flash" "$t/flash-copy.sh"; cp "$img" "$t/img-ro.img"
	head -c 9M /dev/zero >"$t/ro.bin"; chmod 644 "$t/ro.bin" "$t/img-ro.img"; chmod 755 "$t/flash-copy.sh"
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	if ! as_nobody test -x "$t/flash-copy.sh"; then
		skip=$((skip + 1)); echo "skip the permission test: $t is out of reach of an ordinary user"
	else
		if as_nobody env TO_FILE=1 "$t/flash-copy.sh" "$t/ro.bin" "$t/img-ro.img" \
			</dev/null >"$t/out" 2>&1; then rc=0; else rc=$?; fi
		if [ "$rc" -ne 0 ] && grep -q "^flash: cannot write .*permission denied" "$t/out" &&
			! grep -q "no terminal" "$t/out"; then ok "no permission: said before asking"
		else bad "no permission: said before asking ($(tail -1 "$t/out"))"; fi
	fi
	chmod 700 "$t"
else
	skip=$((skip + 1)); echo "skip the permission test: needs root and setpriv"
fi

# The question itself, on a pseudo-terminal (script(1) from bsdutils).
if command -v script >/dev/null; then
	: >"$dev/sdc"
	printf 'no\n' | script -qec "FLASH_SYSFS='$sys' FLASH_PROC='$proc' '$flash' '$dev/sdc' '$img'" /dev/null >"$t/out" 2>&1 || true
	if grep -q 'Type yes to go on' "$t/out" && grep -q 'not confirmed, nothing written' "$t/out" &&
		[ ! -s "$dev/sdc" ]; then ok "answering no writes nothing"; else bad "answering no writes nothing"; fi
	printf 'yes\n' | script -qec "FLASH_SYSFS='$sys' FLASH_PROC='$proc' '$flash' '$dev/sdc' '$img'" /dev/null >"$t/out" 2>&1 || true
	if grep -q 'flash: done' "$t/out" && cmp -s -n "$(wc -c <"$img")" "$img" "$dev/sdc"; then
		ok "answering yes writes"; else bad "answering yes writes"; fi
else
	skip=$((skip + 2)); echo "skip the prompt tests: script(1) missing"
fi

# A real block device: a loop device over a file. Needs root; skipped where
# the sandbox has no loop devices. The real /sys is used: a loop device is
# not removable, so FORCE=1.
unset FLASH_SYSFS FLASH_PROC
truncate -s 16M "$t/loop.bin"
if [ "$(id -u)" = 0 ] && loopdev=$(losetup -f --show "$t/loop.bin" 2>/dev/null); then
	want_msg="not a removable disk"; run "refuses a loop device without FORCE=1" refuse "$loopdev" YES=1
	want_msg="bytes)"; run "writes a loop device with FORCE=1 YES=1 (bmaptool verifies)" write "$loopdev" YES=1 FORCE=1
	losetup -d "$loopdev"; loopdev=
else
	loopdev=
	skip=$((skip + 2)); echo "skip the loop device tests: no loop device here"
fi

# ---- a used card: random bytes, then the real image layouts ----
mk="$(dirname "$here")/tools/mksdcard.sh"
export MTOOLS_SKIP_CHECK=1
head -c 300000 /dev/urandom >"$t/Image"
printf 'RSC\005' | dd of="$t/Image" bs=1 seek=56 conv=notrunc status=none
mkdir -p "$t/ub"
head -c 80000 /dev/urandom >"$t/ub/u-boot-spl.bin"
head -c 700000 /dev/urandom >"$t/ub/u-boot.itb"
"$mk" -k "$t/Image" -o "$t/plain.img" >/dev/null
"$mk" -k "$t/Image" -o "$t/hifive.img" -u "$t/ub" >/dev/null
head -c 400000 /dev/urandom >"$t/Image2"

# The vfat file system, mounted, if this machine can (else mtools).
can_mount=no
if [ "$(id -u)" = 0 ] && mkdir -p "$t/mnt" && truncate -s 16M "$t/probe.fat" &&
	mkfs.vfat "$t/probe.fat" >/dev/null 2>&1 && mount -o loop -t vfat "$t/probe.fat" "$t/mnt" 2>/dev/null; then
	umount "$t/mnt"; can_mount=yes
fi
echo "note: replacing /Image $( [ $can_mount = yes ] && echo 'by mount' || echo 'with mtools (this machine cannot mount vfat)')"

# card_checks NAME CARD FAT-START-SECTOR
card_checks() {
	n=$1 card=$2 start=$3
	check_out() { if "$@" >"$t/out" 2>&1; then ok "$cn"; else bad "$cn"; fi; }
	cn="$n: sgdisk -v finds no problem (backup GPT at the card's end)"
	check_out sh -c "sgdisk -v '$card' | grep -q 'No problems found'"
	fat_mib=32
	dd if="$card" of="$t/fat.bin" bs=512 skip="$start" count=$((fat_mib * 2048)) status=none
	cn="$n: fsck.fat -n finds nothing to fix"
	check_out sh -c "fsck.fat -n '$t/fat.bin' && ! fsck.fat -n '$t/fat.bin' | grep -qi 'error\|dirty\|lost\|bad\|differ'"
	cn="$n: the FAT is nearly all free (no old data taken for files)"
	check_out sh -c "fsck.fat -n '$t/fat.bin' | sed -n 's/.* \([0-9]*\)\/\([0-9]*\) clusters/\1 \2/p' | awk '{ exit !(\$1 * 10 < \$2) }'"
	cn="$n: /Image reads back"
	check_out sh -c "mtype -i '$card@@$((start * 512))' ::/Image | cmp -s - '$t/Image'"
	cn="$n: a new /Image replaces the old one"
	if [ $can_mount = yes ]; then
		check_out sh -c "mount -o loop,offset=$((start * 512)),sizelimit=$((fat_mib << 20)) -t vfat '$card' '$t/mnt' &&
			cp '$t/Image2' '$t/mnt/Image' && umount '$t/mnt'"
	else
		check_out mcopy -o -i "$card@@$((start * 512))" "$t/Image2" ::/Image
	fi
	dd if="$card" of="$t/fat.bin" bs=512 skip="$start" count=$((fat_mib * 2048)) status=none
	cn="$n: after the new /Image, fsck.fat -n still finds nothing and it reads back"
	check_out sh -c "fsck.fat -n '$t/fat.bin' && mtype -i '$card@@$((start * 512))' ::/Image | cmp -s - '$t/Image2' &&
		mtype -i '$card@@$((start * 512))' ::/extlinux/extlinux.conf | grep -q 'kernel /Image'"
}
for layout in plain hifive; do
	start=2048; [ $layout = hifive ] && start=16384
	head -c 80M /dev/urandom >"$t/card.bin"
	want_msg="written in place like a card"
	img="$t/$layout.img"
	run "used card ($layout): a file of random bytes, TO_FILE=1" card "$t/card.bin" YES=1 TO_FILE=1
	card_checks "used card ($layout)" "$t/card.bin" "$start"
done
# The same through bmaptool on a block device: a loop device over random bytes.
if [ "$(id -u)" = 0 ] && head -c 80M /dev/urandom >"$t/card.bin" &&
	loopdev=$(losetup -f --show "$t/card.bin" 2>/dev/null); then
	want_msg="flash: done"
	img="$t/hifive.img"
	run "used card (hifive) on a loop device: bmaptool, sgdisk -e" card "$loopdev" YES=1 FORCE=1
	losetup -d "$loopdev"; loopdev=
	card_checks "used card on a loop device" "$t/card.bin" 16384
else
	loopdev=
	skip=$((skip + 1)); echo "skip the used card on a loop device: no loop device here"
fi

echo "flash: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
