import { lazy, Suspense, useEffect, useState } from 'react';
import type { HeldBackImage } from '../../src-shared/contract/deidentify';
import type { PixelRect } from '../../src-shared/imaging/pixel-rect';
import { useApi } from '../bridge/api-context';
import { imageIdFor } from '../viewer/image-ids';

// The editor draws with Cornerstone3D: loaded when an image is edited, so the study list does not wait for it.
const BlackoutEditor = lazy(async () => ({ default: (await import('./BlackoutEditor')).BlackoutEditor }));

/** The images of a study to include after blacking out, each with its rectangles (image pixels). */
export type CleanRectsByInstance = Record<string, PixelRect[]>;

/**
 * The study's images held back for possible burned-in text, each with the reason. The user may
 * draw rectangles to black out on one and then include it; only included images with at least
 * one rectangle reach `onChange`, so what is sent is exactly what the user agreed to.
 */
export function BurnedInImages({ studyInstanceUid, onChange }: { studyInstanceUid: string; onChange: (cleaned: CleanRectsByInstance) => void }) {
  const api = useApi();
  const [images, setImages] = useState<HeldBackImage[]>();
  const [failure, setFailure] = useState<string>();
  const [areas, setAreas] = useState<CleanRectsByInstance>({});
  const [included, setIncluded] = useState<ReadonlySet<string>>(new Set());
  const [editing, setEditing] = useState<string>();

  useEffect(() => {
    let alive = true;
    api.call('studies.deidentifyBurnedIn', { studyInstanceUids: [studyInstanceUid] }).then(
      (result) => alive && setImages(result.images),
      (error: unknown) => alive && setFailure(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      alive = false;
    };
  }, [api, studyInstanceUid]);

  useEffect(() => {
    const cleaned: CleanRectsByInstance = {};
    for (const uid of included) {
      const rects = areas[uid];
      if (rects && rects.length > 0) cleaned[uid] = rects;
    }
    onChange(cleaned);
  }, [areas, included, onChange]);

  if (failure) return <p className="error">Images held back for burned-in text could not be listed: {failure}</p>;
  if (!images || images.length === 0) return null;
  const setInclude = (uid: string, on: boolean) =>
    setIncluded((current) => {
      const next = new Set(current);
      if (on) next.add(uid);
      else next.delete(uid);
      return next;
    });
  const edited = images.find((image) => image.sopInstanceUid === editing);

  return (
    <section aria-label="Images held back for burned-in text">
      <h3>Held back for burned-in text</h3>
      <ul>
        {images.map((image) => {
          const rects = areas[image.sopInstanceUid] ?? [];
          return (
            <li key={image.sopInstanceUid}>
              <strong>
                {image.modality || 'Image'} {image.instanceNumber ?? ''} ({image.columns} × {image.rows}
                {image.frames > 1 ? `, ${image.frames} frames` : ''})
              </strong>
              : {image.reason}.{' '}
              {image.cannotClean ? (
                <span>It cannot be blacked out here: {image.cannotClean}.</span>
              ) : (
                <>
                  <button type="button" onClick={() => setEditing(image.sopInstanceUid)}>
                    Black out areas…
                  </button>{' '}
                  <label>
                    <input
                      type="checkbox"
                      disabled={rects.length === 0}
                      checked={rects.length > 0 && included.has(image.sopInstanceUid)}
                      onChange={(event) => setInclude(image.sopInstanceUid, event.target.checked)}
                    />{' '}
                    Include with the areas blacked out
                  </label>{' '}
                  ({rects.length} area{rects.length === 1 ? '' : 's'})
                </>
              )}
            </li>
          );
        })}
      </ul>
      {edited && (
        <Suspense fallback={<p className="notice">Opening the image…</p>}>
          <BlackoutEditor
            imageId={imageIdFor(api, edited.sopInstanceUid, edited.frames > 1 ? 1 : undefined)}
            columns={edited.columns}
            rows={edited.rows}
            rects={areas[edited.sopInstanceUid] ?? []}
            onChange={(rects) => setAreas((current) => ({ ...current, [edited.sopInstanceUid]: rects }))}
            onDone={() => setEditing(undefined)}
          />
        </Suspense>
      )}
    </section>
  );
}
