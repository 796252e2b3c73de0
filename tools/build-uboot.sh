#!/bin/sh
# build-uboot.sh - U-Boot SPL + U-Boot ITB (with OpenSBI) for a HiFive board.
#
# usage: tools/build-uboot.sh sifive_unleashed|sifive_unmatched OUTDIR
#
# Puts spl/u-boot-spl.bin and u-boot.itb into OUTDIR. Debian bookworm ships
# no U-Boot for the HiFive boards, so this builds it from Debian's own
# `u-boot` source package, the same version as the installed u-boot-qemu
# (docs/porting.md, "U-Boot"). A build takes minutes, so the results are
# cached outside build/ (they survive `make clean`):
#
#   $UBOOT_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/calf/u-boot)
#     src/                      the fetched and unpacked source package
#     <u-boot ver>+opensbi-<ver>/<board>/u-boot-spl.bin, u-boot.itb
#
# The key holds both versions because the ITB embeds OpenSBI's
# fw_dynamic.bin: a new OpenSBI package must give a new ITB.
set -eu

die() { echo "build-uboot: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 sifive_unleashed|sifive_unmatched OUTDIR"
board=$1
out=$2
case $board in
sifive_unleashed|sifive_unmatched) ;;
*) die "unknown board '$board' (sifive_unleashed or sifive_unmatched)" ;;
esac

OPENSBI=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
[ -f "$OPENSBI" ] || die "$OPENSBI missing: apt-get install opensbi (or make deps)"
command -v riscv64-linux-gnu-gcc >/dev/null ||
	die "riscv64-linux-gnu-gcc missing: apt-get install gcc-riscv64-linux-gnu (or make deps)"

ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }
uver=$(ver u-boot-qemu)
[ -n "$uver" ] || die "u-boot-qemu is not installed (make deps): its version picks the source"
over=$(ver opensbi)
cache=${UBOOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/calf/u-boot}
key="$uver+opensbi-$over"
dest="$cache/$key/$board"

install_results() {
	mkdir -p "$out"
	cp "$dest/u-boot-spl.bin" "$dest/u-boot.itb" "$out/"
	echo "build-uboot: $board U-Boot $uver (cached in $dest) -> $out"
}

if [ -f "$dest/u-boot.itb" ] && [ -f "$dest/u-boot-spl.bin" ]; then
	install_results
	exit 0
fi

# `make -j` may start this for both boards at once: they share the source
# folder, so one runs at a time (each build uses every core anyway).
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ -f "$dest/u-boot.itb" ] && [ -f "$dest/u-boot-spl.bin" ]; then
	install_results
	exit 0
fi

# ---- fetch the source package, without touching the system's apt setup ----
# A private sources folder with deb-src lines copied from the system's deb
# lines, and private package lists: `apt-get source` needs deb-src, and
# adding it system-wide is not ours to do.
src="$cache/src"
upstream=${uver%-*}        # 2023.01+dfsg-2+deb12u3 -> 2023.01+dfsg
upstream=${upstream#*:}
tree="$src/u-boot-$upstream"   # dpkg-source names the folder so
stamp="$src/.unpacked-$uver"
if [ ! -f "$stamp" ]; then
	echo "build-uboot: fetching Debian source package u-boot=$uver"
	rm -rf "$src"
	mkdir -p "$src/apt/sources" "$src/apt/lists/partial"
	found=
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		sed 's/^Types:.*/Types: deb-src/' "$f" >"$src/apt/sources/$(basename "$f")"
		found=1
	done
	if [ -f /etc/apt/sources.list ]; then
		sed -n 's/^deb[[:space:]]/deb-src /p' /etc/apt/sources.list >"$src/apt/sources/main.list"
		[ -s "$src/apt/sources/main.list" ] && found=1
	fi
	[ -n "$found" ] || die "no apt sources found in /etc/apt to derive deb-src from"
	set -- -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$src/apt/sources" \
		-o "Dir::State::Lists=$src/apt/lists"
	apt-get "$@" -q update >"$src/apt-update.log" 2>&1 ||
		{ cat "$src/apt-update.log" >&2; die "apt-get update of the deb-src lists failed"; }
	# Unpacking applies Debian's patches (dpkg-source, package dpkg-dev).
	(cd "$src" && apt-get "$@" -q source "u-boot=$uver") >"$src/apt-source.log" 2>&1 ||
		{ cat "$src/apt-source.log" >&2; die "apt-get source u-boot=$uver failed"; }
	[ -d "$tree" ] || tree=$(find "$src" -maxdepth 1 -type d -name 'u-boot-*' | head -n 1)
	[ -n "$tree" ] && [ -f "$tree/Makefile" ] || die "unpacked source not found under $src"
	touch "$stamp"
fi
[ -d "$tree" ] || tree=$(find "$src" -maxdepth 1 -type d -name 'u-boot-*' | head -n 1)

# ---- build one defconfig, out of tree ----
# The Linux-target cross compiler: the bare-metal one fails on an EFI
# shared object that U-Boot builds (docs/porting.md).
obj="$src/build-$board"
jobs=$(nproc 2>/dev/null || echo 2)
echo "build-uboot: building ${board}_defconfig with $jobs jobs (a few minutes, once)"
rm -rf "$obj"
make -s -C "$tree" O="$obj" CROSS_COMPILE=riscv64-linux-gnu- "${board}_defconfig"
make -s -C "$tree" O="$obj" CROSS_COMPILE=riscv64-linux-gnu- OPENSBI="$OPENSBI" \
	-j"$jobs" >"$obj.log" 2>&1 ||
	{ tail -n 40 "$obj.log" >&2; die "U-Boot build failed (whole log: $obj.log)"; }
mkdir -p "$dest"
cp "$obj/spl/u-boot-spl.bin" "$obj/u-boot.itb" "$dest/"
rm -rf "$obj"
install_results
