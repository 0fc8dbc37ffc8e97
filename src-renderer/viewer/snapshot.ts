import { saveUrlAs } from '../shell/save-file';

/**
 * The viewport as on screen (image, measurements, overlay text) drawn into one canvas,
 * for "Save as PNG" and "Copy". Everything is local: no external image is referenced,
 * so the canvas is never tainted.
 */
export async function snapshotViewport(container: HTMLElement): Promise<HTMLCanvasElement> {
  const source = container.querySelector('canvas');
  if (!source) throw new Error('The viewport has no canvas');
  const rect = container.getBoundingClientRect();
  const scale = source.width / Math.max(1, source.clientWidth || rect.width);
  const out = document.createElement('canvas');
  out.width = source.width;
  out.height = source.height;
  const context = out.getContext('2d');
  if (!context) throw new Error('No 2D canvas');
  context.fillStyle = '#000';
  context.fillRect(0, 0, out.width, out.height);
  context.drawImage(source, 0, 0);
  // Segmentation masks lie on a canvas of their own over the image (SegmentationLayer.tsx).
  const masks = container.querySelector<HTMLCanvasElement>('canvas.segmentation-overlay');
  if (masks && masks.width > 0 && masks.height > 0) context.drawImage(masks, 0, 0, out.width, out.height);
  const sourceRect = source.getBoundingClientRect();
  for (const svg of Array.from(container.querySelectorAll('svg'))) {
    const svgRect = svg.getBoundingClientRect();
    const clone = svg.cloneNode(true) as SVGSVGElement;
    clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    clone.setAttribute('width', String(svgRect.width));
    clone.setAttribute('height', String(svgRect.height));
    const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
    try {
      const image = new Image();
      image.src = url;
      await image.decode();
      context.drawImage(image, (svgRect.left - sourceRect.left) * scale, (svgRect.top - sourceRect.top) * scale, svgRect.width * scale, svgRect.height * scale);
    } finally {
      URL.revokeObjectURL(url);
    }
  }
  context.font = `${Math.round(12 * scale)}px sans-serif`;
  context.fillStyle = '#e8e8e8';
  context.textBaseline = 'top';
  for (const corner of Array.from(container.querySelectorAll<HTMLElement>('.viewport-overlays .corner'))) {
    const right = corner.classList.contains('top-right') || corner.classList.contains('bottom-right');
    context.textAlign = right ? 'right' : 'left';
    for (const line of Array.from(corner.children) as HTMLElement[]) {
      const r = line.getBoundingClientRect();
      const x = ((right ? r.right : r.left) - sourceRect.left) * scale;
      context.fillText(line.textContent ?? '', x, (r.top - sourceRect.top) * scale);
    }
  }
  drawAiBanner(container, context, sourceRect, scale);
  return out;
}

/** The AI label, as on screen: same place, colours and words, so a saved or copied view keeps it. */
function drawAiBanner(container: HTMLElement, context: CanvasRenderingContext2D, sourceRect: DOMRect, scale: number): void {
  const banner = container.querySelector<HTMLElement>('.viewport-ai-banner');
  if (!banner) return;
  const r = banner.getBoundingClientRect();
  const style = getComputedStyle(banner);
  const x = (r.left - sourceRect.left) * scale;
  const y = (r.top - sourceRect.top) * scale;
  context.fillStyle = style.backgroundColor;
  context.fillRect(x, y, r.width * scale, r.height * scale);
  context.fillStyle = style.color;
  context.font = `600 ${Math.round(12 * scale)}px sans-serif`;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.fillText(banner.textContent ?? '', x + (r.width * scale) / 2, y + (r.height * scale) / 2, r.width * scale);
}

export async function savePng(container: HTMLElement, fileName: string): Promise<void> {
  const canvas = await snapshotViewport(container);
  saveUrlAs(canvas.toDataURL('image/png'), fileName);
}

export async function copyPng(container: HTMLElement): Promise<void> {
  const canvas = await snapshotViewport(container);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('Could not encode the view');
  await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]);
}
