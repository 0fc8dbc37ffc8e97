"""Writes axial slices of a NIfTI volume as an uncompressed MR DICOM series, for tests.

Usage: nifti_to_dicom.py VOLUME.nii.gz OUT_DIR FIRST_SLICE COUNT DESCRIPTION
Prints JSON: {files, studyUid, seriesUid, rows, columns, pixelSpacing, sliceThickness}.
The volume is reoriented to RAS, shown radiologically (patient right on the image's left,
anterior at the top) and placed in LPS patient coordinates, as a scanner would write it.
"""
import json
import os
import sys

import nibabel as nib
import numpy as np
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, generate_uid

volume_path, out_dir, first, count, description = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
image = nib.as_closest_canonical(nib.load(volume_path))
data = np.asarray(image.dataobj)
affine = image.affine
nx, ny, nz = data.shape[:3]
if not 0 <= first < first + count <= nz:
    sys.exit(f"slices {first}..{first + count - 1} are outside the volume's {nz}")
zooms = [float(z) for z in image.header.get_zooms()[:3]]
os.makedirs(out_dir, exist_ok=True)
study_uid, series_uid, frame_uid = generate_uid(), generate_uid(), generate_uid()
files = []
for index, k in enumerate(range(first, first + count)):
    # Row r, column c shows voxel (nx-1-c, ny-1-r, k): right on the left, anterior on top.
    pixels = np.ascontiguousarray(data[::-1, ::-1, k].T).astype(np.int16)
    ras = affine @ np.array([nx - 1, ny - 1, k, 1.0])
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = MRImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    path = os.path.join(out_dir, f"slice-{index:03d}.dcm")
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = MRImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study_uid, series_uid, frame_uid
    ds.Modality = "MR"
    ds.PatientName, ds.PatientID = "BraTS^GLI-00001", "BRATS-GLI-00001"
    ds.StudyDate, ds.StudyTime, ds.StudyID, ds.AccessionNumber = "20230101", "120000", "1", ""
    ds.StudyDescription = "Brain multi-contrast (BraTS 2023, converted in a test)"
    ds.SeriesDescription, ds.SeriesNumber, ds.InstanceNumber = description, 1, index + 1
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.ImagePositionPatient = [float(-ras[0]), float(-ras[1]), float(ras[2])]
    ds.SliceLocation = float(ras[2])
    ds.PixelSpacing = [zooms[1], zooms[0]]
    ds.SliceThickness = zooms[2]
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.Rows, ds.Columns = pixels.shape
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.PixelData = pixels.tobytes()
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(path, write_like_original=False)
    files.append(path)
print(json.dumps({"files": files, "studyUid": study_uid, "seriesUid": series_uid, "rows": int(pixels.shape[0]), "columns": int(pixels.shape[1]), "pixelSpacing": [zooms[1], zooms[0]], "sliceThickness": zooms[2]}))
