// ONNX Runtime peer for bench/peers.sh: times MODEL.onnx as edgebench and
// peer.py time their computations and prints one JSON line.
//   node ort_bench.js MODEL.onnx [--batch N] [--threads N] [--seconds S]
// Inputs are filled with a fixed pattern; a dynamic first dimension takes
// --batch. Reports load time, median and minimum wall time per run, process
// CPU time per run (all threads, from process.cpuUsage) and peak RSS.
'use strict';
const path = require('path');
const ort = require(process.env.ORT_MODULE || 'onnxruntime-node');

function arg(name, def) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

(async () => {
  const model = process.argv[2];
  if (!model) { console.error('usage: ort_bench.js MODEL.onnx [--batch N] [--threads N] [--seconds S]'); process.exit(2); }
  const batch = arg('batch', 1), threads = arg('threads', 1), seconds = arg('seconds', 1);
  const t0 = process.hrtime.bigint();
  const sess = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const feeds = {};
  for (const name of sess.inputNames) {
    const meta = (sess.inputMetadata || []).find(m => m.name === name);
    if (!meta || !meta.shape) { console.error(`input ${name}: shape unknown`); process.exit(1); }
    const dims = meta.shape.map((d, i) => (typeof d === 'number' && d > 0) ? d : (i === 0 ? batch : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    const type = meta.type || 'float32';
    let data;
    if (type === 'float32') { data = new Float32Array(n); for (let i = 0; i < n; i++) data[i] = ((i * 2654435761) % 1000) / 1000 - 0.5; }
    else if (type === 'int8') { data = new Int8Array(n); for (let i = 0; i < n; i++) data[i] = (i * 37) % 255 - 127; }
    else if (type === 'uint8') { data = new Uint8Array(n); for (let i = 0; i < n; i++) data[i] = (i * 37) % 256; }
    else { console.error(`input ${name}: type ${type} not supported`); process.exit(1); }
    feeds[name] = new ort.Tensor(type, data, dims);
  }
  for (let i = 0; i < 2; i++) await sess.run(feeds);
  const t = [];
  const c0 = process.cpuUsage(), w0 = process.hrtime.bigint();
  while (t.length < 5 || Number(process.hrtime.bigint() - w0) / 1e9 < seconds) {
    const a = process.hrtime.bigint();
    await sess.run(feeds);
    t.push(Number(process.hrtime.bigint() - a) / 1e6);
  }
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1e3 / t.length;
  t.sort((a, b) => a - b);
  console.log(JSON.stringify({
    what: 'onnxruntime', runtime: 'onnxruntime-node ' + ort.env.versions.common, model: path.basename(model), batch, threads,
    calls: t.length, load_ms: loadMs, median_ms: t[Math.floor(t.length / 2)], min_ms: t[0], cpu_ms_per_call: cpuMs,
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
  }));
})().catch(e => { console.error(String(e)); process.exit(1); });
