import { useEffect, useState } from 'react';
import type { DicomTagNode } from '../../src-shared/domain/studies';
import { useApi } from '../bridge/api-context';
import { parseImageId } from './image-ids';

interface TagRow {
  tag: string;
  name: string;
  vr: string;
  value: string;
  depth: number;
}

type State = { status: 'idle' | 'loading' } | { status: 'ready'; rows: TagRow[] } | { status: 'failed'; message: string };

/** Sequences flattened: each item announced by a row, its elements one level deeper. */
function flatten(nodes: readonly DicomTagNode[], depth = 0): TagRow[] {
  return nodes.flatMap((node) => [
    { tag: node.tag, name: node.keyword, vr: node.vr, value: node.value, depth },
    ...(node.items ?? []).flatMap((item, index) => [
      { tag: '(FFFE,E000)', name: `Item ${index + 1}`, vr: '', value: '', depth: depth + 1 },
      ...flatten(item, depth + 2),
    ]),
  ]);
}

/**
 * The current image's DICOM elements with a search box. The host reads them from the
 * cached file (`studies.tags`), with the file's character set applied, so the renderer
 * never parses headers or ships a dictionary for it.
 */
export function TagBrowser({ imageId }: { imageId: string | undefined }) {
  const api = useApi();
  const [query, setQuery] = useState('');
  const [state, setState] = useState<State>({ status: 'idle' });
  const sopInstanceUid = imageId ? parseImageId(imageId)?.sopInstanceUid : undefined;

  useEffect(() => {
    if (!sopInstanceUid) return;
    let alive = true;
    setState({ status: 'loading' });
    api.call('studies.tags', { sopInstanceUid }).then(
      ({ tags }) => alive && setState({ status: 'ready', rows: flatten(tags) }),
      (error: unknown) => alive && setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      alive = false;
    };
  }, [api, sopInstanceUid]);

  const rows = state.status === 'ready' ? state.rows : [];
  const needle = query.trim().toLowerCase();
  const shown = needle ? rows.filter((row) => `${row.tag} ${row.name} ${row.value}`.toLowerCase().includes(needle)) : rows;
  return (
    <section className="tag-browser" aria-label="DICOM tags">
      <input type="search" placeholder="Search tags…" aria-label="Search tags" value={query} onChange={(event) => setQuery(event.target.value)} />
      <p className="hint">
        {sopInstanceUid ? `Image ${sopInstanceUid}` : 'No image'} · {shown.length} of {rows.length} elements
        {state.status === 'loading' && ' · loading…'}
      </p>
      {state.status === 'failed' && <p className="error">{state.message}</p>}
      <table className="tag-table" data-testid="tag-table">
        <tbody>
          {shown.map((row, index) => (
            <tr key={`${row.tag}-${index}`}>
              <td className="tag" style={{ paddingLeft: `${row.depth * 12}px` }}>
                {row.tag}
              </td>
              <td>{row.name}</td>
              <td>{row.vr}</td>
              <td className="value">{row.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
