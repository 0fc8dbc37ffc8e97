"""Expected output of the test bundle's upsample-x2-mr task, computed with pydicom and numpy.

Usage: expected_percentile_upsample.py DICOM_FILE OUT_FILE
Writes float32 little-endian values, row-major, in modality units: the slice's values
clipped to their 1st and 99th percentiles (numpy's linear interpolation), scaled to
[0, 1], upsampled x2 by the test kernel plus bias, then mapped back with the same
percentiles.
"""
import sys

import numpy as np
import pydicom

kernel = np.array([[1.0, 0.5], [0.25, 0.75]], dtype=np.float64)
bias = np.float64(np.float32(0.01))

ds = pydicom.dcmread(sys.argv[1])
x = ds.pixel_array.astype(np.float64) * float(ds.get('RescaleSlope', 1)) + float(ds.get('RescaleIntercept', 0))
low, high = np.percentile(x, [1, 99])
width = high - low if high > low else 1.0
normalised = (np.clip(x, low, high) - low) / width
y = np.kron(normalised, kernel) + bias
out = y * width + low
out.astype('<f4').tofile(sys.argv[2])
print(out.shape[0], out.shape[1])
