import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ExecutionProviderName, ProviderChoice } from '../../src-shared/contract/inference';

const require = createRequire(import.meta.url);

function onnxruntimePackageDir(): string | undefined {
  try {
    return path.dirname(require.resolve('onnxruntime-node/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * The CUDA provider is a separate download (see the README): onnxruntime-node's install script
 * puts its library beside the binding, in bin/napi-v6/<platform>/<arch>. It counts only when present.
 */
export function cudaProviderInstalled(platform: NodeJS.Platform = process.platform, arch: string = process.arch, packageDir: string | undefined = onnxruntimePackageDir()): boolean {
  if (packageDir === undefined) return false;
  try {
    const binDir = path.join(packageDir, 'bin', 'napi-v6', platform, arch);
    const library = platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    return fs.existsSync(path.join(binDir, library));
  } catch {
    return false;
  }
}

/**
 * Providers to try, best first. 'auto' uses the platform's order; a forced provider is
 * tried first and CPU stays as the last resort, so a missing GPU degrades, never fails.
 */
export function providerOrder(choice: ProviderChoice, platform: NodeJS.Platform = process.platform, cudaInstalled = cudaProviderInstalled(platform)): ExecutionProviderName[] {
  if (choice !== 'auto') return choice === 'cpu' ? ['cpu'] : [choice, 'cpu'];
  const order: ExecutionProviderName[] = [];
  if (cudaInstalled) order.push('cuda');
  if (platform === 'win32') order.push('dml');
  if (platform === 'darwin') order.push('coreml');
  order.push('webgpu', 'cpu');
  return order;
}
