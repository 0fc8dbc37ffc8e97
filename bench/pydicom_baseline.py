"""Baseline for bench/import.ts: a plain pydicom loop over the same files.

dcmread(stop_before_pixels=True) per file plus an sqlite3 insert of a few header fields,
committed once. Prints {"files", "read", "seconds", "cpu_seconds"} as JSON. The timing covers what
the import's own timing covers (the folder walk, creating the database, the loop, the commit) and
leaves out the interpreter's start-up and imports, as the import's leaves out Node's.
"""
import json
import os
import sqlite3
import sys
import time
import warnings

import pydicom

warnings.simplefilter("ignore")
root, db_path = sys.argv[1], sys.argv[2]
started = time.perf_counter()
cpu_started = time.process_time()
files = [os.path.join(folder, name) for folder, _dirs, names in os.walk(root) for name in names]
db = sqlite3.connect(db_path)
db.execute("PRAGMA journal_mode = WAL")
db.execute("CREATE TABLE instances (sop TEXT PRIMARY KEY, series TEXT, study TEXT, patient TEXT, modality TEXT, path TEXT)")
read = 0
for path in files:
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        db.execute(
            "INSERT OR IGNORE INTO instances VALUES (?, ?, ?, ?, ?, ?)",
            (str(ds.get("SOPInstanceUID", "")), str(ds.get("SeriesInstanceUID", "")), str(ds.get("StudyInstanceUID", "")),
             str(ds.get("PatientName", "")), str(ds.get("Modality", "")), path),
        )
        read += 1
    except Exception:
        pass
db.commit()
seconds = time.perf_counter() - started
cpu_seconds = time.process_time() - cpu_started
db.close()
print(json.dumps({"files": len(files), "read": read, "seconds": seconds, "cpu_seconds": cpu_seconds}))
