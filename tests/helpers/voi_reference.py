"""Reference VOI output for tests/integration/imaging-voi-pydicom.test.ts, computed with pydicom.

Writes variants of a real CT slice (VOI LUT Function, rescale, MONOCHROME1, an invalid width)
into OUT_DIR and, for each variant and for a real file with a VOI LUT Sequence, the display
level of every pixel in [0, 1] as raw little-endian float64 (NAME.levels). pydicom applies the
modality LUT and the VOI function; this script only normalises its output range to [0, 1].
Usage: voi_reference.py CT_FILE VLUT_FILE OUT_DIR; prints the variants as JSON.
"""
import json
import os
import sys

import numpy as np
import pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut, apply_voi, apply_windowing

ct_file, vlut_file, out_dir = sys.argv[1:4]


def output_range(ds):
    """pydicom's apply_windowing output range (ymin, ymax), from its documented rule."""
    if ds.PixelRepresentation == 0:
        low, high = 0, 2 ** ds.BitsStored - 1
    else:
        low, high = -(2 ** (ds.BitsStored - 1)), 2 ** (ds.BitsStored - 1) - 1
    if 'RescaleSlope' in ds and 'RescaleIntercept' in ds:
        low = low * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        high = high * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    return low, high


def write(name, ds, levels):
    path = os.path.join(out_dir, name + '.dcm')
    ds.save_as(path)
    if ds.PhotometricInterpretation == 'MONOCHROME1':
        levels = 1.0 - levels
    levels.astype('<f8').tofile(os.path.join(out_dir, name + '.levels'))
    return {'name': name, 'path': path, 'levelsPath': os.path.join(out_dir, name + '.levels')}


def windowed(name, changes):
    ds = pydicom.dcmread(ct_file)
    for keyword, value in changes.items():
        setattr(ds, keyword, value)
    values = apply_modality_lut(ds.pixel_array, ds).astype('float64')
    if float(ds.WindowWidth) < 1 and ds.get('VOILUTFunction', 'LINEAR') == 'LINEAR':
        # Not a window the standard allows: the image is shown over its full range instead.
        levels = (values - values.min()) / (values.max() - values.min())
    else:
        low, high = output_range(ds)
        levels = (apply_windowing(values, ds) - low) / (high - low)
    return write(name, ds, levels)


variants = [
    windowed('linear', {}),
    windowed('linear-exact', {'VOILUTFunction': 'LINEAR_EXACT', 'WindowCenter': 40, 'WindowWidth': 80}),
    windowed('sigmoid', {'VOILUTFunction': 'SIGMOID', 'WindowCenter': 40, 'WindowWidth': 120}),
    windowed('sigmoid-rescaled-monochrome1', {'VOILUTFunction': 'SIGMOID', 'RescaleSlope': 0.5, 'RescaleIntercept': -100, 'PhotometricInterpretation': 'MONOCHROME1'}),
    windowed('width-below-one', {'WindowCenter': 40, 'WindowWidth': 0.5}),
]



def through_lut(name, ds, values):
    bits = ds.VOILUTSequence[0].LUTDescriptor[2]
    return write(name, ds, apply_voi(values, ds).astype('float64') / (2 ** bits - 1))


# The real file as it is (its table is a straight line), then with a curved, falling table of its own.
lut_ds = pydicom.dcmread(vlut_file)
variants.append(through_lut('voi-lut-sequence', lut_ds, lut_ds.pixel_array))
curved = pydicom.dcmread(vlut_file)
table = np.round(((255 - np.arange(256)) / 255.0) ** 2 * 65535).astype('<u2')
curved.VOILUTSequence[0].LUTData = [int(v) for v in table]
variants.append(through_lut('voi-lut-curved', curved, curved.pixel_array))

# The CT with no window and a 12-bit VOI LUT whose first value mapped is negative (SS), −1024 … 3071.
ct_lut = pydicom.dcmread(ct_file)
del ct_lut.WindowCenter
del ct_lut.WindowWidth
item = pydicom.Dataset()
item.add_new(0x00283002, 'SS', [4096, -1024, 12])
item.add_new(0x00283006, 'OW', np.round(np.sqrt(np.arange(4096) / 4095.0) * 4095).astype('<u2').tobytes())
ct_lut.VOILUTSequence = pydicom.Sequence([item])
ct_values = apply_modality_lut(ct_lut.pixel_array, ct_lut)
variants.append(through_lut('voi-lut-signed-first', ct_lut, ct_values))
print(json.dumps(variants))
