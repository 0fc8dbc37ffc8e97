import { defineConfig } from 'vite';

/** The sandboxed preload must be one CommonJS file that requires nothing but electron. */
export default defineConfig({
  build: {
    outDir: 'out/preload',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    lib: { entry: 'src-main/app/preload.ts', formats: ['cjs'], fileName: () => 'preload.cjs' },
    rollupOptions: { external: ['electron'] },
  },
});
