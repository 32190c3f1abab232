#!/usr/bin/env bash
# edgerun against the runtimes users would otherwise pick, measured side by
# side on this machine in one run (make bench-peers).
#
# For every row the harness runs edgerun and the peer alternately, ROUNDS
# times each, on identical inputs, with one thread and with every core, and
# prints the median over rounds of each side's median time per call, the
# process CPU time per call (all threads; the fair figure on a shared,
# loaded machine) and the speed ratios peer/edgerun (above 1: edgerun is
# faster). Rows with an acceptance target say met or MISSED.
#
# Peers: OpenBLAS through Debian's NumPy, PyWavelets, PyTorch (Debian
# python3-numpy, python3-pywt, python3-torch, python3-onnx; installed with
# apt-get when missing and run as root) and ONNX Runtime (onnxruntime-node,
# installed with npm --ignore-scripts into bench/.peers/). A peer that is
# missing or fails, or an edgerun side that cannot run, prints its row as
# FAILED and makes the script exit non-zero at the end; nothing is skipped.
#
#   bench/peers.sh                 ROUNDS=3 BUDGET=1 (seconds per measurement)
#   THREADS=4 bench/peers.sh       "all cores" thread count (default: nproc)
#   SECTIONS="gemm encoder" bench/peers.sh   any of: gemm int8 wpt encoder models
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROUNDS=${ROUNDS:-3}
BUDGET=${BUDGET:-1}
NT=${THREADS:-$(getconf _NPROCESSORS_ONLN)}
PY=${PYTHON:-/usr/bin/python3}
SECTIONS=${SECTIONS:-gemm int8 wpt encoder models}
ORT_VERSION=${ORT_VERSION:-1.30.0}
PEERS=$ROOT/bench/.peers
export ORT_MODULE=$PEERS/node_modules/onnxruntime-node
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
RES=$tmp/results.tsv
: >"$RES"
fail=0
say() { echo "peers: $*" >&2; }

# --- peers -------------------------------------------------------------
have_py() { "$PY" -c "import $1" >/dev/null 2>&1; }
install_peers() {
	local pkgs=()
	have_py numpy || pkgs+=(python3-numpy)
	have_py pywt || pkgs+=(python3-pywt)
	have_py torch || pkgs+=(python3-torch)
	have_py onnx || pkgs+=(python3-onnx)
	command -v node >/dev/null || pkgs+=(nodejs)
	command -v npm >/dev/null || pkgs+=(npm)
	if [ ${#pkgs[@]} -gt 0 ]; then
		if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
			say "installing ${pkgs[*]}"
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}"; } >&2 ||
				say "apt-get install ${pkgs[*]} failed"
		else
			say "missing ${pkgs[*]} (run as root with apt-get to install them)"
		fi
	fi
	if [ ! -f "$ORT_MODULE/package.json" ] && command -v npm >/dev/null; then
		say "installing onnxruntime-node@$ORT_VERSION into bench/.peers"
		mkdir -p "$PEERS"
		npm install --prefix "$PEERS" --ignore-scripts --no-audit --no-fund --silent \
			"onnxruntime-node@$ORT_VERSION" >&2 || say "npm install onnxruntime-node failed"
	fi
}
install_peers
load0=$(cut -d' ' -f1-3 /proc/loadavg)
# The table printer itself needs Python.
have_py json || { say "no $PY: cannot run the peers or print the table"; exit 1; }

say "building edgerun and edgebench"
go build -o "$tmp/edgebench" ./bench/peers/edgebench || { say "edgebench does not build"; exit 1; }
go build -o "$tmp/edgerun" ./cmd/edgerun || { say "edgerun does not build"; exit 1; }
EB=$tmp/edgebench
ER=$tmp/edgerun

# One thread for every BLAS/OpenMP pool unless a command says otherwise;
# OpenBLAS picks its own kernel and cache sizes.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

# record ROW LABEL THREADS SIDE TARGET CMD...: runs CMD and files its JSON
# line (or the error) under ROW/SIDE. TARGET is "min:X" (ratio ≥ X) or "-".
record() {
	local row=$1 label=$2 thr=$3 side=$4 target=$5
	shift 5
	local out
	if out=$("$@" 2>"$tmp/err") && [ -n "$out" ] && [ "${out:0:1}" = "{" ]; then
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$row" "$label" "$thr" "$side" "$target" "$(tail -1 <<<"$out")" >>"$RES"
	else
		local msg
		# The first line that names the problem, else the last line.
		msg=$( (echo "$out"; cat "$tmp/err") | grep -v '^$' >"$tmp/msg"
			grep -m1 -iE 'error|cannot|fail|not found|no such|missing' "$tmp/msg" || tail -1 "$tmp/msg")
		msg=$(tr '\t\n|' '  /' <<<"$msg")
		printf '%s\t%s\t%s\t%s\t%s\tERROR %s\n' "$row" "$label" "$thr" "$side" "$target" "${msg:-no output}" >>"$RES"
	fi
}
# pair ROW LABEL THREADS TARGET -- EDGERUN_CMD... -- PEER_CMD...: alternates.
pair() {
	local row=$1 label=$2 thr=$3 target=$4
	shift 5
	local ours=() peer=()
	while [ "$1" != -- ]; do ours+=("$1"); shift; done
	shift
	peer=("$@")
	say "$label, $thr thread(s)"
	for _ in $(seq "$ROUNDS"); do
		record "$row" "$label" "$thr" edgerun "$target" "${ours[@]}"
		record "$row" "$label" "$thr" peer "$target" "${peer[@]}"
	done
}
npy() { env OPENBLAS_NUM_THREADS="$1" OMP_NUM_THREADS="$1" "$PY" "$ROOT/bench/peers/peer.py" "${@:2}"; }
ort() { node "$ROOT/bench/peers/ort_bench.js" "$@"; }
thread_counts() { if [ "$NT" -gt 1 ]; then echo 1 "$NT"; else echo 1; fi; }

# --- GEMM --------------------------------------------------------------
if [[ " $SECTIONS " == *" gemm "* ]]; then
	G=512
	npy 1 matmul-onnx f32 $G $G $G "$tmp/matmul.onnx" 2>"$tmp/onnx.err" || say "MatMul model: $(tail -1 "$tmp/onnx.err")"
	npy 1 matmul-onnx u8i8 $G $G $G "$tmp/matmulint.onnx" 2>"$tmp/onnx.err" || say "MatMulInteger model: $(tail -1 "$tmp/onnx.err")"
	for t in $(thread_counts); do
		tg=-; [ "$t" = 1 ] && tg=min:0.6
		pair "sgemm-np-$t" "SGEMM 512³ vs OpenBLAS (NumPy)" "$t" "$tg" -- \
			"$EB" gemm -kind f32 -threads "$t" -time "${BUDGET}s" -- npy "$t" gemm $G $G $G "$t" "$BUDGET"
		pair "sgemm-ort-$t" "SGEMM 512³ (B packed) vs ORT MatMul" "$t" - -- \
			"$EB" gemm -kind f32 -packed -threads "$t" -time "${BUDGET}s" -- ort "$tmp/matmul.onnx" --threads "$t" --seconds "$BUDGET"
		pair "i8-np-$t" "int8 GEMM 512³ vs NumPy float32 matmul" "$t" - -- \
			"$EB" gemm -kind u8i8 -threads "$t" -time "${BUDGET}s" -- npy "$t" gemm $G $G $G "$t" "$BUDGET"
		pair "i8-ort-$t" "int8 GEMM 512³ vs ORT MatMulInteger" "$t" - -- \
			"$EB" gemm -kind u8i8 -threads "$t" -time "${BUDGET}s" -- ort "$tmp/matmulint.onnx" --threads "$t" --seconds "$BUDGET"
	done
fi

# --- int8 GEMM against our own SGEMM (bench/int8_vs_sgemm.sh) -----------
if [[ " $SECTIONS " == *" int8 "* ]]; then
	say "int8 GEMM vs edgerun SGEMM (bench/int8_vs_sgemm.sh)"
	vnni=$(grep -qw avx512_vnni /proc/cpuinfo && echo 1 || echo 0)
	levels=("")
	grep -qw avx2 /proc/cpuinfo && levels+=(avx2)
	for lvl in "${levels[@]}"; do
		if out=$(ROUNDS=$ROUNDS bench/int8_vs_sgemm.sh "$lvl" 2>&1 | grep '^level'); then
			r=$(awk '{ for (i = 1; i < NF; i++) if ($(i+1) ~ /^\(median/) {} } { for (i = 1; i <= NF; i++) if ($i == "ratio") { v = $(i+1); sub("x", "", v); print v } }' <<<"$out")
			tg=min:1.5; [ -z "$lvl" ] && [ "$vnni" = 1 ] && tg=min:2.5
			printf '%s\t%s\t1\tratio\t%s\t{"ratio": %s, "text": "%s"}\n' "i8-self-${lvl:-best}" \
				"int8 GEMM / edgerun SGEMM, level ${lvl:-best}" "$tg" "$r" "$out" >>"$RES"
		else
			printf '%s\t%s\t1\tratio\t-\tERROR %s\n' "i8-self-${lvl:-best}" "int8 GEMM / edgerun SGEMM, level ${lvl:-best}" "$(tail -1 <<<"$out")" >>"$RES"
		fi
	done
fi

# --- wavelet packet transform (bench/wpt_peer.sh) -----------------------
if [[ " $SECTIONS " == *" wpt "* ]]; then
	say "WPT vs PyWavelets (bench/wpt_peer.sh)"
	for _ in $(seq "$ROUNDS"); do
		if out=$(PYTHON=$PY bench/wpt_peer.sh "${BUDGET}s" 2>&1) && line=$(grep -E '^ratio' <<<"$out"); then
			set -- $line
			ours=$(grep -E '^edgerun' <<<"$out" | awk '{ print $(NF-2), $(NF-1) }')
			peer=$(grep -E '^PyWavelets' <<<"$out" | awk '{ print $(NF-2), $(NF-1) }')
			printf '%s\t%s\t1\tratio\tmin:10\t{"wall_ratio": %s, "cpu_ratio": %s, "ours": "%s", "peer": "%s"}\n' wpt \
				"WPT J=3 bior4.4 1024² RGB vs PyWavelets" "${2%x}" "${3%x}" "$ours" "$peer" >>"$RES"
		else
			printf 'wpt\t%s\t1\tratio\tmin:10\tERROR %s\n' "WPT J=3 bior4.4 1024² RGB vs PyWavelets" "$(tail -1 <<<"$out")" >>"$RES"
		fi
	done
fi

# --- WaLLoC encoder ----------------------------------------------------
if [[ " $SECTIONS " == *" encoder "* ]]; then
	png=testdata/walloc/rgb16x_input.png
	npy 1 input "$png" 512 768 1 "$tmp/gray.npy" 2>"$tmp/in.err" || say "input: $(tail -1 "$tmp/in.err")"
	npy 1 input "$png" 512 768 3 "$tmp/rgb.npy" 2>"$tmp/in.err" || say "input: $(tail -1 "$tmp/in.err")"
	for geom in "default:models/pretrained/codec:gray:default codec (1ch J=3 64→8) 512x768" \
		"rgb16x:testdata/walloc/rgb16x:rgb:rgb16x (3ch J=3 192→12) 512x768"; do
		IFS=: read -r name ck in label <<<"$geom"
		# Both sides must produce the same latents.
		if "$EB" encode -pth "$ck.pth" -config "$ck.json" -input "$tmp/$in.npy" -out "$tmp/$name.go.npy" -time 1ms >/dev/null 2>"$tmp/e.err" &&
			npy 1 encode "$ck.pth" "$tmp/$in.npy" 1 0.001 "$tmp/$name.pt.npy" >/dev/null 2>"$tmp/p.err" &&
			cmp=$("$PY" bench/peers/peer.py compare "$tmp/$name.go.npy" "$tmp/$name.pt.npy"); then
			read -r ndiff maxd total <<<"$cmp"
			say "encoder $name: $ndiff of $total latents differ (max by $maxd)"
			if [ "$maxd" -gt 1 ] || [ $((ndiff * 1000)) -gt "$total" ]; then
				say "encoder $name: latents disagree"
				printf 'enc-%s-check\t%s latents agree\t1\tratio\t-\tERROR %s of %s latents differ, max by %s\n' "$name" "$label" "$ndiff" "$total" "$maxd" >>"$RES"
			fi
		else
			say "encoder $name: could not compare latents: $(tail -1 "$tmp/e.err") $(tail -1 "$tmp/p.err")"
		fi
		# The same encoder as a runtime graph (edgerun convert CODEC.pth).
		if "$ER" convert -size 512x768 -o "$tmp/enc-$name.edgerun" "$ck.pth" >"$tmp/conv.out" 2>&1; then
			enc_cmd=("$EB" model -model "$tmp/enc-$name.edgerun" -time "${BUDGET}s")
		else
			say "encoder $name: edgerun convert failed: $(tail -1 "$tmp/conv.out")"
			enc_cmd=(false)
		fi
		pair "enc-graph-$name-1" "encoder $label, runtime graph, vs PyTorch" 1 min:30 -- \
			"${enc_cmd[@]}" -- npy 1 encode "$ck.pth" "$tmp/$in.npy" 1 "$BUDGET"
		for t in $(thread_counts); do
			tg=-; [ "$t" = 1 ] && tg=min:30
			pair "enc-$name-$t" "encoder $label vs PyTorch" "$t" "$tg" -- \
				"$EB" encode -pth "$ck.pth" -config "$ck.json" -input "$tmp/$in.npy" -threads "$t" -time "${BUDGET}s" -- \
				npy "$t" encode "$ck.pth" "$tmp/$in.npy" "$t" "$BUDGET"
		done
	done
fi

# --- whole models ------------------------------------------------------
# edgerun runs a model from its own format; an .onnx file is usable only
# through an importer ('edgerun convert'). Where there is none, or it
# rejects the file, the edgerun side of the row fails with the reason.
edgerun_model() { # ONNX -> prints the path of the .edgerun file, or fails with a reason
	local src=$1 dst=$tmp/$(basename "${1%.onnx}").edgerun
	[ -f "$dst" ] && { echo "$dst"; return 0; }
	# (Not "$ER help | grep -q": under pipefail grep's early exit can fail
	# the pipe.)
	local commands
	commands=$("$ER" help 2>&1)
	if ! grep -qw convert <<<"$commands"; then
		# No importer: a deployment file built from the same weights, where
		# the repository ships one, stands in (and the log says so).
		local own=${src%.onnx}.edgerun
		if [ -f "$own" ]; then
			say "no ONNX importer: edgerun runs $own (same weights as $(basename "$src"))"
			echo "$own"
			return 0
		fi
		echo "edgerun cannot load $(basename "$src") yet: this build has no ONNX importer ('edgerun convert')" >&2
		return 1
	fi
	if ! "$ER" convert -o "$dst" "$src" >"$tmp/conv.out" 2>&1; then
		echo "edgerun cannot load $(basename "$src") yet: $(tail -1 "$tmp/conv.out")" >&2
		return 1
	fi
	echo "$dst"
}
edgerun_bench() { # ONNX BATCH THREADS: the model through the runtime (Open, Session.Run)
	local m
	m=$(edgerun_model "$1") || return 1
	"$EB" model -model "$m" -batch "$2" -threads "$3" -time "${BUDGET}s"
}
if [[ " $SECTIONS " == *" models "* ]]; then
	npy 1 resnet-onnx "$tmp/resnet_like.onnx" >"$tmp/resnet.mflops" 2>"$tmp/resnet.err" ||
		say "ResNet-like export: $(tail -1 "$tmp/resnet.err")"
	mf=$(tail -1 "$tmp/resnet.mflops" 2>/dev/null)
	for spec in "models/pretrained/latent_classifier.onnx:default pipeline classifier (latent_classifier.onnx)" \
		"models/pretrained/pixel_classifier.onnx:pixel baseline (pixel_classifier.onnx)" \
		"$tmp/resnet_like.onnx:ResNet-like CNN 3x128x128, ${mf:-?} MFLOP (resnet_like.onnx)"; do
		IFS=: read -r f label <<<"$spec"
		for b in 1 16; do
			for t in $(thread_counts); do
				tg=-; [ "$t" = 1 ] && tg=min:1.0
				pair "model-$(basename "$f" .onnx)-b$b-$t" "$label batch $b vs ORT" "$t" "$tg" -- \
					edgerun_bench "$f" "$b" "$t" -- ort "$f" --batch "$b" --threads "$t" --seconds "$BUDGET"
			done
		done
	done
fi

# --- table -------------------------------------------------------------
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(getconf _NPROCESSORS_ONLN) cores;" \
	"simd: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f|avx512bw|avx512vl|avx512_vnni|avx_vnni|avx512_bf16)$' | tr '\n' ' ')"
echo "versions: $(go version | cut -d' ' -f3); $("$PY" -c 'import numpy, torch, pywt; print("numpy", numpy.__version__, "torch", torch.__version__, "pywt", pywt.__version__)' 2>/dev/null);" \
	"onnxruntime-node $(node -p "require('$ORT_MODULE/package.json').version" 2>/dev/null);" \
	"blas $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)"
echo "load average: start $load0; end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ratios are peer time / edgerun time (above 1: edgerun faster); targets are judged on CPU time"
echo
"$PY" "$ROOT/bench/peers/table.py" "$RES" || fail=1
exit $fail
