"""`npm run model:build`: every step of the model pipeline in order, each one also runnable alone.

  /usr/bin/python3 build/model/build_all.py [--from STEP] [--only STEP]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
# Each step is a list of stages run in order; the commands of one stage run side by side, one thread
# each, so the two image families share the build machine's two cores (about 40 minutes together).
STEPS = [
    ('prepare', [['prepare_images.py'], ['prepare_vqa.py']]),
    ('train', [['train_images.py', '--family', 'superres'], ['train_images.py', '--family', 'translation']], [['train_vqa.py']]),
    ('export', [['export_onnx.py']]),
    ('quantise', [['quantize_int8.py']]),
    ('evaluate', [['evaluate.py']]),
    ('bundle', [['write_bundle.py']]),
    # Per-question-type thresholds and the OOD score (adds the image_features output to the VQA graph), then the card's
    # "When to trust it" section. eval_real_superres.py (super-resolution on real series) needs Colin27 extracted by hand.
    ('calibrate', [['calibrate_vqa.py']]),
    ('card', [['card_trust.py']]),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    names = [s[0] for s in STEPS]
    parser.add_argument('--from', dest='start', choices=names, default=names[0])
    parser.add_argument('--only', choices=names)
    args = parser.parse_args()
    selected = [s for s in STEPS if (s[0] == args.only if args.only else names.index(s[0]) >= names.index(args.start))]
    for name, *stages in selected:
        for stage in stages:
            start = time.time()
            print(f'[model:build] {name}: {" & ".join(" ".join(c) for c in stage)}', flush=True)
            # nice: the build machine is shared; each script uses one thread.
            running = [subprocess.Popen(['nice', '-n', '10', sys.executable, str(HERE / c[0]), *c[1:]], cwd=HERE) for c in stage]
            failed = [' '.join(c) for c, p in zip(stage, running) if p.wait() != 0]
            if failed:
                sys.exit(f'[model:build] {name}: failed: {", ".join(failed)}')
            print(f'[model:build] {name}: done in {time.time() - start:.0f}s', flush=True)


if __name__ == '__main__':
    main()
