"""Step 8: the model card's "When to trust it" section, from vqa-calibration.json and EVAL.json (superresHeldOut,
superresReal, normalSliceCheck), written between markers in MODEL_CARD.md; then the manifest's checksums are refreshed.

    /usr/bin/python3 build/model/card_trust.py
"""
from __future__ import annotations

from calibrate_vqa import refresh_manifest
from card_superres import heldout_lines, real_series_lines
from common import BUNDLE_DIR, read_json

START, END = '<!-- trust:start -->', '<!-- trust:end -->'


def pct(value) -> str:
    return '–' if value is None else f'{100 * value:.0f}%'


def section() -> str:
    calibration = read_json(BUNDLE_DIR / 'vqa-calibration.json')
    evaluation = read_json(BUNDLE_DIR / 'EVAL.json')
    normal = evaluation.get('normalSliceCheck')
    lines = [
        START,
        '## When to trust it (issue 15)',
        '',
        '### Recorded facts come from the header, not from this model',
        '',
        'Modality (Modality, SOP Class), contrast (Contrast/Bolus Agent, Route, Volume, Total Dose, Ingredient, Agent Sequence; '
        '"no contrast agent is recorded" when absent), plane (Image Orientation (Patient), within 30° of an axis), MR weighting '
        '(TR/TE/TI, rule in `src-main/reports/header-facts.ts`), body part, laterality, age, sex, slice thickness, spacing and scanner '
        'are answered from the DICOM header (`radstation qa` and the Report Q&A panel share the route, `src-main/inference/qa/`). '
        'A model answer that contradicts a recorded fact is not offered.',
        '',
        '### Closed questions: calibrated per question type',
        '',
        f"Rule: {calibration['rule']}. Split: {calibration['validationSplit']}.",
        '',
        '| question type | validation questions | accuracy without abstention | threshold | precision when answered | coverage | normal-slice confident "yes" |',
        '|---|---|---|---|---|---|---|',
    ]
    finding_types = {'mass', 'hemorrhage', 'fracture', 'abnormality'}
    for t in calibration['questionTypes']:
        v = t['validation']
        threshold = f"{t['threshold']:.2f}" if t['threshold'] is not None else '**not answered** (needs the full model)'
        normal_cell = f"0 of {normal['questionsPerType']}" if normal and t['id'] in finding_types else '–'
        lines.append(f"| {t['label']} | {v['questions']} | {pct(v['accuracyWithoutAbstention'])} | {threshold} | {pct(v['precision'])} | {pct(v['coverage'])} | {normal_cell} |")
    answered = [t for t in calibration['questionTypes'] if t['threshold'] is not None]
    lines += [
        '',
        (f'{len(answered)} of {len(calibration["questionTypes"])} question types reach the target on the validation split. '
         if answered else
         'No question type reaches 95 % precision with at least 10 answered validation questions: the validation split has only '
         f'{sum(t["validation"]["questions"] for t in calibration["questionTypes"])} questions (8 about the modality, 9 about the plane, 1 about the organ), '
         'too few to show 95 % on any type, and on the larger types (mass, abnormality, other yes/no) the best precision at 10 or more answered '
         'questions was 40-75 %. So this bundle answers no closed question with the compact model: header facts are answered from the header, '
         'and everything else says it needs the full model. Showing the compact model good enough on modality, plane and organ needs a larger '
         'validation split (for example a held-out tenth of VQA-Med images) and so a retrained model; that was not done here.'),
        '',
    ]
    ood = calibration.get('outOfDistribution')
    if ood:
        lines += [
            f"Out-of-distribution: Mahalanobis distance of the image encoder's 128 pooled features from {ood['fittedOn']}; "
            f"the model abstains above {ood['threshold']} ({ood['thresholdRule']}); {pct(ood.get('validationFlagged'))} of the validation images are above it. "
            'Run on the real normal slices of the check set below (269 of its 280 images; 11 frames of a 12-bit JPEG file are not decoded in the main process), it flagged only 4 (CT slices of the GE series): these windowed DICOM '
            'slices look like the radiology images the model learned from, so the distance alone would not have stopped the false findings; '
            'the per-type calibration does.',
            '',
        ]
    if normal:
        lines += [
            f"Normal-slice check ({normal['measuredBy']}): {normal['images']} images ({normal['what']}), each asked "
            f"{', '.join(normal['questions'])}: {normal['questions_total']} questions, **{normal['confidentYes']} confident \"yes\"** "
            f"(issue 15 reported that, before this calibration, the same model answered \"Is there a mass?\" yes at 91-98 % on normal MR slices).",
            '',
        ]
    real = evaluation.get('superresReal')
    if evaluation.get('superresHeldOut'):
        lines += heldout_lines(evaluation['superresHeldOut']) + (real_series_lines(real) if real else [])
        manifest = read_json(BUNDLE_DIR / 'manifest.json')
        loses = next((t['trainedOn'].get('losesToBicubicOn', []) for t in manifest['tasks'] if t['id'] == 'superres-x2'), [])
        lines += [('Where it is still measured to lose, or not shown to win (manifest `trainedOn.losesToBicubicOn`: '
                   + ', '.join(entry['kind'] for entry in loses) + '), the panel shows bicubic first and says why. ' if loses else
                   'No kind of input is marked as losing to bicubic (manifest `trainedOn.losesToBicubicOn` is empty). ')
                  + 'Every image task warns when an input is unlike its training data (modality, weighting, post-contrast, skull, spacing, matrix, field of view).', '']
    elif real:
        lines += [
            '### Super-resolution on real series (downsample, restore, compare with bicubic)',
            '',
            real['protocol'] + '.',
            '',
            '| series | held out | slices | ×2 gain, slice (dB) | ×2 gain, head (dB) | ×4 gain, slice (dB) | ×4 gain, head (dB) |',
            '|---|---|---|---|---|---|---|',
        ]
        for name, s in real['series'].items():
            lines.append(f"| {s['what']} | {'yes' if s['heldOut'] else '**no: in training**'} | {s['slices']} | "
                         f"{s['superres-x2']['slice']['gainDb']:+.2f} | {s['superres-x2']['head']['gainDb']:+.2f} | {s['superres-x4']['slice']['gainDb']:+.2f} | {s['superres-x4']['head']['gainDb']:+.2f} |")
        lines += [
            '',
            'The Siemens MPRAGE and the GE CT were in this model\'s super-resolution training data, so they cannot serve as held-out series '
            'for it; the only held-out real series measured here is Colin27 (an average of 27 scans, so less noisy than a clinical MR). '
            'Issue 15 measured a clinical 512×512 T1 brain MR with skull (not in any training set, not available here): 0.71 dB (×2) and 1.12 dB (×4) '
            'worse than bicubic over the slice. So on MR with skull the panel shows bicubic first and says why (manifest `trainedOn.losesToBicubicOn`); '
            'every image task warns when an input is unlike its training data (modality, weighting, post-contrast, skull, spacing, matrix, field of view). '
            'Retraining super-resolution on a broad mix with whole series held out (the issue\'s targets: +0.5 dB at ×2 and ×4 on held-out series, '
            'no kind of input more than 0.1 dB below bicubic) was not attempted in this session (2 shared CPU cores): **not met / not measured**.',
            '',
        ]
    lines.append(END)
    return '\n'.join(lines)


def main() -> None:
    card = BUNDLE_DIR / 'MODEL_CARD.md'
    text = card.read_text()
    block = section()
    if START in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        marker = '## Results (held-out data'
        text = text.replace(marker, block + '\n\n' + marker, 1) if marker in text else text + '\n' + block + '\n'
    card.write_text(text)
    refresh_manifest()
    print(block)


if __name__ == '__main__':
    main()
