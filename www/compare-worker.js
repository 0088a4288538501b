// The Compare view's worker: it holds the reference string and runs the wasm there, so the
// page stays responsive while five policies run at every frame count. Messages in:
//   { id, op: 'parse', text, format, pageSize }   read a typed or imported string
//   { id, op: 'generate', seed, length, universe } a seeded random string
//   { id, op: 'script', text }                    a script's page references, in order
//   { id, op: 'curves', max, seed }               faults of every policy, 1..max frames
//   { id, op: 'lanes', frames, seed, start, len, upto } the five lanes over a window
// Each reply is { id, ... } or { id, error } with a sentence for the reader.

import init, { trace_detect, trace_parse, trace_curves, trace_lane, trace_faults, script_references } from './pkg/pagelab-full.js';

/** The most accesses the page keeps: longer traces are cut here, and the page says so. */
export const LIMIT = 200_000;
const POLICIES = ['fifo', 'lru', 'clock', 'opt', 'random'];

let pages = new Float64Array(0);
const ready = init();

/** A deterministic generator (SplitMix64 over BigInt, as the simulator's RNG). */
function* splitmix(seed) {
  let state = BigInt.asUintN(64, BigInt(seed));
  for (;;) {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    yield z ^ (z >> 31n);
  }
}

/** Keep at most LIMIT accesses; returns what the page should say about it. */
function keep(all) {
  const total = all.length;
  pages = total > LIMIT ? all.slice(0, LIMIT) : all;
  return { length: pages.length, total };
}

const handlers = {
  parse({ text, format, pageSize }) {
    const used = format || trace_detect(text.slice(0, 65536), pageSize);
    return { ...keep(trace_parse(text, used, pageSize)), format: used };
  },
  script({ text }) {
    return keep(script_references(text));
  },
  generate({ seed, length, universe }) {
    const rng = splitmix(seed);
    const out = new Float64Array(length);
    const n = BigInt(universe);
    for (let i = 0; i < length; i++) out[i] = Number(rng.next().value % n);
    return keep(out);
  },
  curves({ max, seed }) {
    const t0 = performance.now();
    const flat = trace_curves(pages, max, seed);
    const curves = POLICIES.map((policy, p) => ({ policy, faults: Array.from(flat.subarray(p * max, (p + 1) * max)) }));
    return { curves, ms: performance.now() - t0 };
  },
  lanes({ frames, seed, start, len, upto }) {
    const lanes = POLICIES.map((policy) => ({
      policy,
      records: trace_lane(pages, policy, frames, seed, start, len),
      soFar: trace_faults(pages, policy, frames, seed, upto),
      total: trace_faults(pages, policy, frames, seed, pages.length),
    }));
    return { lanes };
  },
};

self.onmessage = async ({ data }) => {
  try {
    await ready;
    const handler = Object.hasOwn(handlers, data.op) ? handlers[data.op] : null;
    if (!handler) throw new Error(`unknown request ${String(data.op)}`);
    self.postMessage({ id: data.id, ...handler(data) });
  } catch (error) {
    self.postMessage({ id: data.id, error: String(error?.message ?? error) });
  }
};
