import dicomParser from 'dicom-parser';
import { useEffect, useState } from 'react';
import { parseImageId } from './image-ids';
import { loadDictionary, tagRows, type TagRow } from './tag-list';

type State = { status: 'idle' | 'loading' } | { status: 'ready'; rows: TagRow[] } | { status: 'failed'; message: string };

/**
 * The current image's DICOM elements with a search box. The file comes from the host's
 * file route (the URL names a cached UID only) and is parsed here with dicom-parser.
 */
export function TagBrowser({ imageId }: { imageId: string | undefined }) {
  const [query, setQuery] = useState('');
  const [state, setState] = useState<State>({ status: 'idle' });
  const url = imageId?.replace(/^wadouri:/, '').replace(/[?&]frame=\d+$/, '');

  useEffect(() => {
    if (!url) return;
    let alive = true;
    setState({ status: 'loading' });
    Promise.all([fetch(url, { credentials: 'same-origin' }).then((response) => {
      if (!response.ok) throw new Error(`The host answered ${response.status}`);
      return response.arrayBuffer();
    }), loadDictionary()])
      .then(([buffer, dictionary]) => {
        const dataSet = dicomParser.parseDicom(new Uint8Array(buffer), { untilTag: 'x7fe00011' });
        if (alive) setState({ status: 'ready', rows: tagRows(dataSet, dictionary) });
      })
      .catch((error: unknown) => alive && setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) }));
    return () => {
      alive = false;
    };
  }, [url]);

  const rows = state.status === 'ready' ? state.rows : [];
  const needle = query.trim().toLowerCase();
  const shown = needle ? rows.filter((row) => `${row.tag} ${row.name} ${row.value}`.toLowerCase().includes(needle)) : rows;
  return (
    <section className="tag-browser" aria-label="DICOM tags">
      <input type="search" placeholder="Search tags…" aria-label="Search tags" value={query} onChange={(event) => setQuery(event.target.value)} />
      <p className="hint">
        {imageId ? `Image ${parseImageId(imageId)?.sopInstanceUid ?? ''}` : 'No image'} · {shown.length} of {rows.length} elements
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
