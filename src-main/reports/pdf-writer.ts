/**
 * A small PDF 1.4 writer for text reports: A4 pages, Helvetica, wrapped paragraphs.
 * The standard fonts need no embedding, which keeps the writer small and the output
 * readable by every PDF viewer. They cover Latin-1 (WinAnsi) only: other characters
 * print as '?', which the report's DICOM SR export does not suffer from.
 */
export interface PdfBlock {
  readonly style: 'title' | 'heading' | 'body' | 'small';
  readonly text: string;
}

const pageWidth = 595;
const pageHeight = 842;
const margin = 56;
const styles = {
  title: { font: 'F2', size: 16, leading: 22, gapBefore: 0 },
  heading: { font: 'F2', size: 11, leading: 16, gapBefore: 10 },
  body: { font: 'F1', size: 10, leading: 14, gapBefore: 0 },
  small: { font: 'F1', size: 8, leading: 11, gapBefore: 4 },
} as const;

/** Helvetica's advance widths are 0.28–0.94 em; 0.5 em is a safe average for wrapping prose. */
function maxCharacters(size: number): number {
  return Math.floor((pageWidth - 2 * margin) / (size * 0.5));
}

export function wrapLine(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const out: string[] = [];
  let current = '';
  for (const word of line.split(/(\s+)/)) {
    if ((current + word).length > width && current.trim().length > 0) {
      out.push(current.trimEnd());
      current = word.trimStart();
    } else {
      current += word;
    }
    while (current.length > width) {
      out.push(current.slice(0, width));
      current = current.slice(width);
    }
  }
  if (current.length > 0) out.push(current.trimEnd());
  return out;
}

/** WinAnsi places a few typographic characters below 0xA0, where Latin-1 has controls. */
const winAnsiExtras: Record<string, number> = { '€': 0x80, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97 };

function pdfString(text: string): string {
  let latin1 = '';
  for (const char of text) {
    const extra = winAnsiExtras[char];
    latin1 += extra !== undefined ? String.fromCharCode(extra) : char.codePointAt(0)! <= 0xff ? char : '?';
  }
  return `(${latin1.replace(/\\/g, '\\\\').replace(/\(/g, '\\(').replace(/\)/g, '\\)').replace(/\r/g, '')})`;
}

/** Lays the blocks out into page content streams. */
function layOut(blocks: readonly PdfBlock[]): string[] {
  const pages: string[][] = [[]];
  let y = pageHeight - margin;
  for (const block of blocks) {
    const style = styles[block.style];
    y -= style.gapBefore;
    const lines = block.text.split('\n').flatMap((line) => wrapLine(line, maxCharacters(style.size)));
    for (const line of lines) {
      if (y - style.leading < margin) {
        pages.push([]);
        y = pageHeight - margin;
      }
      y -= style.leading;
      if (line.trim().length > 0) pages[pages.length - 1]!.push(`BT /${style.font} ${style.size} Tf ${margin} ${y} Td ${pdfString(line)} Tj ET`);
    }
  }
  return pages.map((commands, index) => [...commands, `BT /F1 8 Tf ${pageWidth - margin - 40} ${margin / 2} Td ${pdfString(`Page ${index + 1} of ${pages.length}`)} Tj ET`].join('\n'));
}

export function writePdf(blocks: readonly PdfBlock[], title: string): Buffer {
  const contents = layOut(blocks);
  const objects: string[] = [];
  const pageIds = contents.map((_, index) => 5 + index * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';
  contents.forEach((content, index) => {
    const pageId = pageIds[index]!;
    objects[pageId] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${pageWidth} ${pageHeight}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageId + 1} 0 R >>`;
    objects[pageId + 1] = `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
  });
  const infoId = objects.length;
  objects[infoId] = `<< /Title ${pdfString(title)} /Producer (Radstation) >>`;

  let output = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id += 1) {
    offsets[id] = Buffer.byteLength(output, 'latin1');
    output += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xrefOffset = Buffer.byteLength(output, 'latin1');
  output += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id += 1) output += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  output += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info ${infoId} 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.from(output, 'latin1');
}
