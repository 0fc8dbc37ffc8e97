"""Step 1a: axial slices from the shared brain volumes and DICOM series, normalised per slice.

Training uses every subject except the held-out one; the held-out subject's slices go to a
separate file that training never opens. Data is read in place from the shared folder.
"""
from __future__ import annotations

from pathlib import Path

import nibabel as nib
import numpy as np
import pydicom

from common import BRAIN_SUBJECTS, CONTRASTS, DATA, HELD_OUT_SUBJECT, percentile_normalize, work_path

# A slice is kept when at least this much of it is brain: the end slices carry almost nothing.
MIN_BRAIN_FRACTION = 0.05
# Every n-th held-out slice is evaluated, which keeps evaluation fast while covering the brain.
HELD_OUT_STRIDE = 4


def load_subject(subject: str) -> dict[str, np.ndarray]:
    folder = DATA / 'volumes' / 'brain-multicontrast' / subject
    return {c: np.asarray(nib.load(str(folder / f'{c}.nii.gz')).dataobj, dtype=np.float32) for c in CONTRASTS}


def subject_slices(subject: str, stride: int = 1) -> dict[str, np.ndarray]:
    """Per-slice normalised contrasts plus the brain mask (nonzero in any skull-stripped contrast)."""
    volumes = load_subject(subject)
    mask = np.any(np.stack([v != 0 for v in volumes.values()]), axis=0)
    keep = [z for z in range(mask.shape[2]) if mask[:, :, z].mean() >= MIN_BRAIN_FRACTION][::stride]
    out = {c: np.stack([percentile_normalize(volumes[c][:, :, z].T) for z in keep]).astype(np.float16) for c in CONTRASTS}
    out['mask'] = np.stack([mask[:, :, z].T for z in keep])
    out['z'] = np.array(keep)
    return out


def dicom_series(folder: Path) -> np.ndarray:
    """Slices of a DICOM series in modality units (rescale slope/intercept applied), normalised per slice."""
    slices = []
    for path in sorted(folder.glob('*.dcm')):
        ds = pydicom.dcmread(str(path))
        pixels = ds.pixel_array.astype(np.float32) * float(ds.get('RescaleSlope', 1)) + float(ds.get('RescaleIntercept', 0))
        if (pixels > np.percentile(pixels, 50)).mean() > 0.05:
            slices.append(percentile_normalize(pixels))
    return np.stack(slices).astype(np.float16)


def main() -> None:
    train = [s for s in BRAIN_SUBJECTS if s != HELD_OUT_SUBJECT]
    per_subject = [subject_slices(s) for s in train]
    arrays = {c: np.concatenate([p[c] for p in per_subject]) for c in CONTRASTS + ['mask']}
    np.savez(work_path('data', 'brain_train.npz'), **arrays)
    held = subject_slices(HELD_OUT_SUBJECT, stride=HELD_OUT_STRIDE)
    np.savez(work_path('data', 'brain_heldout.npz'), **held)
    series = DATA / 'dicom' / 'series'
    np.savez(
        work_path('data', 'dicom_train.npz'),
        ct=dicom_series(series / 'ct-head-ge-tilted'),
        mprage=dicom_series(series / 'mr-brain-t1-mprage-siemens')[::2],
    )
    print(f'brain train slices {len(arrays["t1"])} from {train}; held-out {HELD_OUT_SUBJECT}: {len(held["t1"])} slices')


if __name__ == '__main__':
    main()
