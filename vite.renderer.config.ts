import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { jpegLevelShift } from './scripts/vite/jpeg-level-shift';

/**
 * The renderer: one bundle served by both hosts (radstation://app/ and the web host).
 * Cornerstone3D's needs (see the environment notes): the `events` package for vtk.js,
 * the DICOM image loader left out of dependency pre-bundling (its worker and wasm codecs
 * must stay as files), with its own imports pre-bundled instead, and ES-module workers.
 * One fix to the loader's 12-bit JPEG decoder is applied as it is bundled (scripts/vite/jpeg-level-shift.ts).
 */
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react(), jpegLevelShift()],
  optimizeDeps: {
    exclude: ['@cornerstonejs/dicom-image-loader'],
    include: [
      'dicom-parser',
      '@cornerstonejs/metadata',
      '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
      '@cornerstonejs/codec-charls/decodewasmjs',
      '@cornerstonejs/codec-openjpeg/decodewasmjs',
      '@cornerstonejs/codec-openjph/wasmjs',
    ],
  },
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      // zod's sources carry esbuild-style pure annotations that Rollup cannot place; harmless, so not worth printing.
      onwarn(warning, warn) {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
    },
  },
  // The image loader decodes in web workers: the JPEG fix must reach their bundle too.
  worker: { format: 'es', plugins: () => [jpegLevelShift()] },
});
