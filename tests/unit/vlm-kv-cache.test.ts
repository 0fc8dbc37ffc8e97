import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { KvCache } from '../../src-main/inference/vlm/kv-cache';

/** Step outputs for a 2-layer, 2-head, head_dim-3 model whose values encode (layer, kind, position, element). */
function stepOutputs(from: number, steps: number): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (let layer = 0; layer < 2; layer++) {
    ['key', 'value'].forEach((kind, k) => {
      const data = new Float32Array(steps * 6).map((_, i) => layer * 1000 + k * 100 + (from + Math.floor(i / 6)) * 10 + (i % 6));
      out[`step_key_values.${layer}.${kind}`] = new ort.Tensor('float32', data, [1, steps, 2, 3]);
    });
  }
  return out;
}

describe('KV cache', () => {
  it('starts empty, appends steps in order and grows past its first capacity', () => {
    const cache = new KvCache(2, 2, 3, 2, 16);
    expect(cache.feeds()['past_key_values.0.key']!.dims).toEqual([1, 0, 2, 3]);
    cache.append(stepOutputs(0, 3), 3); // a prefill larger than the capacity
    cache.append(stepOutputs(3, 1), 1);
    cache.append(stepOutputs(4, 1), 1);
    expect(cache.length).toBe(5);
    const value1 = cache.feeds()['past_key_values.1.value']!;
    expect(value1.dims).toEqual([1, 5, 2, 3]);
    const data = value1.data as Float32Array;
    // Layer 1, value (k=1), position 4, element 5.
    expect(data[4 * 6 + 5]).toBe(1000 + 100 + 40 + 5);
    expect(data[0]).toBe(1100);
  });

  it('refuses to grow past the model positions', () => {
    const cache = new KvCache(2, 2, 3, 2, 4);
    cache.append(stepOutputs(0, 4), 4);
    expect(() => cache.append(stepOutputs(4, 1), 1)).toThrow(/positions/);
  });
});
