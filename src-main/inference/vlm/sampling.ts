/** Token choice from a logits row: greedy (HealthGPT's default) or nucleus (top-p) sampling. */

export type Sampling = { kind: 'greedy' } | { kind: 'top-p'; topP: number; temperature: number; seed: number };

export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if ((logits[i] ?? -Infinity) > (logits[best] ?? -Infinity)) best = i;
  return best;
}

/** mulberry32: a small seeded generator so sampled answers can be reproduced. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The smallest set of most likely tokens whose probability reaches topP, renormalised, then one draw. */
export function sampleTopP(logits: Float32Array, topP: number, temperature: number, random: () => number): number {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  const probs = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += probs[i] = Math.exp(((logits[i] ?? 0) - max) / temperature);
  const order = Array.from(probs.keys()).sort((x, y) => (probs[y] ?? 0) - (probs[x] ?? 0));
  const kept: number[] = [];
  let mass = 0;
  for (const id of order) {
    kept.push(id);
    mass += (probs[id] ?? 0) / total;
    if (mass >= topP) break;
  }
  let r = random() * mass * total;
  for (const id of kept) {
    r -= probs[id] ?? 0;
    if (r <= 0) return id;
  }
  return kept[kept.length - 1] ?? 0;
}

export function chooseToken(logits: Float32Array, sampling: Sampling, random: () => number): number {
  return sampling.kind === 'greedy' ? argmax(logits) : sampleTopP(logits, sampling.topP, sampling.temperature, random);
}
