#!/bin/sh
# mksdcard.sh - build a bootable GPT SD-card image for U-Boot, without root.
#
# usage: tools/mksdcard.sh -k IMAGE -o OUT [-a APPEND] [-u UBOOTDIR] [-s FAT_MIB]
#
#   -k IMAGE     the kernel, a flat Image with the RISC-V Linux Image header
#   -o OUT       the disk image to write
#   -a APPEND    the extlinux `append` line (the kernel's /chosen/bootargs);
#                the test images differ from the user's only here
#   -u UBOOTDIR  a folder with u-boot-spl.bin and u-boot.itb: add the HiFive
#                boot chain, so a blank card boots the board by itself
#   -s FAT_MIB   size of the FAT boot partition (default 32)
#
# Layout (sectors of 512 bytes):
#   plain image:  1: 2048..      FAT, "legacy BIOS bootable"
#   with -u:      1: 34..2081    U-Boot SPL  type 5B193300-FC78-40CD-8002-E86C45580B47
#                 2: 2082..10273 U-Boot ITB  type 2E54B353-1271-4842-806F-E436D6AF6985
#                 3: 16384..     FAT, "legacy BIOS bootable"
# The GUIDs and sectors are what the FU540/FU740 boot ROM and SPL look for
# (U-Boot doc/board/sifive/unleashed.rst, unmatched.rst): the ROM loads the
# partition typed as SPL; SPL reads the ITB from raw sector 2082.
# U-Boot's standard boot scans only partitions with the bootable attribute
# when any has it, and finds /extlinux/extlinux.conf there.
#
# No mount, no loop device: the FAT file system is made in a file of its own
# (mkfs.vfat + mtools), the GPT in the disk file (sgdisk), and dd puts the
# pieces at their sectors. The FAT partition is written whole, zeros and
# all: bmaptool writes only the blocks a file holds, and a card that held
# data keeps its old bytes wherever it skips, so a sparse FAT came out with
# garbage in its tables, directories and free clusters (fsck.fat found tens
# of thousands of errors). The rest of the disk file stays sparse (holes
# between the partitions and after them): nothing reads it.
set -eu

die() { echo "mksdcard: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "$1 missing: apt-get install $2 (or make deps)"; }

kernel= out= append= ubootdir= fat_mib=32
while getopts k:o:a:u:s: opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	o) out=$OPTARG ;;
	a) append=$OPTARG ;;
	u) ubootdir=$OPTARG ;;
	s) fat_mib=$OPTARG ;;
	*) die "usage: $0 -k IMAGE -o OUT [-a APPEND] [-u UBOOTDIR] [-s FAT_MIB]" ;;
	esac
done
[ -n "$kernel" ] && [ -n "$out" ] || die "usage: $0 -k IMAGE -o OUT [-a APPEND] [-u UBOOTDIR] [-s FAT_MIB]"
[ -f "$kernel" ] || die "kernel image '$kernel' not found (run make first)"
case $fat_mib in ''|*[!0-9]*) die "-s wants a size in MiB, got '$fat_mib'" ;; esac
[ "$fat_mib" -ge 16 ] || die "-s: the FAT partition needs at least 16 MiB"
need sgdisk gdisk
need mkfs.vfat dosfstools
need mcopy mtools

# booti refuses an image without the RISC-V Image header: check it here,
# where the message is clear, not on a board's serial console.
magic=$(dd if="$kernel" bs=1 skip=56 count=4 2>/dev/null | od -An -c | tr -d ' ')
[ "$magic" = 'RSC005' ] || die "'$kernel' has no RISC-V Image header (magic2 'RSC\\x05' at offset 56)"

if [ -n "$ubootdir" ]; then
	spl="$ubootdir/u-boot-spl.bin"
	itb="$ubootdir/u-boot.itb"
	[ -f "$spl" ] && [ -f "$itb" ] || die "'$ubootdir' lacks u-boot-spl.bin or u-boot.itb"
	# Partition sizes are fixed by the boards: refuse what would not fit.
	[ "$(wc -c <"$spl")" -le $((2048 * 512)) ] || die "$spl is larger than its 1 MiB partition"
	[ "$(wc -c <"$itb")" -le $((8192 * 512)) ] || die "$itb is larger than its 4 MiB partition"
	fat_start=16384
	fat_part=3
else
	fat_start=2048         # 1 MiB: the usual alignment for flash media
	fat_part=1
fi
fat_sectors=$((fat_mib * 2048))
fat_end=$((fat_start + fat_sectors - 1))
# The backup GPT takes the last 33 sectors. Round the disk up to a power
# of two MiB: QEMU's SD card model refuses other sizes, and the padding is
# a hole, so it costs neither disk space nor flashing time. On a card the
# backup GPT belongs at the card's end: tools/flash.sh moves it there
# (sgdisk -e) after writing.
need_mib=$(( (fat_end + 1 + 33 + 2047) / 2048 ))
total_mib=1
while [ "$total_mib" -lt "$need_mib" ]; do total_mib=$((total_mib * 2)); done

tmp="$out.tmp.d"
rm -rf "$tmp" "$out.part"
mkdir -p "$tmp" "$(dirname "$out")"
trap 'rm -rf "$tmp" "$out.part"' EXIT

# ---- the FAT boot partition, as a file of its own ----
cat >"$tmp/extlinux.conf" <<EOF
# calf boot menu, read by U-Boot's standard boot (extlinux format).
# No prompt: U-Boot boots the default label at once. U-Boot passes its own
# device tree to the kernel; the append line becomes /chosen/bootargs.
default calf
label calf
	kernel /Image
EOF
# An `append` with nothing after it crashes U-Boot 2023.01's parser
# ("Expected string literal", then a load access fault): leave it out.
[ -z "$append" ] || printf '\tappend %s\n' "$append" >>"$tmp/extlinux.conf"
# FAT32 needs at least 65525 clusters: below 256 MiB use FAT16 (mkfs.vfat
# -F 32 fails on a 32 MiB file).
if [ "$fat_mib" -lt 256 ]; then fatbits=16; else fatbits=32; fi
truncate -s "${fat_mib}M" "$tmp/fat.img"
mkfs.vfat -F "$fatbits" -n CALF-BOOT -i CA1F0001 "$tmp/fat.img" >/dev/null
# MTOOLS_SKIP_CHECK: mtools would complain about the geometry of a bare file.
export MTOOLS_SKIP_CHECK=1
mmd -i "$tmp/fat.img" ::/extlinux
mcopy -i "$tmp/fat.img" "$kernel" ::/Image
mcopy -i "$tmp/fat.img" "$tmp/extlinux.conf" ::/extlinux/extlinux.conf

# ---- the disk: GPT, then the pieces at their sectors ----
rm -f "$out.part"
truncate -s "${total_mib}M" "$out.part"
# -a 1: sgdisk aligns partition starts to 2048 sectors by default, but the
# SPL partition must start at sector 34, right after the partition table.
if [ -n "$ubootdir" ]; then
	sgdisk -a 1 \
		-n 1:34:2081 -t 1:5B193300-FC78-40CD-8002-E86C45580B47 -c 1:spl \
		-n 2:2082:10273 -t 2:2E54B353-1271-4842-806F-E436D6AF6985 -c 2:uboot \
		"$out.part" >/dev/null
	dd if="$spl" of="$out.part" bs=512 seek=34 conv=notrunc status=none
	dd if="$itb" of="$out.part" bs=512 seek=2082 conv=notrunc status=none
fi
# Attribute bit 2 is "legacy BIOS bootable", the flag U-Boot's scan
# (part list -bootable, bootstd) looks for. 0700 = Microsoft basic data:
# desktop systems mount it, so the kernel can be replaced by hand.
sgdisk -a 1 -n "$fat_part:$fat_start:$fat_end" -t "$fat_part:0700" -c "$fat_part:calf-boot" \
	-A "$fat_part:set:2" "$out.part" >/dev/null
dd if="$tmp/fat.img" of="$out.part" bs=512 seek="$fat_start" conv=notrunc status=none
sgdisk -v "$out.part" | grep -q 'No problems found' || { sgdisk -v "$out.part" >&2; die "GPT check failed"; }
mv "$out.part" "$out"
echo "mksdcard: $out (${total_mib} MiB; boot partition $fat_part, FAT$fatbits${ubootdir:+, with U-Boot SPL + ITB}; append '$append')"
