import type { BundleSummary } from '../../src-shared/contract';

/** Whether a task can run on the series on screen, which bundle provides it, and why not when it cannot. */
export type TaskAvailability =
  | { taskId: string; label: string; available: true; bundleId: string; bundleName: string; bundleVersion: string }
  | { taskId: string; label: string; available: false; reason: string };

/**
 * Picks, for each task a panel offers, the first valid bundle that can run it on this modality.
 * When none can, the reason given is the most useful one found: a bundle's own reason (for
 * example "CT↔MR needs a model trained on paired CT/MR data") beats a modality mismatch,
 * which beats "no installed model provides it".
 */
export function taskAvailability(bundles: readonly BundleSummary[], taskIds: readonly string[], modality: string | undefined, labels: Record<string, string> = {}): TaskAvailability[] {
  return taskIds.map((taskId) => {
    const offers = bundles.flatMap((bundle) => bundle.tasks.filter((task) => task.id === taskId).map((task) => ({ bundle, task })));
    const label = labels[taskId] ?? offers[0]?.task.label ?? taskId;
    const fitsModality = (modalities: string[]) => modality === undefined || modalities.length === 0 || modalities.includes(modality.toUpperCase());
    const runnable = offers.find(({ bundle, task }) => bundle.valid && task.runnable && fitsModality(task.modalities));
    if (runnable) {
      return { taskId, label, available: true, bundleId: runnable.bundle.id, bundleName: runnable.bundle.name, bundleVersion: runnable.bundle.version };
    }
    const ownReason = offers.find(({ task }) => !task.runnable && task.reason)?.task.reason;
    if (ownReason) return { taskId, label, available: false, reason: ownReason };
    const invalid = offers.find(({ bundle }) => !bundle.valid);
    if (invalid) return { taskId, label, available: false, reason: `The ${invalid.bundle.name} bundle is damaged: ${invalid.bundle.problems[0] ?? 'it failed its checks'}` };
    const wrongModality = offers.find(({ task }) => !fitsModality(task.modalities));
    if (wrongModality) {
      return { taskId, label, available: false, reason: `Works on ${wrongModality.task.modalities.join(' or ')} images, and this series is ${modality ?? 'of another modality'}` };
    }
    return { taskId, label, available: false, reason: 'No installed model provides this task' };
  });
}
