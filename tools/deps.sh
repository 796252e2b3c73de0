#!/bin/sh
# deps.sh - make sure the Debian packages the build and tests need are here.
#
# As root, installs what is missing with apt-get. Otherwise prints the
# exact command to run and fails, so `make run` never half-works.
set -e

PACKAGES="gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf \
qemu-system-misc opensbi u-boot-qemu u-boot-tools \
picolibc-riscv64-unknown-elf device-tree-compiler gcc make python3 \
gdisk dosfstools mtools bmap-tools dpkg-dev xz-utils gcc-riscv64-linux-gnu bison flex bc swig libssl-dev libgnutls28-dev uuid-dev python3-pyelftools python3-libfdt python3-setuptools pkg-config \
gdb-multiarch"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

echo "deps: missing Debian packages:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: run this, then try again:"
	echo "  sudo apt-get update && sudo apt-get install -y$missing"
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q $missing
