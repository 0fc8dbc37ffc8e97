// Builds renderer, main and preload with Vite: one tool for all three, three small configs.
import { build } from 'vite';

for (const configFile of ['vite.renderer.config.ts', 'vite.main.config.ts', 'vite.preload.config.ts']) {
  await build({ configFile, logLevel: 'warn' });
}
console.log('Built out/renderer, out/main and out/preload.');
