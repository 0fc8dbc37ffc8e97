import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The renderer: one bundle served by both hosts (radstation://app/ and the web host). */
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    rollupOptions: {
      // zod's sources carry esbuild-style pure annotations that Rollup cannot place; harmless, so not worth printing.
      onwarn(warning, warn) {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
    },
  },
  worker: { format: 'es' },
});
