import { describe, expect, it } from 'vitest';
import type { ExecutionProviderName } from '../../src-shared/contract/inference';
import { providerOrder } from '../../src-main/inference/providers';
import { openOnFirstProvider } from '../../src-main/inference/vlm/provider-fallback';

// The VLM's provider fallback, with graph opening replaced by a stand-in: a GPU provider cannot be made to
// fail or succeed on demand on a CI machine. The real sessions are opened in tests/integration/vlm-session.test.ts.
function opener(working: ExecutionProviderName[]) {
  const tried: ExecutionProviderName[] = [];
  const open = async (provider: ExecutionProviderName) => {
    tried.push(provider);
    if (!working.includes(provider)) throw new Error(`/src/onnxruntime/x.cc:12 f() status was false. ${provider} has no adapter\n at line 2`);
    return `${provider} sessions`;
  };
  return { tried, open };
}

describe('VLM execution-provider fallback', () => {
  it('opens on a forced provider when it works, trying nothing else', async () => {
    const { tried, open } = opener(['webgpu', 'cpu']);
    const opened = await openOnFirstProvider('webgpu', open);
    expect(opened).toEqual({ sessions: 'webgpu sessions', provider: 'webgpu', fallbacks: [] });
    expect(tried).toEqual(['webgpu']);
  });

  it('falls back to the CPU when the forced provider fails, saying why in one line', async () => {
    const { tried, open } = opener(['cpu']);
    const opened = await openOnFirstProvider('webgpu', open);
    expect(opened.provider).toBe('cpu');
    expect(opened.fallbacks).toEqual([{ provider: 'webgpu', reason: 'webgpu has no adapter' }]);
    expect(tried).toEqual(['webgpu', 'cpu']);
  });

  it("follows the setting's order for auto, as the image tasks do", async () => {
    const { tried, open } = opener(['cpu']);
    const opened = await openOnFirstProvider('auto', open, (choice) => providerOrder(choice, 'win32', true));
    expect(tried).toEqual(['cuda', 'dml', 'webgpu', 'cpu']);
    expect(opened.fallbacks.map((f) => f.provider)).toEqual(['cuda', 'dml', 'webgpu']);
  });

  it('runs only on the CPU when the setting says cpu', async () => {
    const { tried, open } = opener(['webgpu', 'cpu']);
    expect((await openOnFirstProvider('cpu', open)).provider).toBe('cpu');
    expect(tried).toEqual(['cpu']);
  });

  it('fails in words, naming each provider, when none can open the bundle', async () => {
    const { open } = opener([]);
    await expect(openOnFirstProvider('webgpu', open)).rejects.toThrow('no execution provider could open the bundle: webgpu: webgpu has no adapter; cpu: cpu has no adapter');
  });
});
