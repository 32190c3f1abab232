// ONNX Runtime's time per node on MODEL.onnx, to set beside edgerun bench's
// per-node profile (`edgerun bench --model M.edgerun --batch N`):
//   node ort_profile.js MODEL.onnx [--batch N] [--runs R]
// One thread, all graph optimisations on, the input filled as ort_bench.js
// fills it. ONNX Runtime names a fused node after its last output (a
// convolution with its ReLU appears as ".../Relu_output_0_nchwc").
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const ort = require(process.env.ORT_MODULE || 'onnxruntime-node');

function arg(name, def) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

(async () => {
  const model = process.argv[2];
  if (!model) { console.error('usage: ort_profile.js MODEL.onnx [--batch N] [--runs R]'); process.exit(2); }
  const batch = arg('batch', 1), runs = arg('runs', 20);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ortprof-'));
  const sess = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    enableProfiling: true, profileFilePrefix: path.join(dir, 'p'),
  });
  const feeds = {};
  for (const name of sess.inputNames) {
    const meta = (sess.inputMetadata || []).find(m => m.name === name);
    if (!meta || !meta.shape || (meta.type && meta.type !== 'float32')) {
      console.error(`input ${name}: only float32 inputs of known shape are profiled`); process.exit(1);
    }
    const dims = meta.shape.map((d, i) => (typeof d === 'number' && d > 0) ? d : (i === 0 ? batch : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
    feeds[name] = new ort.Tensor('float32', data, dims);
  }
  for (let i = 0; i < runs; i++) await sess.run(feeds);
  await sess.endProfiling();
  const file = fs.readdirSync(dir).find(f => f.endsWith('.json'));
  const events = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  fs.rmSync(dir, { recursive: true, force: true });
  const total = new Map(), op = new Map();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const name = e.name.slice(0, -'_kernel_time'.length);
    total.set(name, (total.get(name) || 0) + e.dur);
    op.set(name, e.args && e.args.op_name);
  }
  const rows = [...total.entries()].sort((a, b) => b[1] - a[1]);
  const sum = rows.reduce((s, r) => s + r[1], 0);
  console.log(`${model}: batch ${batch}, ${runs} runs, ${(sum / runs / 1000).toFixed(3)} ms a run in nodes`);
  for (const [name, us] of rows) {
    console.log(`  ${name.padEnd(44)} ${String(op.get(name)).padEnd(20)} ${(us / runs / 1000).toFixed(3).padStart(8)} ms`);
  }
})().catch(e => { console.error(e.message || e); process.exit(1); });
