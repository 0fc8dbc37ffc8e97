import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

/**
 * Main-process code for Node (the CLI and web host) and Electron (the same services
 * plus thin glue). Dependencies stay external: native addons must load from node_modules.
 */
export default defineConfig({
  build: {
    ssr: true,
    outDir: 'out/main',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    rollupOptions: {
      input: {
        cli: 'src-main/cli/cli-entry.ts',
        'electron-main': 'src-main/app/electron-main.ts',
        // Started by the import service as a worker thread, so it must be its own file.
        'import-worker': 'src-main/studies/import/import-worker.ts',
        // The import's helper threads (src-main/studies/import/prepare/prepare-scheduler.ts starts them).
        'prepare-worker': 'src-main/studies/import/prepare/prepare-worker.ts',
        // A worker_threads entry, loaded by path at run time (src-main/inference/worker-client.ts).
        'inference-worker': 'src-main/inference/worker/inference-worker.ts',
        // The VLM runtime's worker thread (src-main/inference/vlm/vlm-worker-client.ts starts it).
        'vlm-worker': 'src-main/inference/vlm/vlm-worker.ts',
      },
      external: ['electron', ...builtinModules, ...builtinModules.map((name) => `node:${name}`)],
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
