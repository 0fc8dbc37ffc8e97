"""Baseline for bench/deidentify.ts: a plain pydicom loop doing the Basic Profile's actions from the same table.

For each file: dcmread, walk every element at every sequence level, apply the row's action
(X remove, Z empty, D dummy, U keyed UID, K keep; combined actions as the engine resolves them for
attributes present: X/Z empty, X/D Z/D X/Z/D dummy, X/Z/U* kept with UIDs remapped), remove
private attributes, set Patient Identity Removed, write. Prints {"files", "seconds"} as JSON;
the timing leaves out Python's start-up and imports, as the Node side leaves out Node's.
"""
import hashlib
import hmac
import json
import os
import sys
import time
import warnings

import pydicom
from pydicom.uid import UID

warnings.simplefilter('ignore')
source, out_dir, table_path = sys.argv[1:4]
rows = json.load(open(table_path, encoding='utf-8'))['rows']
actions = {int(row['tag'], 16): row['basic'] for row in rows if row['tag'] != 'private' and 'X' not in row['tag']}
secret = b'\x07' * 32
resolved = {'X/Z': 'Z', 'X/D': 'D', 'Z/D': 'D', 'X/Z/D': 'D', 'X/Z/U*': 'U'}
dummies = {'DA': '19000101', 'DT': '19000101000000', 'TM': '000000', 'AS': '000Y', 'DS': '0', 'IS': '0'}


def keyed_uid(value):
    digest = hmac.new(secret, b'uid\0' + value.encode(), hashlib.sha256).digest()
    return '2.25.' + str(int.from_bytes(digest[:16], 'big'))


def walk(dataset):
    for element in list(dataset):
        if element.tag.is_private:
            del dataset[element.tag]
            continue
        action = actions.get(int(element.tag))
        if action is None:
            if element.VR == 'SQ':
                for item in element.value:
                    walk(item)
            continue
        action = resolved.get(action, action)
        if action == 'X':
            del dataset[element.tag]
        elif action == 'Z':
            element.value = [] if element.VR == 'SQ' else None
        elif element.VR == 'SQ':
            for item in element.value:
                walk(item)
        elif action == 'U' or element.VR == 'UI':
            element.value = keyed_uid(str(element.value)) if element.value else element.value
        elif action == 'D':
            element.value = dummies.get(element.VR, 'ANONYMIZED') if element.VR not in ('US', 'SS', 'UL', 'SL', 'FL', 'FD', 'OB', 'OW', 'UN') else element.value


files = sorted(os.path.join(source, name) for name in os.listdir(source))
os.makedirs(out_dir, exist_ok=True)
started = time.perf_counter()
for path in files:
    ds = pydicom.dcmread(path)
    walk(ds)
    ds.PatientIdentityRemoved = 'YES'
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.save_as(os.path.join(out_dir, os.path.basename(path)))
print(json.dumps({'files': len(files), 'seconds': time.perf_counter() - started}))
