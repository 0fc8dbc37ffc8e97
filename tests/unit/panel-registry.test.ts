import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BundleSummary, TaskSummary } from '../../src-shared/contract';
import { panelForShortcut, registerPanel, registeredPanels, type PanelDefinition } from '../../src-renderer/viewer/panel-host/panel-registry';
import { taskAvailability } from '../../src-renderer/panels/task-availability';

function panel(id: string, shortcutKey: string, order: number): PanelDefinition {
  return { id, title: id, icon: '·', shortcutKey, tasks: [], order, availability: () => ({ enabled: true }), Component: () => null };
}

function task(id: string, modalities: string[], runnable = true, reason?: string): TaskSummary {
  return { id, label: `label of ${id}`, kind: 'image-to-image', modalities, runnable, ...(reason ? { reason } : {}) };
}

function bundle(id: string, tasks: TaskSummary[], valid = true, problems: string[] = []): BundleSummary {
  return { id, name: `Bundle ${id}`, version: '1.2.3', license: 'MIT', origin: 'shipped', valid, problems, tasks };
}

describe('panel registry', () => {
  const removers: (() => void)[] = [];
  afterEach(() => removers.splice(0).forEach((remove) => remove()));

  it('lists panels by order and finds them by their Alt shortcut', () => {
    removers.push(registerPanel(panel('second', 's', 20)), registerPanel(panel('first', 'q', 10)));
    expect(registeredPanels().map((p) => p.id)).toEqual(['first', 'second']);
    expect(panelForShortcut('KeyS')?.id).toBe('second');
    expect(panelForShortcut('KeyZ')).toBeUndefined();
    expect(panelForShortcut('Digit1')).toBeUndefined();
  });

  it('refuses a second panel with the same id or the same shortcut', () => {
    removers.push(registerPanel(panel('one', 'q', 1)));
    expect(() => registerPanel(panel('one', 'x', 2))).toThrow(/already registered/);
    expect(() => registerPanel(panel('two', 'Q', 2))).toThrow(/Alt\+Q already opens/);
    expect(registeredPanels()).toHaveLength(1);
  });

  it('forgets a panel when its remover runs', () => {
    const remove = registerPanel(panel('gone', 'g', 1));
    remove();
    expect(registeredPanels()).toHaveLength(0);
    expect(panelForShortcut('KeyG')).toBeUndefined();
  });
});

describe('task availability', () => {
  it('picks the first valid bundle that runs the task on this modality', () => {
    const bundles = [bundle('broken', [task('sr', ['MR'])], false, ['checksum differs']), bundle('good', [task('sr', ['MR', 'CT'])])];
    const [sr] = taskAvailability(bundles, ['sr'], 'CT');
    expect(sr).toMatchObject({ available: true, bundleId: 'good', bundleVersion: '1.2.3' });
  });

  it("gives the bundle's own reason before a modality mismatch or a missing model", () => {
    const reason = 'needs a model trained on paired data';
    const bundles = [bundle('a', [task('ct-to-mr', ['CT'], false, reason), task('t1-to-t2', ['MR'])])];
    const [conversion, contrast, missing] = taskAvailability(bundles, ['ct-to-mr', 't1-to-t2', 'nothing'], 'CT');
    expect(conversion).toMatchObject({ available: false, reason });
    expect(contrast).toMatchObject({ available: false });
    expect(contrast?.available === false && contrast.reason).toMatch(/MR.*this series is CT/);
    expect(missing).toMatchObject({ available: false, reason: 'No installed model provides this task' });
  });

  it('names a damaged bundle as the reason when it is the only provider', () => {
    const [sr] = taskAvailability([bundle('x', [task('sr', [])], false, ['model.onnx is missing'])], ['sr'], 'MR');
    expect(sr?.available === false && sr.reason).toContain('model.onnx is missing');
  });

  it("shows the shipped bundle's CT↔MR task as unavailable with the manifest's reason", () => {
    // Read from the shipped manifest here, independently of the runtime's bundle registry.
    const manifest = JSON.parse(fs.readFileSync(path.join('models', 'radstation-compact', 'manifest.json'), 'utf8')) as {
      id: string;
      tasks: { id: string; label: string; accepts: { modalities: string[] }; availability?: { status: string; reason?: string } }[];
    };
    const tasks = manifest.tasks.map((t) => task(t.id, t.accepts.modalities, t.availability?.status !== 'needs-model', t.availability?.reason));
    const expectedReason = manifest.tasks.find((t) => t.id === 'ct-to-mr')?.availability?.reason;
    expect(expectedReason).toBeTruthy();
    const [ctToMr, sr] = taskAvailability([bundle(manifest.id, tasks)], ['ct-to-mr', 'superres-x4'], 'CT');
    expect(ctToMr).toMatchObject({ available: false, reason: expectedReason });
    expect(sr).toMatchObject({ available: true, bundleId: manifest.id });
  });
});
