"""Independent check of what a classroom serves, with pydicom.

  served_bytes_check.py TABLE ORIGINALS_DIR SERVED_DIR

Reads every original and every served file, pairs them by the bytes of their Pixel Data (which
de-identification copies unchanged), and checks each served file against its original by the
Basic Profile column of Table E.1-1: an attribute the profile removes (X) or any private
attribute of the original is absent everywhere in the served file, and one it empties, replaces
or gives a new UID (Z, D, U and their combinations) never carries an original value. Prints JSON
{"served": n, "paired": n, "checkedAttributes": n, "problems": [...]}. The expectations come from
the table's action letters, not from Radstation's code.
"""
import hashlib
import json
import os
import re
import sys
import warnings

warnings.filterwarnings('ignore')
from pydicom import dcmread

REPLACING = {'Z', 'D', 'U', 'X/Z', 'X/D', 'Z/D', 'X/Z/D', 'X/Z/U*'}


def load_rules(table_path):
    with open(table_path) as handle:
        rows = json.load(handle)['rows']
    exact, patterns = {}, []
    for row in rows:
        if row['tag'] == 'private':
            continue
        if 'X' in row['tag']:
            patterns.append((re.compile('^' + row['tag'].replace('X', '[0-9A-F]') + '$'), row['basic']))
        else:
            exact[row['tag']] = row['basic']
    return exact, patterns


def action_of(tag, exact, patterns):
    key = f'{tag:08X}'
    if key in exact:
        return exact[key]
    for pattern, action in patterns:
        if pattern.match(key):
            return action
    return None


def walk(dataset, found):
    """Every element at any depth, as tag -> list of its values as text."""
    for element in dataset:
        if element.VR == 'SQ':
            found.setdefault(int(element.tag), []).append('')
            for item in element.value:
                walk(item, found)
        else:
            found.setdefault(int(element.tag), []).append(str(element.value) if element.value is not None else '')
    return found


def pixel_key(dataset):
    return hashlib.sha256(dataset.PixelData).hexdigest() if 'PixelData' in dataset else None


def files_in(folder):
    return sorted(os.path.join(root, name) for root, _, names in os.walk(folder) for name in names)


def main(table_path, originals_dir, served_dir):
    exact, patterns = load_rules(table_path)
    originals = {}
    for path in files_in(originals_dir):
        dataset = dcmread(path)
        originals[pixel_key(dataset)] = dataset
    report = {'served': 0, 'paired': 0, 'checkedAttributes': 0, 'problems': []}
    for path in files_in(served_dir):
        report['served'] += 1
        served = dcmread(path)
        name = os.path.basename(path)
        original = originals.get(pixel_key(served))
        if original is None:
            report['problems'].append(f'{name}: no original has its pixel data')
            continue
        report['paired'] += 1
        if str(served.get('PatientIdentityRemoved', '')) != 'YES':
            report['problems'].append(f'{name}: Patient Identity Removed is not YES')
        served_values = walk(served, {})
        served_values.update(walk(served.file_meta, {}))
        original_values = walk(original, {})
        original_values.update(walk(original.file_meta, {}))
        for tag, values in original_values.items():
            group = tag >> 16
            if group % 2 == 1:
                report['checkedAttributes'] += 1
                if tag in served_values:
                    report['problems'].append(f'{name}: private ({tag:08X}) is still there')
                continue
            action = action_of(tag, exact, patterns)
            if action is None:
                continue
            report['checkedAttributes'] += 1
            if action == 'X' and tag in served_values:
                report['problems'].append(f'{name}: ({tag:08X}) should be removed (X) but is there')
            elif action in REPLACING:
                kept = {value for value in values if value.strip()} & set(served_values.get(tag, []))
                if kept:
                    report['problems'].append(f'{name}: ({tag:08X}) ({action}) still carries an original value')
    print(json.dumps(report))


if __name__ == '__main__':
    main(*sys.argv[1:4])
