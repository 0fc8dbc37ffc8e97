import type { ExecutionProviderName, ProviderChoice } from '../../../src-shared/contract/inference';
import { providerOrder } from '../providers';
import { firstLine, type ProviderFallback } from '../worker/session-cache';

/**
 * The VLM's three graphs must run on one provider (their tensors pass between them), so the fallback is
 * per bundle: each provider in the setting's order opens all three, and one that fails any of them is
 * released and the next tried, down to the CPU, as the image tasks' session cache does per graph.
 */
export async function openOnFirstProvider<Sessions>(
  choice: ProviderChoice,
  open: (provider: ExecutionProviderName) => Promise<Sessions>,
  order: (choice: ProviderChoice) => ExecutionProviderName[] = providerOrder,
): Promise<{ sessions: Sessions; provider: ExecutionProviderName; fallbacks: ProviderFallback[] }> {
  const fallbacks: ProviderFallback[] = [];
  for (const provider of order(choice)) {
    try {
      return { sessions: await open(provider), provider, fallbacks };
    } catch (error) {
      fallbacks.push({ provider, reason: firstLine(error) });
    }
  }
  throw new Error(`no execution provider could open the bundle: ${fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ')}`);
}
