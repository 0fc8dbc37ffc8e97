"""Writes non-image DICOM objects (and images without pixels) into one CT's study, for the viewer's tests.

Usage: non_image_objects.py CT_FILE PDF_FILE OUT_DIR CORPUS_DIR
CORPUS_DIR is pydicom's conformance folder (reportsi.dcm, test-SR.dcm, rtplan.dcm are read from it).
Prints one JSON object: {name: {"path", "sop", "series"}}. Everything is made with pydicom,
independently of Radstation, so the tests' expectations never come from the code under test.
"""
import json
import os
import sys

import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

ct_path, pdf_path, out_dir, corpus = sys.argv[1:5]
ct = pydicom.dcmread(ct_path)
written = {}


def code(value, scheme, meaning):
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = scheme
    item.CodeMeaning = meaning
    return item


def into_study(ds, name, series_number):
    """Puts ds in the CT's study and patient, as a new series, and writes it."""
    ds.StudyInstanceUID = ct.StudyInstanceUID
    ds.PatientName = ct.PatientName
    ds.PatientID = ct.PatientID
    ds.SeriesInstanceUID = generate_uid()
    ds.SOPInstanceUID = generate_uid()
    ds.SeriesNumber = series_number
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    path = os.path.join(out_dir, name + '.dcm')
    ds.save_as(path, write_like_original=False)
    written[name] = {'path': path, 'sop': ds.SOPInstanceUID, 'series': ds.SeriesInstanceUID}


def reference_to_ct():
    ref = Dataset()
    ref.ReferencedSOPClassUID = ct.SOPClassUID
    ref.ReferencedSOPInstanceUID = ct.SOPInstanceUID
    return ref


def evidence():
    series = Dataset()
    series.SeriesInstanceUID = ct.SeriesInstanceUID
    series.ReferencedSOPSequence = Sequence([reference_to_ct()])
    study = Dataset()
    study.StudyInstanceUID = ct.StudyInstanceUID
    study.ReferencedSeriesSequence = Sequence([series])
    return Sequence([study])


# Corpus SRs, moved into the CT's study.
basic = pydicom.dcmread(os.path.join(corpus, 'reportsi.dcm'))
into_study(basic, 'basic-sr', 901)
comprehensive = pydicom.dcmread(os.path.join(corpus, 'test-SR.dcm'))
into_study(comprehensive, 'comprehensive-sr', 902)

# An Enhanced SR: a titled container with a text finding and a measurement.
enhanced = Dataset()
enhanced.SOPClassUID = '1.2.840.10008.5.1.4.1.1.88.22'
enhanced.Modality = 'SR'
enhanced.SeriesDescription = 'Enhanced SR test'
enhanced.ValueType = 'CONTAINER'
enhanced.ConceptNameCodeSequence = Sequence([code('126000', 'DCM', 'Imaging Measurement Report')])
enhanced.ContinuityOfContent = 'SEPARATE'
enhanced.CompletionFlag = 'COMPLETE'
enhanced.VerificationFlag = 'UNVERIFIED'
finding = Dataset()
finding.RelationshipType = 'CONTAINS'
finding.ValueType = 'TEXT'
finding.ConceptNameCodeSequence = Sequence([code('121071', 'DCM', 'Finding')])
finding.TextValue = 'Small hypodense lesion in segment VI'
measurement = Dataset()
measurement.RelationshipType = 'CONTAINS'
measurement.ValueType = 'NUM'
measurement.ConceptNameCodeSequence = Sequence([code('410668003', 'SCT', 'Length')])
measured = Dataset()
measured.NumericValue = '12.5'
measured.MeasurementUnitsCodeSequence = Sequence([code('mm', 'UCUM', 'millimeter')])
measurement.MeasuredValueSequence = Sequence([measured])
enhanced.ContentSequence = Sequence([finding, measurement])
into_study(enhanced, 'enhanced-sr', 903)

# An Encapsulated PDF.
pdf = Dataset()
pdf.SOPClassUID = '1.2.840.10008.5.1.4.1.1.104.1'
pdf.Modality = 'DOC'
pdf.SeriesDescription = 'Referral letter'
pdf.DocumentTitle = 'Referral letter'
pdf.MIMETypeOfEncapsulatedDocument = 'application/pdf'
with open(pdf_path, 'rb') as handle:
    data = handle.read()
pdf.EncapsulatedDocument = data + (b'\0' if len(data) % 2 else b'')
pdf.EncapsulatedDocumentLength = len(data)
into_study(pdf, 'pdf', 904)

# A Key Object Selection naming the CT slice.
ko = Dataset()
ko.SOPClassUID = '1.2.840.10008.5.1.4.1.1.88.59'
ko.Modality = 'KO'
ko.SeriesDescription = 'Key images'
ko.ValueType = 'CONTAINER'
ko.ConceptNameCodeSequence = Sequence([code('113000', 'DCM', 'Of Interest')])
ko.ContinuityOfContent = 'SEPARATE'
ko.CurrentRequestedProcedureEvidenceSequence = evidence()
image_item = Dataset()
image_item.RelationshipType = 'CONTAINS'
image_item.ValueType = 'IMAGE'
image_item.ReferencedSOPSequence = Sequence([reference_to_ct()])
note = Dataset()
note.RelationshipType = 'CONTAINS'
note.ValueType = 'TEXT'
note.ConceptNameCodeSequence = Sequence([code('113012', 'DCM', 'Key Object Description')])
note.TextValue = 'Lesion seen best here'
ko.ContentSequence = Sequence([note, image_item])
into_study(ko, 'ko', 905)

# A Grayscale Softcopy Presentation State applying to the CT slice.
pr = Dataset()
pr.SOPClassUID = '1.2.840.10008.5.1.4.1.1.11.1'
pr.Modality = 'PR'
pr.SeriesDescription = 'Presentation'
pr.ContentLabel = 'LIVER_WINDOW'
pr.ContentDescription = 'Liver window on the key slice'
referenced_series = Dataset()
referenced_series.SeriesInstanceUID = ct.SeriesInstanceUID
referenced_series.ReferencedImageSequence = Sequence([reference_to_ct()])
pr.ReferencedSeriesSequence = Sequence([referenced_series])
into_study(pr, 'pr', 906)

# An RT Plan from the corpus: not an image, and not shown by Radstation.
rtplan = pydicom.dcmread(os.path.join(corpus, 'rtplan.dcm'))
into_study(rtplan, 'rtplan', 907)

# The CT slice without its Pixel Data, and with empty Pixel Data.
no_pixels = pydicom.dcmread(ct_path)
del no_pixels.PixelData
into_study(no_pixels, 'no-pixel-data', 908)
empty_pixels = pydicom.dcmread(ct_path)
empty_pixels.PixelData = b''
into_study(empty_pixels, 'empty-pixel-data', 909)

print(json.dumps(written))
