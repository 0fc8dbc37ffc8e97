import { useEffect, useState } from 'react';
import { getActiveImage, onViewerChange, type ActiveImage } from '../viewer/services';

/** The active viewport's image and window, kept current as the reader scrolls and windows. */
export function useActiveImage(): ActiveImage | undefined {
  const [image, setImage] = useState<ActiveImage | undefined>(() => getActiveImage());
  useEffect(
    () =>
      onViewerChange(() => {
        const next = getActiveImage();
        // Only a change the panels care about causes a render; the viewer notifies on every frame of a drag.
        setImage((current) => (JSON.stringify(current) === JSON.stringify(next) ? current : next));
      }),
    [],
  );
  return image;
}
