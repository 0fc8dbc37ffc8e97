"""Where super-resolution learns from, and what it is judged on, kept apart by whole series.

Super-resolution needs only high-resolution images (degrade, then restore), so it learns from every kind of
image at hand, grouped by kind so a batch mixes them:
- 'mr-skull-stripped': the training brain subjects (BraTS-style, 1 mm isotropic), four contrasts, slices in all
  three planes;
- 'mr-with-skull': the TCGA native acquisitions (0.9 mm in plane, with skull; t1, t1c, t2) and the real MR
  conformance images (NEMA WG04 MR1-MR4, pydicom's Siemens MR);
- 'ct': the real CT conformance images (WG04 CT1, pydicom's 693 CT and eCT, Cornerstone's CT slice);
- 'radiology-jpeg': VQA-RAD's images (CT, MR, radiographs, 8-bit), for variety of anatomy and scanners.
The Debian volumes (Colin27, InVesalius' head CT) join 'mr-with-skull' and 'ct' when their packages are installed.

Never trained on:
- TEST_SERIES, the held-out test: the Siemens T1 MPRAGE and the GE head CT (sources that appear nowhere in
  training) and the held-out BraTS subject (skull-stripped MR);
- VALIDATION_SERIES, for choosing the checkpoint: the TCGA native FLAIR series and WG04's CT2 and MR4.
"""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

import nibabel as nib
import numpy as np
import pydicom
from PIL import Image

from common import BRAIN_SUBJECTS, CONTRASTS, DATA, HELD_OUT_SUBJECT, percentile_normalize

BRAIN = DATA / 'volumes' / 'brain-multicontrast'
SERIES = DATA / 'dicom' / 'series'
WG04 = DATA / 'dicom' / 'conformance' / 'wg04' / 'REF'
PYDICOM = DATA / 'dicom' / 'conformance' / 'pydicom'
CORNERSTONE = DATA / 'dicom' / 'conformance' / 'cornerstone'
VQA_RAD = DATA / 'vqa' / 'vqa-rad' / 'images'
COLIN = Path('/usr/share/mricron/templates/ch2better.nii.gz')
INVESALIUS = Path('/usr/share/doc/invesalius-examples/examples/Cranium.inv3')

NATIVE_SUBJECT = 'tcga-fg-6692-native'
VALIDATION_NATIVE_CONTRAST = 'flair'
VALIDATION_WG04 = ['CT2', 'MR4']
TRAIN_WG04 = ['CT1', 'MR1', 'MR2', 'MR3']
KINDS = ['mr-skull-stripped', 'mr-with-skull', 'ct', 'radiology-jpeg']
# A slice is used when at least this share of it is above the 5th intensity percentile's noise (not empty).
MIN_CONTENT = 0.05


def modality_pixels(ds: pydicom.Dataset) -> np.ndarray:
    pixels = ds.pixel_array.astype(np.float32)
    if pixels.ndim == 3:
        pixels = pixels[0]
    return pixels * float(ds.get('RescaleSlope', 1)) + float(ds.get('RescaleIntercept', 0))


def wg04(name: str) -> np.ndarray:
    raw = subprocess.run(['zstd', '-dc', str(WG04 / f'{name}_UNC.zst')], capture_output=True, check=True).stdout
    return percentile_normalize(modality_pixels(pydicom.dcmread(io.BytesIO(raw))))


def dicom_file(path: Path) -> np.ndarray:
    return percentile_normalize(modality_pixels(pydicom.dcmread(str(path))))


def has_content(image: np.ndarray) -> bool:
    return bool((image > 0.1).mean() > MIN_CONTENT)


def volume_slices(volume: np.ndarray, planes: tuple[int, ...] = (0, 1, 2), stride: int = 1) -> list[np.ndarray]:
    """Per-slice normalised slices along the given axes (in-plane orientation as stored, rotated for display)."""
    out = []
    for axis in planes:
        for i in range(0, volume.shape[axis], stride):
            image = percentile_normalize(np.rot90(np.take(volume, i, axis=axis)))
            if has_content(image):
                out.append(image.astype(np.float16))
    return out


def load_nifti(path: Path) -> np.ndarray:
    return np.asarray(nib.load(str(path)).dataobj, dtype=np.float32)


def _optional_debian_volumes() -> dict[str, list[np.ndarray]]:
    extra: dict[str, list[np.ndarray]] = {'mr-with-skull': [], 'ct': []}
    if COLIN.exists():
        extra['mr-with-skull'] += volume_slices(load_nifti(COLIN), stride=2)
    if INVESALIUS.exists():
        import plistlib
        import tarfile

        with tarfile.open(INVESALIUS) as archive:
            members = {Path(m.name).name: m for m in archive.getmembers()}
            plist = plistlib.loads(archive.extractfile(members['main.plist']).read())
            shape = tuple(plist['matrix']['shape'])
            volume = np.frombuffer(archive.extractfile(members['matrix.dat']).read(), dtype=np.int16).reshape(shape)
        extra['ct'] += volume_slices(volume.astype(np.float32), planes=(0,))
    return extra


def training_sources() -> dict[str, list[np.ndarray]]:
    """Kind -> list of normalised float16 slices. No slice of a test or validation series is among them."""
    sources: dict[str, list[np.ndarray]] = {k: [] for k in KINDS}
    for subject in BRAIN_SUBJECTS:
        if subject == HELD_OUT_SUBJECT:
            continue
        for contrast in CONTRASTS:
            sources['mr-skull-stripped'] += volume_slices(load_nifti(BRAIN / subject / f'{contrast}.nii.gz'), stride=2)
    for contrast in CONTRASTS:
        if contrast != VALIDATION_NATIVE_CONTRAST:
            sources['mr-with-skull'] += volume_slices(load_nifti(BRAIN / NATIVE_SUBJECT / f'{contrast}.nii.gz'), planes=(2,))
    for name in TRAIN_WG04:
        sources['mr-with-skull' if name.startswith('MR') else 'ct'].append(wg04(name).astype(np.float16))
    sources['mr-with-skull'].append(dicom_file(PYDICOM / 'MR-SIEMENS-DICOM-WithOverlays.dcm').astype(np.float16))
    for path in [PYDICOM / '693_UNCI.dcm', PYDICOM / 'eCT_Supplemental.dcm', CORNERSTONE / 'CTImage.dcm']:
        sources['ct'].append(dicom_file(path).astype(np.float16))
    for path in sorted(VQA_RAD.glob('*.jpg')):
        image = np.asarray(Image.open(path).convert('L'), dtype=np.float32)
        if min(image.shape) >= 256:
            sources['radiology-jpeg'].append(percentile_normalize(image).astype(np.float16))
    for kind, slices in _optional_debian_volumes().items():
        sources[kind] += slices
    return sources


def validation_series() -> dict[str, list[np.ndarray]]:
    native = load_nifti(BRAIN / NATIVE_SUBJECT / f'{VALIDATION_NATIVE_CONTRAST}.nii.gz')
    return {
        'tcga-native-flair (mr-with-skull)': [s.astype(np.float32) for s in volume_slices(native, planes=(2,), stride=3)],
        'wg04-MR4 (mr-with-skull)': [wg04('MR4')],
        'wg04-CT2 (ct)': [wg04('CT2')],
    }


def crop4(image: np.ndarray) -> np.ndarray:
    return image[: image.shape[0] // 4 * 4, : image.shape[1] // 4 * 4]
