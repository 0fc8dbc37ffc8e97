"""Python side of run_onnx.mjs: write arrays, run the graphs in onnxruntime-node, read the outputs."""
from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

RUNNER = Path(__file__).with_name('run_onnx.mjs')
# Two intra-op threads for evaluation runs (the build machine's two cores); benchmarks pass 1.
EVAL_THREADS = 2


def run_graphs(jobs: list[dict], threads: int = EVAL_THREADS, bench: int = 0) -> tuple[list[dict[str, np.ndarray]], list[dict]]:
    """jobs: [{'graph': path, 'inputs': {name: array}, 'outputs': [names], 'label': str}].
    Returns each job's outputs and, with bench > 0, each job's timings."""
    with tempfile.TemporaryDirectory(prefix='radstation-onnx-') as tmp:
        folder = Path(tmp)
        spec = []
        for j, job in enumerate(jobs):
            inputs = {}
            for name, array in job['inputs'].items():
                path = folder / f'{j}-in-{len(inputs)}.bin'
                dtype = 'int64' if array.dtype == np.int64 else 'float32'
                np.ascontiguousarray(array, dtype=np.int64 if dtype == 'int64' else np.float32).tofile(path)
                inputs[name] = {'file': str(path), 'dims': list(array.shape), 'type': dtype}
            # Files are numbered, not named after tensors: ONNX tensor names may contain '/'.
            outputs = {name: str(folder / f'{j}-out-{k}.bin') for k, name in enumerate(job.get('outputs', []))}
            spec.append({'graph': str(job['graph']), 'inputs': inputs, 'outputs': outputs, 'label': job.get('label', '')})
        jobs_file = folder / 'jobs.json'
        jobs_file.write_text(json.dumps({'jobs': spec, 'threads': threads}))
        command = ['node', str(RUNNER), str(jobs_file)] + (['--bench', str(bench)] if bench else [])
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f'onnxruntime-node failed: {done.stderr.strip()}')
        results = []
        for job in spec:
            out = {}
            for name, file in job['outputs'].items():
                dims = json.loads(Path(f'{file}.json').read_text())['dims']
                out[name] = np.fromfile(file, dtype=np.float32).reshape(dims)
            results.append(out)
        timings = json.loads(done.stdout.strip().splitlines()[-1]) if bench else []
        return results, timings
