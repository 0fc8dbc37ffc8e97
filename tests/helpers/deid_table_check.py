"""Independent checks of de-identification by Table E.1-1, with pydicom.

  generate TABLE OUTDIR   one file per table row: the row's attribute at the top level and inside
                          an Anatomic Region Sequence item, on a small CT-like data set (no pixels)
  check TABLE RUNS.json   reads every de-identified file of each run ({"option": name|null, "dir": ...})
                          and checks each row's action as PS3.15 E.1.1 defines it; prints JSON

The expectations come from the action letters of the table and the standard's definitions of
them, not from Radstation's code.
"""
import datetime
import json
import os
import re
import sys
import warnings

warnings.filterwarnings('ignore')

from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from pydicom import dcmread
from pydicom.sr._concepts_dict import concepts

NESTING_SEQUENCE = 0x00082218  # Anatomic Region Sequence: not in Table E.1-1, so it is kept and walked
MARKER = 0x00200013  # Instance Number: not in the table, carries the row index through
IDENTITY_WORDS = ['Doe', 'John', 'PID12345']
SECRET_TEXT = 'Secret text of Doe John'
CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2'


def tag_of(row):
    if row['tag'] == 'private':
        return None
    if row['tag'] == '50XXXXXX':
        return 0x50003000  # Curve Data proper, not (5000,0000), a group length
    return int(row['tag'].replace('X', '0'), 16)


def vr_of(row):
    if row['tag'] == 'private':
        return 'LO'
    vr = row['vr']
    if vr == 'OB or OW':
        return 'OB'
    if vr:
        return vr
    name = row['name']
    for suffix, guess in (('UID', 'UI'), ('Sequence', 'SQ'), ('DateTime', 'DT'), ('Date', 'DA'), ('Time', 'TM'), ('Data', 'OB')):
        if name.endswith(suffix) or f'{suffix} ' in name:
            return guess
    return 'LO'


def value_for(vr, index):
    if vr == 'PN':
        return 'Doe^John^Secret'
    if vr in ('LO', 'SH'):
        return f'Doe{index}'[:16] if vr == 'SH' else f'Doe John {index}'
    if vr in ('ST', 'LT', 'UT', 'UC'):
        return SECRET_TEXT
    if vr == 'DA':
        return '20200115'
    if vr == 'TM':
        return '101010'
    if vr == 'DT':
        return '20200115101010'
    if vr == 'UI':
        return f'1.2.826.0.1.3680043.10.1.{index}'
    if vr == 'CS':
        return 'SECRETCS'
    if vr == 'AE':
        return 'SECRETAE'
    if vr == 'AS':
        return '045Y'
    if vr == 'DS':
        return '12.5'
    if vr == 'IS':
        return '42'
    if vr in ('US', 'SS', 'UL', 'SL'):
        return 7
    if vr in ('FL', 'FD'):
        return 1.5
    if vr == 'UR':
        return 'http://example.org/DoeJohn'
    if vr == 'SQ':
        item = Dataset()
        item.TextValue = SECRET_TEXT
        return Sequence([item])
    return b'\x01\x02'


def add_row_attribute(dataset, row, index):
    if row['tag'] == 'private':
        dataset.add(DataElement(0x00090010, 'LO', 'ACME PRIVATE'))
        dataset.add(DataElement(0x00091001, 'LO', 'Doe John secret'))
        return
    vr = vr_of(row)
    dataset.add(DataElement(tag_of(row), vr, value_for(vr, index)))


def generate(table, outdir):
    rows = table['rows']
    tags = {row['tag'] for row in rows}
    assert f'{NESTING_SEQUENCE:08X}' not in tags and f'{MARKER:08X}' not in tags
    os.makedirs(outdir, exist_ok=True)
    for index, row in enumerate(rows):
        ds = Dataset()
        ds.SOPClassUID = CT_IMAGE
        ds.SOPInstanceUID = generate_uid()
        ds.StudyInstanceUID = generate_uid()
        ds.SeriesInstanceUID = generate_uid()
        ds.PatientName = 'Doe^John'
        ds.PatientID = 'PID12345'
        ds.Modality = 'CT'
        ds.add(DataElement(MARKER, 'IS', str(index)))
        in_meta = row['tag'].startswith('0002')
        if in_meta:
            # The file meta's own row: the meta names the instance, so both carry the row's UID.
            ds.SOPInstanceUID = value_for('UI', index)
        else:
            add_row_attribute(ds, row, index)
        nested = Dataset()
        if not in_meta:
            add_row_attribute(nested, row, index)
        ds.add(DataElement(NESTING_SEQUENCE, 'SQ', Sequence([nested])))
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CT_IMAGE
        meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.file_meta = meta
        ds.is_little_endian = True
        ds.is_implicit_VR = False
        ds.save_as(os.path.join(outdir, f'row-{index:04d}.dcm'), write_like_original=False)
    print(json.dumps({'files': len(rows)}))


def effective_action(row, option):
    if option and row.get(option):
        return row[option]
    return row['basic']


def values_of(element):
    if element is None:
        return None
    if element.VR == 'SQ':
        return list(element.value)
    value = element.value
    if value is None or value == '' or value == b'':
        return []
    if isinstance(value, (list, tuple)) or type(value).__name__ == 'MultiValue':
        return [str(v) for v in value]
    return [value if isinstance(value, bytes) else str(value)]


def text_of(element):
    if element is None:
        return ''
    if element.VR == 'SQ':
        return ' '.join(text_of(item_element) for item in element.value for item_element in item)
    return str(element.value)


def has_identity(element):
    text = text_of(element)
    return any(word.lower() in text.lower() for word in IDENTITY_WORDS)


UID = re.compile(r'^[0-9]+(\.[0-9]+)*$')


def check_element(action, element, original, row, state):
    """Returns None when the element obeys the action, else what is wrong."""
    vr = vr_of(row)
    values = values_of(element)
    present = element is not None
    empty = present and len(values) == 0
    changed = present and not empty and values != values_of(original)
    if action == 'X':
        return None if not present else 'present, should be removed'
    if action == 'Z':
        return None if empty else ('absent, should be present and empty' if not present else f'has a value {values!r}, should be empty')
    if action == 'K':
        if not present:
            return 'absent, should be kept'
        if vr == 'SQ':
            return None if len(values) == 1 else 'sequence lost its item'
        return None if values == values_of(original) else f'changed to {values!r}, should be kept'
    if action == 'D':
        if not present or empty:
            return 'should have a non-empty dummy value'
        if vr == 'SQ':
            return 'sequence still carries identifying text' if has_identity(element) else None
        return None if changed else 'still has the original value'
    if action == 'U':
        if vr == 'SQ':
            # X/Z/U* on a sequence: kept, its items' UIDs replaced by their own rows.
            return None if present else 'sequence absent, should be kept with UIDs replaced'
        if not present or empty:
            return 'should have a replacement UID'
        if not all(UID.match(v) and len(v) <= 64 for v in values):
            return f'not a valid UID: {values!r}'
        if not changed:
            return 'still has the original UID'
        state.setdefault('uids', {}).setdefault(str(values_of(original)), set()).add(str(values))
        return None
    if action == 'C':
        if row['tag'] == 'private':
            return None if not present else 'private attribute kept although its creator (ACME PRIVATE) is not on the safe list'
        if not present:
            return 'absent, should be kept cleaned'
        if vr in ('DA', 'DT'):
            before = datetime.datetime.strptime(str(original.value)[:8], '%Y%m%d')
            after = datetime.datetime.strptime(str(element.value)[:8], '%Y%m%d')
            if before == after:
                return 'date not shifted'
            state.setdefault('shifts', set()).add((after - before).days)
            return None
        if vr == 'AE':
            return None if changed else 'AE title not replaced'
        if vr in ('LO', 'SH', 'ST', 'LT', 'UT', 'UC', 'PN', 'SQ'):
            return 'still carries identifying words' if has_identity(element) else None
        return None
    # Combined actions: any of the allowed outcomes, never the original value.
    allowed = action.replace('*', '').split('/')
    outcomes = []
    for single in allowed:
        if check_element(single, element, original, row, state) is None:
            outcomes.append(single)
    return None if outcomes else f'none of {action} holds'


def check(table, runs_file):
    rows = table['rows']
    runs = json.load(open(runs_file))
    dcm_meanings = {}
    for entries in concepts['DCM'].values():
        for value, (meaning, _) in entries.items():
            dcm_meanings.setdefault(value, set()).add(meaning)
    failures = []
    checked = 0
    for run in runs:
        option = run['option']
        originals = run['originals']
        state = {}
        for root, _, names in os.walk(run['dir']):
            for name in names:
                output = dcmread(os.path.join(root, name))
                index = int(output[MARKER].value)
                row = rows[index]
                source = dcmread(os.path.join(originals, f'row-{index:04d}.dcm'))
                action = effective_action(row, option)
                label = f"{row['name']} ({row['tag']}) {action} option={option}"
                problems = []
                if str(output.get('PatientIdentityRemoved', '')) != 'YES':
                    problems.append('Patient Identity Removed is not YES')
                codes = output.get('DeidentificationMethodCodeSequence', [])
                expected_codes = 1 + (1 if option else 0)
                if len(codes) != expected_codes:
                    problems.append(f'{len(codes)} de-identification method codes, expected {expected_codes}')
                for code in codes:
                    known = dcm_meanings.get(code.CodeValue, set())
                    if code.CodingSchemeDesignator != 'DCM' or code.CodeMeaning not in known:
                        problems.append(f'code {code.CodeValue} "{code.CodeMeaning}" is not DCM\'s')
                if row['tag'] == 'private':
                    pairs = [(output.get(0x00091001), source.get(0x00091001), 'top')]
                    nested_out = output.get(NESTING_SEQUENCE)
                    nested_in = source[NESTING_SEQUENCE].value[0]
                    pairs.append((nested_out.value[0].get(0x00091001) if nested_out and nested_out.value else None, nested_in.get(0x00091001), 'nested'))
                elif row['tag'].startswith('0002'):
                    tag = tag_of(row)
                    pairs = [(output.file_meta.get(tag), source.file_meta.get(tag), 'file meta')]
                    if output.file_meta.get(tag) is None or output.file_meta[tag].value != output.SOPInstanceUID:
                        problems.append('file meta does not name the output SOP Instance UID')
                else:
                    tag = tag_of(row)
                    nested_out = output.get(NESTING_SEQUENCE)
                    pairs = [
                        (output.get(tag), source.get(tag), 'top'),
                        (nested_out.value[0].get(tag) if nested_out and nested_out.value else None, source[NESTING_SEQUENCE].value[0].get(tag), 'nested'),
                    ]
                for element, original, level in pairs:
                    if level == 'top' and row['tag'].startswith('0000') and element is None:
                        # Command elements (group 0000) belong to DIMSE messages; a stored data set
                        # carries none at its top level (PS3.10 7.1), so writers drop them there.
                        continue
                    problem = check_element(action, element, original, row, state)
                    if problem:
                        problems.append(f'{level}: {problem}')
                checked += 1
                if problems:
                    failures.append(f'{label}: ' + '; '.join(problems))
        if len(state.get('shifts', set())) > 1:
            failures.append(f'option={option}: dates of one patient moved by different amounts {sorted(state["shifts"])}')
        for original, outputs in state.get('uids', {}).items():
            if len(outputs) > 1:
                failures.append(f'option={option}: UID {original} mapped to different UIDs {sorted(outputs)}')
    print(json.dumps({'checked': checked, 'failures': failures}))


if __name__ == '__main__':
    mode, table_path, target = sys.argv[1:4]
    table = json.load(open(table_path, encoding='utf-8'))
    if mode == 'generate':
        generate(table, target)
    else:
        check(table, target)
