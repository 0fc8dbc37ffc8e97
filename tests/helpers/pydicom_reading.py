"""An independent reading of DICOM files with pydicom, for comparison in the tests.

Usage: pydicom_reading.py uids PATH...        -> {path: {sop, study, series} | null}
       pydicom_reading.py names PATH...       -> {path: {sop, patientName, studyDescription, referringPhysicianName} | null}
       pydicom_reading.py fields PATH...      -> {path: {sop, rows, columns, ...} | null} (header fields the cache stores)
       pydicom_reading.py dicomdir DICOMDIR   -> {"referenced": [absolute paths]}
Folders are walked recursively. Prints one JSON object on stdout.
"""
import json
import os
import sys
import warnings

import pydicom

warnings.simplefilter("ignore")


def files_under(paths):
    for given in paths:
        if os.path.isdir(given):
            for root, _dirs, names in os.walk(given):
                for name in names:
                    yield os.path.join(root, name)
        else:
            yield given


def read(path):
    try:
        return pydicom.dcmread(path, stop_before_pixels=True, force=True)
    except Exception:
        return None


def text(ds, keyword):
    value = ds.get(keyword)
    return None if value is None else str(value)


def numbers(ds, keyword):
    value = ds.get(keyword)
    if value is None or value == "":
        return None
    values = list(value) if isinstance(value, (list, pydicom.multival.MultiValue)) else [value]
    return [float(v) for v in values]


def fields(ds):
    meta = getattr(ds, "file_meta", None)
    return {
        "sop": text(ds, "SOPInstanceUID"),
        "modality": text(ds, "Modality") or "",
        "patientId": text(ds, "PatientID") or "",
        "studyDate": text(ds, "StudyDate") or "",
        "seriesNumber": None if ds.get("SeriesNumber") in (None, "") else int(ds.SeriesNumber),
        "instanceNumber": None if ds.get("InstanceNumber") in (None, "") else int(ds.InstanceNumber),
        "rows": ds.get("Rows"),
        "columns": ds.get("Columns"),
        "frames": int(ds.get("NumberOfFrames") or 1),
        "bitsAllocated": ds.get("BitsAllocated"),
        "bitsStored": ds.get("BitsStored"),
        "pixelRepresentation": ds.get("PixelRepresentation"),
        "samplesPerPixel": ds.get("SamplesPerPixel"),
        "photometric": text(ds, "PhotometricInterpretation") or "",
        "transferSyntax": str(meta.TransferSyntaxUID) if meta is not None and "TransferSyntaxUID" in meta else None,
        "pixelSpacing": numbers(ds, "PixelSpacing"),
        "position": numbers(ds, "ImagePositionPatient"),
        "orientation": numbers(ds, "ImageOrientationPatient"),
        "sliceThickness": numbers(ds, "SliceThickness"),
        "windowCenter": numbers(ds, "WindowCenter"),
        "windowWidth": numbers(ds, "WindowWidth"),
        "rescaleSlope": numbers(ds, "RescaleSlope"),
        "rescaleIntercept": numbers(ds, "RescaleIntercept"),
    }


def main():
    mode, paths = sys.argv[1], sys.argv[2:]
    out = {}
    if mode == "dicomdir":
        ds = pydicom.dcmread(paths[0], force=True)
        root = os.path.dirname(os.path.abspath(paths[0]))
        referenced = []
        for record in ds.get("DirectoryRecordSequence", []):
            file_id = record.get("ReferencedFileID")
            if file_id is None:
                continue
            parts = [file_id] if isinstance(file_id, str) else list(file_id)
            referenced.append(os.path.join(root, *parts))
        out = {"referenced": referenced}
    else:
        for path in files_under(paths):
            ds = read(path)
            if ds is None:
                out[path] = None
                continue
            try:
                if mode == "fields":
                    out[path] = fields(ds)
                elif mode == "uids":
                    out[path] = {"sop": text(ds, "SOPInstanceUID"), "study": text(ds, "StudyInstanceUID"), "series": text(ds, "SeriesInstanceUID")}
                else:
                    out[path] = {
                        "sop": text(ds, "SOPInstanceUID"),
                        "patientName": text(ds, "PatientName"),
                        "studyDescription": text(ds, "StudyDescription"),
                        "referringPhysicianName": text(ds, "ReferringPhysicianName"),
                    }
            except Exception:
                out[path] = None
    json.dump(out, sys.stdout, ensure_ascii=False)


main()
