import { describe, expect, it } from 'vitest';
import { providerSettingFromEnv } from '../../src-main/inference/inference-wiring';

describe('the provider setting (RADSTATION_PROVIDER)', () => {
  it('takes a known provider, and reports and ignores an unknown one', () => {
    const warnings: string[] = [];
    const warn = (message: string): void => {
      warnings.push(message);
    };
    expect(providerSettingFromEnv({ RADSTATION_PROVIDER: 'webgpu' }, warn)).toBe('webgpu');
    expect(providerSettingFromEnv({}, warn)).toBeUndefined();
    expect(providerSettingFromEnv({ RADSTATION_PROVIDER: '' }, warn)).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(providerSettingFromEnv({ RADSTATION_PROVIDER: 'tpu' }, warn)).toBeUndefined();
    expect(warnings).toEqual(['[radstation] RADSTATION_PROVIDER must be one of auto, cpu, webgpu, cuda, dml, coreml, not "tpu"; using auto.']);
  });
});
