import fs from 'node:fs';
import path from 'node:path';

/** A renderer folder holding only an index page, for web host tests that need no real UI; returns its path. */
export function stubRendererDir(parent: string): string {
  const rendererDir = path.join(parent, 'renderer');
  fs.mkdirSync(rendererDir, { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>test renderer</title>');
  return rendererDir;
}
