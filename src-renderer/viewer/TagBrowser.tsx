import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import { useEffect, useMemo, useState } from 'react';
import { parseImageId } from './image-ids';
import { loadDictionary, tagRows, type TagDictionary } from './tag-list';

/** The current image's DICOM elements, from the file the loader already parsed, with a search box. */
export function TagBrowser({ imageId }: { imageId: string | undefined }) {
  const [query, setQuery] = useState('');
  const [dictionary, setDictionary] = useState<TagDictionary | undefined>();
  useEffect(() => {
    loadDictionary().then(setDictionary, () => setDictionary({}));
  }, []);
  const rows = useMemo(() => {
    if (!imageId || !dictionary) return [];
    const url = imageId.replace(/^wadouri:/, '').replace(/[?&]frame=\d+$/, '');
    if (!dicomImageLoader.wadouri.dataSetCacheManager.isLoaded(url)) return [];
    return tagRows(dicomImageLoader.wadouri.dataSetCacheManager.get(url), dictionary);
  }, [imageId, dictionary]);
  const needle = query.trim().toLowerCase();
  const shown = needle ? rows.filter((row) => `${row.tag} ${row.name} ${row.value}`.toLowerCase().includes(needle)) : rows;
  return (
    <section className="tag-browser" aria-label="DICOM tags">
      <input type="search" placeholder="Search tags…" aria-label="Search tags" value={query} onChange={(event) => setQuery(event.target.value)} />
      <p className="hint">
        {imageId ? `Image ${parseImageId(imageId)?.sopInstanceUid ?? ''}` : 'No image'} · {shown.length} of {rows.length} elements
      </p>
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
