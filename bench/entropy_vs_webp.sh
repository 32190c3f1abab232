#!/usr/bin/env bash
# Compares edgerun's entropy-coded latent stream with lossless WebP of the
# same latent tiled as the WaLLoC reference tiles it (latent_to_pil).
#
#   bench/entropy_vs_webp.sh DIR     (default: testdata/walloc)
#
# DIR holds int8 latent .npy files ([1,C,h,w], [C,h,w], [1,C,n] or [C,n]).
# Until a trained codec's latents are at hand, bench/pseudo_latents.py OUT
# writes stand-ins (PCA projection of real photographs' wavelet packets).
# Needs cwebp (Debian: apt-get install webp). Prints one row per latent
# and a total; sizes in bytes, bits per latent value in parentheses.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-testdata/walloc}
command -v cwebp >/dev/null || { echo "cwebp not found (apt-get install webp)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shopt -s nullglob
files=("$dir"/*.npy)
[ ${#files[@]} -gt 0 ] || { echo "no .npy files in $dir" >&2; exit 1; }
go run ./bench/latentsize -out "$tmp" "${files[@]}" >"$tmp/sizes" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
printf '%-24s %9s %16s %16s %16s %s\n' latent values stream png webp-lossless winner
tv=0 ts=0 tp=0 tw=0
while read -r name values stream png colors; do
	cwebp -quiet -lossless -z 9 -exact "$tmp/$name.png" -o "$tmp/$name.webp"
	webp=$(stat -c %s "$tmp/$name.webp")
	bpv() { awk -v b="$1" -v n="$values" 'BEGIN { printf "%.3f", 8*b/n }'; }
	win=stream
	[ "$webp" -lt "$stream" ] && win=webp
	printf '%-24s %9d %7d (%5s) %7d (%5s) %7d (%5s) %s\n' "$name" "$values" \
		"$stream" "$(bpv "$stream")" "$png" "$(bpv "$png")" "$webp" "$(bpv "$webp")" "$win"
	tv=$((tv + values)) ts=$((ts + stream)) tp=$((tp + png)) tw=$((tw + webp))
done <"$tmp/sizes"
printf '%-24s %9d %7d %7s  %7d %7s  %7d\n' total "$tv" "$ts" "" "$tp" "" "$tw"
