#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine (as root):
# QEMU user emulation for the cross-architecture runs and the Fashion-MNIST
# test set that the accuracy tests read.
set -euo pipefail
pkgs=()
for q in qemu-aarch64-static qemu-arm-static qemu-x86_64-static; do
	command -v "$q" >/dev/null || { pkgs+=(qemu-user-static); break; }
done
[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ] || pkgs+=(dataset-fashion-mnist)
[ ${#pkgs[@]} = 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "missing: ${pkgs[*]}; install them with apt-get or run as root" >&2
	exit 1
fi
echo "installing ${pkgs[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q "${pkgs[@]}" >/dev/null
