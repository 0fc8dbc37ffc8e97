import type { EventName, EventPayload } from '../src-shared/contract';

type Listener = (name: EventName, payload: unknown) => void;

/**
 * Services publish here; each host subscribes once and forwards to its renderers.
 * Services never know which host, or how many renderers, are listening.
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<Name extends EventName>(name: Name, payload: EventPayload<Name>): void {
    for (const listener of this.listeners) {
      try {
        listener(name, payload);
      } catch (error) {
        console.error(`[radstation] event listener for ${name} failed:`, error);
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
