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
STEPS = [
    ('prepare', ['prepare_images.py'], ['prepare_vqa.py']),
    ('train', ['train_images.py', '--family', 'superres'], ['train_images.py', '--family', 'translation'], ['train_vqa.py']),
    ('export', ['export_onnx.py']),
    ('quantise', ['quantize_int8.py']),
    ('evaluate', ['evaluate.py']),
    ('bundle', ['write_bundle.py']),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    names = [s[0] for s in STEPS]
    parser.add_argument('--from', dest='start', choices=names, default=names[0])
    parser.add_argument('--only', choices=names)
    args = parser.parse_args()
    selected = [s for s in STEPS if (s[0] == args.only if args.only else names.index(s[0]) >= names.index(args.start))]
    for name, *commands in selected:
        for command in commands:
            start = time.time()
            print(f'[model:build] {name}: {" ".join(command)}', flush=True)
            # nice: the build machine is shared; the scripts themselves use one thread.
            subprocess.run(['nice', '-n', '10', sys.executable, str(HERE / command[0]), *command[1:]], cwd=HERE, check=True)
            print(f'[model:build] {name}: done in {time.time() - start:.0f}s', flush=True)


if __name__ == '__main__':
    main()
