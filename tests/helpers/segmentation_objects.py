"""Writes a small MR series and a DICOM Segmentation over it, for the viewer's SEG tests.

Usage: segmentation_objects.py OUT_DIR [TYPE]
TYPE is BINARY (default) or FRACTIONAL. Writes OUT_DIR/source-1.dcm … source-3.dcm (64×64, every
pixel 500, window 500/1000, so the image is an even grey) and OUT_DIR/seg.dcm with two segments
on the middle slice:
- segment 1 "Lesion", Recommended Display CIELab Value of pure red, rows and columns 8–23; its frame
  names its source image by SOP Instance UID;
- segment 2 "Kidney", no recommended colour, rows and columns 40–55; its frame has no Source
  Image Sequence, only a Plane Position, so the viewer must match it by position.
Prints one JSON object: {"dir", "study", "sourceSeries", "sources": [sop…], "seg": {"path", "sop", "series"}}.
Made with pydicom, independently of Radstation.
"""
import json
import os
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

out_dir = sys.argv[1]
seg_type = sys.argv[2] if len(sys.argv) > 2 else 'BINARY'
size = 64
study_uid = generate_uid()
frame_of_reference = generate_uid()
source_series = generate_uid()
orientation = [1, 0, 0, 0, 1, 0]
spacing = [0.8, 0.8]
positions = [[-25.6, -25.6, z] for z in (0.0, 5.0, 10.0)]


def save(ds, name):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    path = os.path.join(out_dir, name)
    ds.save_as(path, write_like_original=False)
    return path


def patient(ds):
    ds.PatientName = 'SEG^Overlay'
    ds.PatientID = 'SEG-1'
    ds.StudyInstanceUID = study_uid
    ds.StudyDate = '20240102'
    ds.StudyDescription = 'Segmentation overlay test'
    ds.FrameOfReferenceUID = frame_of_reference


sources = []
for index, position in enumerate(positions):
    mr = Dataset()
    patient(mr)
    mr.SOPClassUID = '1.2.840.10008.5.1.4.1.1.4'
    mr.SOPInstanceUID = generate_uid()
    mr.Modality = 'MR'
    mr.SeriesInstanceUID = source_series
    mr.SeriesNumber = 1
    mr.SeriesDescription = 'Source T1'
    mr.InstanceNumber = index + 1
    mr.ImagePositionPatient = position
    mr.ImageOrientationPatient = orientation
    mr.PixelSpacing = spacing
    mr.SliceThickness = 5
    mr.Rows = size
    mr.Columns = size
    mr.SamplesPerPixel = 1
    mr.PhotometricInterpretation = 'MONOCHROME2'
    mr.BitsAllocated = 16
    mr.BitsStored = 16
    mr.HighBit = 15
    mr.PixelRepresentation = 0
    mr.WindowCenter = 500
    mr.WindowWidth = 1000
    mr.PixelData = np.full((size, size), 700, dtype='<u2').tobytes()
    save(mr, 'source-%d.dcm' % (index + 1))
    sources.append(mr)


def code(value, scheme, meaning):
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = scheme
    item.CodeMeaning = meaning
    return item


def segment(number, label, lab=None):
    item = Dataset()
    item.SegmentNumber = number
    item.SegmentLabel = label
    item.SegmentAlgorithmType = 'MANUAL'
    item.SegmentedPropertyCategoryCodeSequence = Sequence([code('123037004', 'SCT', 'Anatomical Structure')])
    item.SegmentedPropertyTypeCodeSequence = Sequence([code('64033007', 'SCT', label)])
    if lab is not None:
        item.RecommendedDisplayCIELabValue = lab
    return item


def frame(segment_number, position, source=None):
    item = Dataset()
    if source is not None:
        reference = Dataset()
        reference.ReferencedSOPClassUID = source.SOPClassUID
        reference.ReferencedSOPInstanceUID = source.SOPInstanceUID
        derivation = Dataset()
        derivation.SourceImageSequence = Sequence([reference])
        item.DerivationImageSequence = Sequence([derivation])
    plane = Dataset()
    plane.ImagePositionPatient = position
    item.PlanePositionSequence = Sequence([plane])
    identification = Dataset()
    identification.ReferencedSegmentNumber = segment_number
    item.SegmentIdentificationSequence = Sequence([identification])
    return item


seg = Dataset()
patient(seg)
seg.SOPClassUID = '1.2.840.10008.5.1.4.1.1.66.4'
seg.SOPInstanceUID = generate_uid()
seg.Modality = 'SEG'
seg.SeriesInstanceUID = generate_uid()
seg.SeriesNumber = 2
seg.SeriesDescription = 'Test segmentation'
seg.InstanceNumber = 1
seg.ContentLabel = 'TEST_SEG'
seg.ContentDescription = 'Two segments on the middle slice'
seg.ImageType = ['DERIVED', 'PRIMARY']
seg.SegmentationType = seg_type
# Pure red (sRGB 255, 0, 0) is CIELab (53.24, 80.09, 67.20), scaled as PS3.3 C.10.7.1.1 says.
red_lab = [round(53.24 * 65535 / 100), round((80.09 + 128) * 65535 / 255), round((67.20 + 128) * 65535 / 255)]
seg.SegmentSequence = Sequence([segment(1, 'Lesion', red_lab), segment(2, 'Kidney')])
referenced = Dataset()
referenced.SeriesInstanceUID = source_series
instance = Dataset()
instance.ReferencedSOPClassUID = sources[1].SOPClassUID
instance.ReferencedSOPInstanceUID = sources[1].SOPInstanceUID
referenced.ReferencedInstanceSequence = Sequence([instance])
seg.ReferencedSeriesSequence = Sequence([referenced])
shared = Dataset()
plane_orientation = Dataset()
plane_orientation.ImageOrientationPatient = orientation
shared.PlaneOrientationSequence = Sequence([plane_orientation])
measures = Dataset()
measures.PixelSpacing = spacing
measures.SliceThickness = 5
measures.SpacingBetweenSlices = 5
shared.PixelMeasuresSequence = Sequence([measures])
seg.SharedFunctionalGroupsSequence = Sequence([shared])
seg.PerFrameFunctionalGroupsSequence = Sequence([frame(1, positions[1], sources[1]), frame(2, positions[1])])
seg.NumberOfFrames = 2
seg.Rows = size
seg.Columns = size
seg.SamplesPerPixel = 1
seg.PhotometricInterpretation = 'MONOCHROME2'
seg.PixelRepresentation = 0
seg.LossyImageCompression = '00'

masks = np.zeros((2, size, size), dtype=np.uint8)
masks[0, 8:24, 8:24] = 1
masks[1, 40:56, 40:56] = 1
if seg_type == 'BINARY':
    seg.BitsAllocated = 1
    seg.BitsStored = 1
    seg.HighBit = 0
    packed = np.packbits(masks.reshape(-1), bitorder='little').tobytes()
    seg.PixelData = packed + (b'\0' if len(packed) % 2 else b'')
else:
    seg.BitsAllocated = 8
    seg.BitsStored = 8
    seg.HighBit = 7
    seg.SegmentationFractionalType = 'PROBABILITY'
    seg.MaximumFractionalValue = 255
    # A ramp inside each square, so the fractional values are not all the same.
    values = masks.astype(np.uint16) * (128 + (np.arange(size) % 16)[None, None, :] * 8)
    seg.PixelData = values.astype(np.uint8).tobytes()
seg_path = save(seg, 'seg.dcm')

print(json.dumps({
    'dir': out_dir,
    'study': study_uid,
    'sourceSeries': source_series,
    'sources': [ds.SOPInstanceUID for ds in sources],
    'seg': {'path': seg_path, 'sop': seg.SOPInstanceUID, 'series': seg.SeriesInstanceUID},
}))
