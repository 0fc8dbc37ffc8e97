"""The model card's super-resolution-on-real-series part (inside "When to trust it"), from EVAL.json's superresHeldOut
(eval_heldout_superres.py via ship_superres.py) and superresReal (eval_real_superres.py)."""
from __future__ import annotations

from common import SR_TASKS

# Issue 15's targets: on series from sources not used in training, at least this gain at x2 and x4 ...
MIN_GAIN_DB = 0.5
# ... and on average no kind of input more than this below bicubic.
MAX_LOSS_DB = 0.1
# Series from a source that no training image comes from (the skull-stripped BraTS subject is held out, but its source is in training).
NEW_SOURCE_SERIES = ('ge-head-ct', 'siemens-mprage')


def _gain(entry: dict, task: str, region: str = 'slice') -> float:
    return entry[task]['bicubicDegradation'][region]['gainDb']


def targets(series: dict) -> list[tuple[str, str, bool]]:
    """(target, measured, met) rows, from the held-out figures (bicubic degradation, whole slice)."""
    rows = []
    new_source = [(name, task, _gain(series[name], task)) for name in NEW_SOURCE_SERIES if name in series for task in SR_TASKS]
    rows.append((f'≥ +{MIN_GAIN_DB} dB over bicubic at ×2 and ×4 on held-out series from sources not in training',
                 ', '.join(f'{name} {task.removeprefix("superres-")} {gain:+.2f}' for name, task, gain in new_source),
                 all(gain >= MIN_GAIN_DB for _, _, gain in new_source)))
    by_kind: dict[str, list[float]] = {}
    for entry in series.values():
        for task in SR_TASKS:
            by_kind.setdefault(f"{entry['kind']} {task.removeprefix('superres-')}", []).append(_gain(entry, task))
    means = {kind: sum(v) / len(v) for kind, v in by_kind.items()}
    rows.append((f'no kind of input more than {MAX_LOSS_DB} dB below bicubic on average',
                 ', '.join(f'{kind} {mean:+.2f}' for kind, mean in means.items()), all(mean >= -MAX_LOSS_DB for mean in means.values())))
    return rows


def _series_table(series: dict, previous: dict | None) -> list[str]:
    lines = ['| series | kind | slices | ×2 gain, slice (dB) | ×2 gain, head (dB) | ×4 gain, slice (dB) | ×4 gain, head (dB) | previous graphs ×2 / ×4, slice (dB) |',
             '|---|---|---|---|---|---|---|---|']
    for name, s in series.items():
        before = f"{_gain(previous[name], 'superres-x2'):+.2f} / {_gain(previous[name], 'superres-x4'):+.2f}" if previous and name in previous else '–'
        lines.append(f"| {s['what']} | {s['kind']} | {s['slices']} | {_gain(s, 'superres-x2'):+.2f} | {_gain(s, 'superres-x2', 'head'):+.2f} | "
                     f"{_gain(s, 'superres-x4'):+.2f} | {_gain(s, 'superres-x4', 'head'):+.2f} | {before} |")
    return lines


def heldout_lines(held: dict) -> list[str]:
    training = held['training']
    lines = ['### Super-resolution on held-out real series (issue 15)', '', held['protocol'] + '.', '',
             f"Training ({'fine-tuned from the previous graphs' if training.get('fromBundle') else 'from scratch'}): {training['steps']} steps in "
             f"{training['seconds'] / 60:.0f} minutes on a mix of {', '.join(f'{k} ({n} images)' for k, n in training['sources'].items())}; each crop at a random pixel size "
             'and noise level, degraded by antialiased bicubic downsampling or (MR) k-space truncation; the checkpoint chosen on whole validation series '
             '(TCGA native FLAIR with skull, WG04 MR4, WG04 CT2), never on the series below.', '']
    lines += _series_table(held['series'], held.get('previousModel')) + ['']
    lines += ['The previous graphs had the GE CT and the Siemens MPRAGE in their training data, so their figures on those two series are not held-out results.', '',
              '| target (issue 15) | measured (whole slice) | |', '|---|---|---|']
    lines += [f'| {t} | {m} | {"met" if ok else "**not met**"} |' for t, m, ok in targets(held['series'])]
    return lines + ['']


def real_series_lines(real: dict) -> list[str]:
    measured_on = real.get('measuredOn')
    lines = ['### Super-resolution on other real series' + (f' ({measured_on})' if measured_on else ''), '', real['protocol'] + '.', '',
             '| series | held out | slices | ×2 gain, slice (dB) | ×2 gain, head (dB) | ×4 gain, slice (dB) | ×4 gain, head (dB) |', '|---|---|---|---|---|---|---|']
    for s in real['series'].values():
        lines.append(f"| {s['what']} | {'yes' if s['heldOut'] else '**no: in training**'} | {s['slices']} | "
                     f"{s['superres-x2']['slice']['gainDb']:+.2f} | {s['superres-x2']['head']['gainDb']:+.2f} | {s['superres-x4']['slice']['gainDb']:+.2f} | {s['superres-x4']['head']['gainDb']:+.2f} |")
    return lines + ['']
