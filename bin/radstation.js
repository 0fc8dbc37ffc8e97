#!/usr/bin/env node
// Thin launcher: the CLI itself is built into out/main by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write("radstation: not built yet; run 'npm run build' in the Radstation folder first.\n");
  process.exit(1);
}
await import(pathToFileURL(entry).href);
