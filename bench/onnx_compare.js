// Runs ONNX Runtime (CPU, onnxruntime-node) on the inputs recorded beside
// each ONNX model and writes its outputs as JSON, the reference edgerun's
// ONNX importer is tested against:
//   node onnx_compare.js MODEL.onnx INPUTS.json OUT.json
// INPUTS.json maps input names to {"dtype", "shape", "data"}; OUT.json maps
// output names to {"dtype", "shape", "data"} in the graph's output order.
'use strict';
const fs = require('fs');
const ort = require(process.env.ORT_MODULE || 'onnxruntime-node');

const typed = { float32: Float32Array, uint8: Uint8Array, int8: Int8Array, int32: Int32Array };

(async () => {
  const [model, inputs, out] = process.argv.slice(2);
  if (!out) { console.error('usage: onnx_compare.js MODEL.onnx INPUTS.json OUT.json'); process.exit(2); }
  // Basic optimisation only: constant folding and no layout changes, so
  // the reference is the plain ONNX semantics of each node.
  const sess = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'basic',
  });
  const spec = JSON.parse(fs.readFileSync(inputs, 'utf8'));
  const feeds = {};
  for (const [name, v] of Object.entries(spec)) {
    const T = typed[v.dtype];
    if (!T) throw new Error(`input ${name}: dtype ${v.dtype} not supported`);
    feeds[name] = new ort.Tensor(v.dtype, T.from(v.data), v.shape);
  }
  const res = await sess.run(feeds);
  const o = {};
  for (const name of sess.outputNames) {
    const t = res[name];
    o[name] = { dtype: t.type, shape: t.dims.map(Number), data: Array.from(t.data, Number) };
  }
  fs.writeFileSync(out, JSON.stringify(o));
  console.log(`${model}: ${sess.outputNames.map(n => n + ' ' + JSON.stringify(o[n].shape)).join(', ')} (onnxruntime-node ${ort.env.versions.common})`);
})().catch(e => { console.error(String(e)); process.exit(1); });
