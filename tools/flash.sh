#!/bin/sh
# flash.sh - write an SD-card image to a card, carefully.
#
# usage: tools/flash.sh DEV IMAGE        (make flash DEV=/dev/sdX)
#
# Writing to the wrong disk destroys it, so before anything is written:
#   - DEV must be given and exist; a partition (/dev/sdb1) is refused: the
#     image holds its own partition table and goes to the whole disk;
#   - DEV must not be mounted, hold a mounted partition, be used as swap, or
#     be held by another device (LVM, RAID, dm-crypt);
#   - DEV must look removable (sysfs removable=1, an MMC/SD slot, or on USB)
#     unless FORCE=1;
#   - its model and size are printed and "yes" must be typed, unless YES=1.
# Then bmaptool writes only the blocks the image uses (the holes between
# and after its partitions are skipped; the FAT partition is data, all of
# it: tools/mksdcard.sh), with a progress display, checking the image
# against the checksums in the bmap file. Last, the backup GPT is moved to
# the end of the card (sgdisk -e): the image puts it at its own end, in
# the middle of a larger card, and `sgdisk -v` and fdisk would complain.
#
# A regular file as DEV is written only with TO_FILE=1, and never one
# under /dev: there it is a stray file left where a card was meant (a
# write to /dev/sdb with no card in the reader creates one), and writing
# it would report success with no card written. TO_FILE=1 treats the file
# as a card: created if missing, otherwise written in place - only the
# blocks the bmap lists, the rest of the file kept, as a card keeps it
# (bmaptool would truncate the file) - then the same sgdisk -e.
#
# Every refusal says why, on a line starting "flash: ".
#
# Environment, for the tests: FLASH_SYSFS (default /sys) and FLASH_PROC
# (default /proc) point the checks at fixture trees instead of the real
# ones; with FLASH_SYSFS set, a regular file with a disk of its name in
# that tree stands in for the disk. FLASH_DEVFS (default /dev) is where
# device nodes live.
set -eu

SYSFS=${FLASH_SYSFS:-/sys}
PROC=${FLASH_PROC:-/proc}
DEVFS=${FLASH_DEVFS:-/dev}
FORCE=${FORCE:-}
YES=${YES:-}
TO_FILE=${TO_FILE:-}

die() { echo "flash: $*" >&2; exit 1; }
new_file=no

[ $# -eq 2 ] || die "usage: $0 DEV IMAGE"
dev=$1
image=$2
[ -n "$dev" ] || die "no device given: make flash DEV=/dev/sdX (lsblk lists the disks; the card is the one that appears when you plug it in)"
[ -f "$image" ] || die "image '$image' not found"
if [ ! -e "$dev" ]; then
	case $dev in
	"$DEVFS"/*) die "'$dev' does not exist: is the card in the reader? (lsblk lists the disks)" ;;
	esac
	[ "$TO_FILE" = 1 ] || die "'$dev' does not exist (to create a file holding a card's image, add TO_FILE=1)"
	# Created only once the write is confirmed: a refusal leaves nothing.
	dir=$(dirname "$dev")
	[ -d "$dir" ] || die "cannot create '$dev': the folder '$dir' does not exist"
	[ -w "$dir" ] || die "cannot create '$dev': no permission to write in '$dir'"
	new_file=yes
fi

# The kernel's name of the disk (sdb, mmcblk0), through any symlink such
# as /dev/disk/by-id/...
real=$(readlink -f "$dev")
name=$(basename "$real")
sysdev="$SYSFS/class/block/$name"

if [ -b "$real" ] || { [ -f "$real" ] && [ -n "${FLASH_SYSFS:-}" ] && [ -e "$sysdev" ]; }; then
	[ -e "$sysdev" ] || die "'$dev' ($name) is not in $SYSFS/class/block: cannot check it"
	[ ! -e "$sysdev/partition" ] ||
		die "'$dev' is a partition; give the whole disk (e.g. /dev/sdb, /dev/mmcblk0), the image has its own partition table"

	# Every name that stands for this disk: the disk and its partitions.
	names=$name
	for p in "$sysdev"/*/partition; do
		[ -e "$p" ] || continue
		names="$names $(basename "$(dirname "$p")")"
	done
	# /proc/mounts and /proc/swaps name devices by path, perhaps through a
	# symlink (/dev/disk/by-uuid/...): compare kernel names.
	in_use() { # $1 = a device path from mounts or swaps
		n=$(basename "$(readlink -f "$1" 2>/dev/null || echo "$1")")
		for x in $names; do [ "$n" = "$x" ] && return 0; done
		return 1
	}
	if [ -r "$PROC/mounts" ]; then
		while read -r src mnt _rest; do
			case $src in /*) ;; *) continue ;; esac
			in_use "$src" && die "'$dev' is in use: $src is mounted on $mnt (unmount it first: umount $src)"
		done <"$PROC/mounts"
	fi
	if [ -r "$PROC/swaps" ]; then
		while read -r src _rest; do
			case $src in /*) ;; *) continue ;; esac
			in_use "$src" && die "'$dev' is in use: $src is swap (swapoff $src first)"
		done <"$PROC/swaps"
	fi
	for x in $names; do
		h="$SYSFS/class/block/$x/holders"
		[ -d "$h" ] && [ -n "$(ls -A "$h")" ] &&
			die "'$dev' is in use: $x is held by $(ls "$h" | tr '\n' ' ')(LVM, RAID or dm-crypt)"
	done

	# Removable: the removable flag (USB card readers), an SD/MMC slot
	# (mmcblk: the flag is 0 there although cards come and go), or a disk on
	# USB. A fixed internal disk is refused: that is where mistakes hurt.
	removable=no
	[ "$(cat "$sysdev/removable" 2>/dev/null || echo 0)" = 1 ] && removable=yes
	case $name in mmcblk*) removable=yes ;; esac
	case $(readlink -f "$sysdev" 2>/dev/null || true) in */usb*) removable=yes ;; esac
	if [ "$removable" = no ]; then
		[ "$FORCE" = 1 ] || die "'$dev' is not a removable disk; if you really mean it, add FORCE=1"
		echo "flash: '$dev' is not removable; going on because FORCE=1"
	fi

	model=$(cat "$sysdev/device/vendor" "$sysdev/device/model" 2>/dev/null | tr -s ' \n' ' ' | sed 's/ *$//')
	[ -n "$model" ] || model=$(cat "$sysdev/device/name" 2>/dev/null || true)
	[ -n "$model" ] || [ ! -f "$sysdev/loop/backing_file" ] ||
		model="loop device over $(cat "$sysdev/loop/backing_file")"
	[ -n "$model" ] || model="unknown model"
	sectors=$(cat "$sysdev/size" 2>/dev/null || echo 0)
	bytes=$((sectors * 512))
	[ "$bytes" -gt 0 ] || die "'$dev' has size 0: is a card in the reader?"
	what="$model, $(awk -v b="$bytes" 'BEGIN { printf "%.1f GB (%d bytes)", b / 1e9, b }')"
	need=$(wc -c <"$image")
	[ "$bytes" -ge "$need" ] || die "'$dev' ($bytes bytes) is smaller than the image ($need bytes)"
elif [ -f "$real" ] || [ "$new_file" = yes ]; then
	case $real in
	"$DEVFS"/*) die "'$dev' is a regular file under $DEVFS, not a device: no card is there (a stray file left by an earlier write to a card that was not in the reader?); remove it, insert the card, and look again with lsblk" ;;
	esac
	case $dev in
	"$DEVFS"/*) die "'$dev' leads to a regular file ($real), not a device: refusing" ;;
	esac
	[ "$TO_FILE" = 1 ] || die "'$dev' is a regular file, not a disk; to write the image into a file that stands for a card, add TO_FILE=1"
	size=0
	[ "$new_file" = yes ] || size=$(wc -c <"$real")
	need=$(wc -c <"$image")
	if [ "$size" -eq 0 ]; then
		what="a new file (as large as the image, $need bytes)"
	else
		[ "$size" -ge "$need" ] || die "'$dev' ($size bytes) is smaller than the image ($need bytes)"
		what="a regular file of $size bytes, written in place like a card"
	fi
else
	die "'$dev' is neither a block device nor a regular file"
fi

# Asked only when the write can be done: a missing tool or a permission
# error is said now.
command -v bmaptool >/dev/null || die "bmaptool missing: apt-get install bmap-tools (or make deps)"
command -v sgdisk >/dev/null || die "sgdisk missing: apt-get install gdisk (or make deps)"
[ "$new_file" = yes ] || [ -w "$real" ] ||
	die "cannot write '$dev': permission denied (run make flash as root, with sudo, or as a member of the disk group)"

echo "flash: $image -> $dev"
echo "flash: $dev is $what"
if [ "$YES" != 1 ]; then
	[ -t 0 ] || die "no terminal to ask on; add YES=1 to write without asking"
	printf 'flash: everything on %s will be lost. Type yes to go on: ' "$dev"
	read -r answer || answer=
	[ "$answer" = yes ] || die "not confirmed, nothing written"
fi

[ "$new_file" = no ] || : >"$dev" || die "cannot create '$dev'"
# The bmap lists the blocks the image really uses, with checksums; make it
# fresh so it always matches the image.
bmap="$image.bmap"
if [ ! -f "$bmap" ] || [ "$image" -nt "$bmap" ]; then
	bmaptool create -o "$bmap" "$image" || die "bmaptool could not map '$image'"
fi
if [ -b "$real" ]; then
	# bmaptool shows progress on a terminal and checks the image it reads.
	bmaptool copy --bmap "$bmap" "$image" "$dev" || die "bmaptool failed writing '$dev'"
else
	"$(dirname "$0")/bmap-write.py" "$image" "$bmap" "$real" || die "writing '$dev' failed"
fi
sync
# The image's backup GPT sits at the image's end; a card is larger. Move
# it to the card's last sectors (and fix the protective MBR's size). Only
# for an image with a GPT ("EFI PART" in sector 1), as the ones
# tools/mksdcard.sh makes.
if [ "$(dd if="$image" bs=1 skip=512 count=8 status=none)" = "EFI PART" ]; then
	err=$(sgdisk -e "$dev" 2>&1 >/dev/null) ||
		die "sgdisk -e could not move the backup GPT to the end of '$dev': $err"
	sync
fi
echo "flash: done; $dev can be removed"
