// Times an ONNX model in ONNX Runtime (CPU) the way `edgerun bench` times
// it, for side-by-side tables: node ort_run.js MODEL.onnx [--batch N]
// [--threads N] [--runs N] [--warmup N]. Inputs are filled with a fixed
// pattern; a dynamic first dimension takes --batch. Prints one JSON line.
'use strict';
const path = require('path');
const ort = require(process.env.ORT_MODULE || 'onnxruntime-node');

function arg(name, def) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

(async () => {
  const model = process.argv[2];
  if (!model) { console.error('usage: ort_run.js MODEL.onnx [--batch N] [--threads N] [--runs N]'); process.exit(2); }
  const batch = arg('batch', 1), threads = arg('threads', 1), runs = arg('runs', 50), warmup = arg('warmup', 5);
  const t0 = process.hrtime.bigint();
  const sess = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const feeds = {};
  for (const name of sess.inputNames) {
    // inputMetadata is an array of {name, type, shape}; a symbolic or
    // missing first dimension is the batch.
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
  for (let i = 0; i < warmup; i++) await sess.run(feeds);
  const t = [];
  for (let i = 0; i < runs; i++) {
    const a = process.hrtime.bigint();
    await sess.run(feeds);
    t.push(Number(process.hrtime.bigint() - a) / 1e6);
  }
  t.sort((a, b) => a - b);
  const q = p => t[Math.min(t.length - 1, Math.floor(p * t.length))];
  console.log(JSON.stringify({
    runtime: 'onnxruntime-node ' + ort.env.versions.common, model: path.basename(model), batch, threads, runs,
    load_ms: loadMs, min_ms: t[0], p50_ms: q(0.5), p90_ms: q(0.9), max_ms: t[t.length - 1],
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
  }));
})().catch(e => { console.error(String(e)); process.exit(1); });
