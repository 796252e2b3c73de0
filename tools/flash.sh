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
# Then bmaptool writes only the blocks the image uses (the image is sparse)
# with a progress display, and checks them against the checksums in the
# bmap file.
#
# A regular file as DEV is written like a disk (for trying this out) with
# none of the disk checks, unless a disk of its name appears in the sysfs
# tree (so the tests can stand a file in for a disk).
#
# Environment, for the tests: FLASH_SYSFS (default /sys) and FLASH_PROC
# (default /proc) point the checks at fixture trees instead of the real ones.
set -eu

SYSFS=${FLASH_SYSFS:-/sys}
PROC=${FLASH_PROC:-/proc}
FORCE=${FORCE:-}
YES=${YES:-}

die() { echo "flash: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 DEV IMAGE"
dev=$1
image=$2
[ -n "$dev" ] || die "no device given: make flash DEV=/dev/sdX (lsblk lists the disks; the card is the one that appears when you plug it in)"
[ -f "$image" ] || die "image '$image' not found"
[ -e "$dev" ] || die "'$dev' does not exist"

# The kernel's name of the disk (sdb, mmcblk0), through any symlink such
# as /dev/disk/by-id/...
real=$(readlink -f "$dev")
name=$(basename "$real")
sysdev="$SYSFS/class/block/$name"

if [ -b "$real" ] || { [ -f "$real" ] && [ -e "$sysdev" ]; }; then
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
elif [ -f "$real" ]; then
	what="a regular file, $(wc -c <"$real") bytes"
else
	die "'$dev' is neither a block device nor a regular file"
fi

echo "flash: $image -> $dev"
echo "flash: $dev is $what"
if [ "$YES" != 1 ]; then
	[ -t 0 ] || die "no terminal to ask on; add YES=1 to write without asking"
	printf 'flash: everything on %s will be lost. Type yes to go on: ' "$dev"
	read -r answer || answer=
	[ "$answer" = yes ] || die "not confirmed, nothing written"
fi

command -v bmaptool >/dev/null || die "bmaptool missing: apt-get install bmap-tools (or make deps)"
# The bmap lists the blocks the sparse image really uses, with checksums;
# make it fresh so it always matches the image.
bmap="$image.bmap"
if [ ! -f "$bmap" ] || [ "$image" -nt "$bmap" ]; then
	bmaptool create -o "$bmap" "$image"
fi
# bmaptool shows progress on a terminal and verifies what it wrote.
bmaptool copy --bmap "$bmap" "$image" "$dev"
sync
echo "flash: done; $dev can be removed"
