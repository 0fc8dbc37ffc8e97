#!/usr/bin/env python3
"""Generate src-main/deid/safe-private.json from DICOM PS3.15 Table E.3.10-1 (Safe Private Attributes).

The standard publishes the table only in its documents (DocBook, HTML, PDF); the innolitics
extraction used for Table E.1-1 does not include it. The machine-readable copy used here is the
reStructuredText conversion of PS3.15 in github.com/chsasank/dicom_standard, file
source/part15/chapter_E.rst, last changed by commit 2c591286f447224ab83b067e3f505449d4ec2184
(6 August 2020; sha256 of the whole file e603b4e6...52b51). The conversion names no edition;
its text is of the 2020 editions of PS3.15 (it refers to PS3.3 2019a as retired), so the list is
older than the 2024b Table E.1-1 and may lack rows added since. Section E.3.10 of that file
(lines 5249-5765) is checked in as build/deid/source/ps3.15-e3.10-safe-private.rst, and this
script reads only that excerpt. The standard itself calls the list a sample that vendors do not
guarantee (Note 1 of E.3.10).

Run: /usr/bin/python3 build/deid/generate-safe-private.py
"""
import hashlib
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = ROOT / 'build' / 'deid' / 'source' / 'ps3.15-e3.10-safe-private.rst'
OUTPUT = ROOT / 'src-main' / 'deid' / 'safe-private.json'
TAG = re.compile(r'^\(([0-9A-Fa-f]{4}),xx([0-9A-Fa-f]{2})\)$')


def grid_rows(lines):
    """Cells of each body row of the first grid table after '.. table:: Safe Private Attributes'."""
    start = next(i for i, line in enumerate(lines) if line.strip() == '.. table:: Safe Private Attributes')
    rows, current, in_body = [], None, False
    for line in lines[start + 1:]:
        stripped = line.strip()
        if not stripped:
            if in_body or current is not None:
                break
            continue
        if stripped.startswith('+'):
            if current is not None and in_body:
                rows.append([' '.join(' '.join(part).split()) for part in current])
            current = None
            if stripped.startswith('+='):
                in_body = True
            continue
        if stripped.startswith('|'):
            cells = stripped.strip('|').split('|')
            if current is None:
                current = [[] for _ in cells]
            if len(cells) != len(current):
                raise SystemExit(f'ragged table row: {stripped}')
            for column, cell in enumerate(cells):
                current[column].append(cell.strip())
    return rows


def main():
    text = SOURCE.read_text(encoding='utf-8')
    rows = []
    for cells in grid_rows(text.splitlines()):
        tag, creator, vr, vm, meaning = cells
        match = TAG.match(tag)
        if not match:
            raise SystemExit(f'unexpected data element {tag!r}')
        group = match.group(1).upper()
        if int(group, 16) % 2 == 0:
            raise SystemExit(f'{tag} is not a private group')
        rows.append({'group': group, 'element': match.group(2).upper(), 'creator': creator, 'vr': vr, 'vm': vm, 'meaning': meaning})
    if len(rows) < 100:
        raise SystemExit(f'only {len(rows)} rows parsed; the source has changed shape')
    document = {
        'table': 'DICOM PS3.15 Table E.3.10-1 Safe Private Attributes',
        'edition': '2020 (the conversion names no edition; see generate-safe-private.py)',
        'source': {
            'repository': 'https://github.com/chsasank/dicom_standard',
            'path': 'source/part15/chapter_E.rst',
            'commit': '2c591286f447224ab83b067e3f505449d4ec2184',
            'excerpt': 'build/deid/source/ps3.15-e3.10-safe-private.rst',
            'excerptSha256': hashlib.sha256(text.encode('utf-8')).hexdigest(),
        },
        'generatedBy': 'build/deid/generate-safe-private.py',
        'note': 'A sample list the standard says vendors do not guarantee to be safe (PS3.15 E.3.10, Note 1).',
        'rows': rows,
    }
    OUTPUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    print(f'{len(rows)} rows -> {OUTPUT.relative_to(ROOT)}')


if __name__ == '__main__':
    main()
