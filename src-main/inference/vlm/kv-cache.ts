import ort from 'onnxruntime-node';

/**
 * The decoder's key/value cache, held here rather than round-tripped through the graph: each call
 * returns only its new positions (step_key_values.*), which are appended to position-major buffers
 * [positions, heads, head_dim]; the next call reads a view of the filled part as past_key_values.*.
 * Appending is one contiguous copy, and nothing of the old cache is copied back out of onnxruntime.
 */
export class KvCache {
  private readonly buffers: Float32Array[];
  private capacity: number;
  length = 0;

  constructor(private readonly layers: number, private readonly heads: number, private readonly headDim: number, initialCapacity: number, private readonly maxPositions: number) {
    this.capacity = Math.min(Math.max(initialCapacity, 1), maxPositions);
    this.buffers = Array.from({ length: layers * 2 }, () => new Float32Array(this.capacity * heads * headDim));
  }

  private get rowSize(): number {
    return this.heads * this.headDim;
  }

  /** past_key_values.N.key/value as views of the filled positions. */
  feeds(): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = {};
    for (let layer = 0; layer < this.layers; layer++) {
      ['key', 'value'].forEach((kind, k) => {
        const view = this.buffers[layer * 2 + k]!.subarray(0, this.length * this.rowSize);
        feeds[`past_key_values.${layer}.${kind}`] = new ort.Tensor('float32', view, [1, this.length, this.heads, this.headDim]);
      });
    }
    return feeds;
  }

  /** Appends a call's step_key_values.* outputs ([1, S, heads, head_dim] each). */
  append(outputs: Record<string, ort.Tensor>, steps: number): void {
    this.reserve(this.length + steps);
    for (let layer = 0; layer < this.layers; layer++) {
      ['key', 'value'].forEach((kind, k) => {
        const step = outputs[`step_key_values.${layer}.${kind}`];
        if (!step) throw new Error(`decoder output step_key_values.${layer}.${kind} is missing`);
        this.buffers[layer * 2 + k]!.set(step.data as Float32Array, this.length * this.rowSize);
      });
    }
    this.length += steps;
  }

  /** Grows by doubling (copying once per doubling), never past the model's positions. */
  private reserve(positions: number): void {
    if (positions <= this.capacity) return;
    if (positions > this.maxPositions) throw new Error(`the KV cache would exceed the model's ${this.maxPositions} positions`);
    this.capacity = Math.min(Math.max(positions, this.capacity * 2), this.maxPositions);
    for (let i = 0; i < this.buffers.length; i++) {
      const grown = new Float32Array(this.capacity * this.rowSize);
      grown.set(this.buffers[i]!.subarray(0, this.length * this.rowSize));
      this.buffers[i] = grown;
    }
  }
}
