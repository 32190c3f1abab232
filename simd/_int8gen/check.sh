#!/bin/sh
# Checks the hand-encoded instructions of the int8 GEMM and requantisation
# kernels with llvm-mc:
# every arm64 WORD must disassemble to the mnemonic in its comment, and the
# AVX-VNNI (VEX) kernels must disassemble to the same instructions as their
# EVEX twins (i8MicroVNNI256, i8Row1VNNI256), which the tests run on
# AVX-512 VNNI machines.
# Run from the repository root; needs llvm-mc and Go.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat simd/int8_arm64.s simd/requant_arm64.s | grep 'WORD \$0x' |
	sed 's/.*WORD \$0x\(..\)\(..\)\(..\)\(..\) \/\/ \(.*\)/0x\4 0x\3 0x\2 0x\1 # \5/' >"$tmp/w"
cut -d'#' -f1 "$tmp/w" | llvm-mc -disassemble -triple=aarch64 -mattr=+dotprod,+i8mm |
	grep -v '\.text' | sed 's/^[[:space:]]*//; s/[[:space:]]\{1,\}/ /g' >"$tmp/got"
cut -d'#' -f2 "$tmp/w" | sed 's/^[[:space:]]*//; s/[[:space:]]\{1,\}/ /g' >"$tmp/want"
diff "$tmp/want" "$tmp/got"
echo "arm64: $(wc -l <"$tmp/got") WORD encodings match their mnemonics"
GOARCH=amd64 go tool asm -I "$(go env GOROOT)/pkg/include" -p simd -o "$tmp/k.o" simd/int8_amd64.s
for f in i8MicroAVXVNNI i8MicroVNNI256 i8Row1AVXVNNI i8Row1VNNI256; do
	go tool objdump -s "$f\$" "$tmp/k.o" | awk 'NR>1{printf "%s", $3}' | sed 's/../0x& /g' |
		llvm-mc -disassemble -triple=x86_64 -mattr=+avxvnni,+avx512vnni,+avx512vl |
		grep -v '\.text' | sed 's/{vex}//; s/^[[:space:]]*//; s/[[:space:]]\{1,\}/ /g' | grep -v '^j' >"$tmp/$f"
done
diff "$tmp/i8MicroVNNI256" "$tmp/i8MicroAVXVNNI"
diff "$tmp/i8Row1VNNI256" "$tmp/i8Row1AVXVNNI"
echo "amd64: AVX-VNNI kernels decode to the same $(cat "$tmp/i8MicroAVXVNNI" "$tmp/i8Row1AVXVNNI" | grep -c vpdpbusd) vpdpbusd sequences as their EVEX twins"
