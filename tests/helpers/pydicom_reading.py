"""An independent reading of DICOM files with pydicom, for comparison in the tests.

Usage: pydicom_reading.py uids PATH...        -> {path: {sop, study, series} | null}
       pydicom_reading.py names PATH...       -> {path: {sop, patientName, studyDescription, referringPhysicianName} | null}
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
                if mode == "uids":
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
