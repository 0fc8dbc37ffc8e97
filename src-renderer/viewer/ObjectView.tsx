import { useEffect, useState } from 'react';
import type { RadstationApi, SrLine, ViewerObject, ViewerStudy } from '../../src-shared/contract';

interface Props {
  api: RadstationApi;
  study: ViewerStudy;
  /** The series' objects that are not images, in series order. */
  sopInstanceUids: readonly string[];
  onOpenSeries: (seriesInstanceUid: string) => void;
}

/**
 * A viewport's content when its series holds no images: a structured report as its
 * content tree, a PDF, what a key object selection or presentation state points at, or
 * why the object cannot be shown. Never a black canvas.
 */
export function ObjectView({ api, study, sopInstanceUids, onOpenSeries }: Props) {
  const [index, setIndex] = useState(0);
  const [object, setObject] = useState<ViewerObject | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const uid = sopInstanceUids[Math.min(index, sopInstanceUids.length - 1)];

  useEffect(() => {
    if (!uid) return;
    let current = true;
    setObject(undefined);
    setFailure(undefined);
    api.call('viewer.object', { sopInstanceUid: uid }).then(
      (value) => current && setObject(value),
      (error: unknown) => current && setFailure(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      current = false;
    };
  }, [api, uid]);

  return (
    <div className="object-view" data-testid="object-view">
      {sopInstanceUids.length > 1 && (
        <nav className="object-picker" aria-label="Objects in this series">
          {sopInstanceUids.map((item, position) => (
            <button key={item} type="button" aria-pressed={position === index} onClick={() => setIndex(position)}>
              {position + 1}
            </button>
          ))}
        </nav>
      )}
      {failure && <p className="object-reason" role="alert">{failure}</p>}
      {!object && !failure && <p className="object-loading">Reading the object…</p>}
      {object && <ObjectContent object={object} study={study} onOpenSeries={onOpenSeries} />}
    </div>
  );
}

function ObjectContent({ object, study, onOpenSeries }: { object: ViewerObject; study: ViewerStudy; onOpenSeries: (uid: string) => void }) {
  switch (object.kind) {
    case 'structured-report':
      return <ReportTree object={object} />;
    case 'document':
      return <DocumentFrame object={object} />;
    case 'references':
      return <References object={object} study={study} onOpenSeries={onOpenSeries} />;
    case 'not-shown':
      return <p className="object-reason" role="alert">{object.reason}</p>;
    case 'image':
      return <p className="object-reason" role="alert">{object.problem ?? 'This image is shown in an image viewport.'}</p>;
  }
}

function ReportTree({ object }: { object: Extract<ViewerObject, { kind: 'structured-report' }> }) {
  return (
    <article className="sr-view" data-testid="sr-view" aria-label={object.sopClassName}>
      <header>
        <strong>{object.sopClassName}</strong>
        <span> · {object.completion || 'no completion flag'} · {object.verification || 'no verification flag'}</span>
        {object.contentDateTime && <span> · {object.contentDateTime}</span>}
      </header>
      {object.lines.map((line, position) => (
        <SrLineView key={position} line={line} />
      ))}
      {object.truncated && <p className="object-reason">The report is longer than the {object.lines.length} items shown.</p>}
    </article>
  );
}

function SrLineView({ line }: { line: SrLine }) {
  const text = line.concept && line.value ? `${line.concept}: ${line.value}` : line.concept || line.value;
  return (
    <div className={`sr-line sr-${line.valueType.toLowerCase()}`} style={{ paddingLeft: `${line.depth * 1.2}em` }}>
      {line.relationship && <span className="sr-relationship">{line.relationship.toLowerCase()} </span>}
      <span className="sr-text">{text || line.valueType}</span>
    </div>
  );
}

/**
 * The PDF in Chromium's own viewer, in a frame whose source is a blob of the bytes the
 * main process sent, typed by us as application/pdf: nothing is fetched from anywhere.
 */
function DocumentFrame({ object }: { object: Extract<ViewerObject, { kind: 'document' }> }) {
  const [url, setUrl] = useState<string | undefined>();
  useEffect(() => {
    const binary = atob(object.base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    const made = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [object.base64]);
  const title = object.title || 'Encapsulated PDF';
  if (!url) return null;
  return (
    <div className="document-view">
      <header>
        <strong>{title}</strong>{' '}
        <a href={url} download={`${title.replace(/[^\w .-]+/g, '_')}.pdf`}>
          Save the PDF
        </a>
      </header>
      <iframe data-testid="pdf-frame" title={title} src={url} />
    </div>
  );
}

function References({
  object,
  study,
  onOpenSeries,
}: {
  object: Extract<ViewerObject, { kind: 'references' }>;
  study: ViewerStudy;
  onOpenSeries: (uid: string) => void;
}) {
  return (
    <article className="references-view" data-testid="object-references">
      <header>
        <strong>{object.sopClassName}</strong>
        {object.title && <span> · {object.title}</span>}
      </header>
      {object.notes.map((note, position) => (
        <p key={position}>{note}</p>
      ))}
      <p>{object.references.length === 0 ? 'It references no images.' : 'It references:'}</p>
      <ul>
        {object.references.map((reference) => {
          const series = study.series.find((s) => s.seriesInstanceUid === reference.seriesInstanceUid);
          const count = `${reference.sopInstanceUids.length} image${reference.sopInstanceUids.length === 1 ? '' : 's'}`;
          return (
            <li key={reference.seriesInstanceUid}>
              <button type="button" data-testid="referenced-series" disabled={!series} onClick={() => onOpenSeries(reference.seriesInstanceUid)}>
                {series ? `${series.modality} S${series.seriesNumber ?? '?'} ${series.seriesDescription}` : `Series ${reference.seriesInstanceUid} (not in the cache)`} · {count}
              </button>
            </li>
          );
        })}
      </ul>
    </article>
  );
}
