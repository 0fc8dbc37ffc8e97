/**
 * The few globals the shared layer may use: Node 20 and browsers both define them, with these
 * signatures. tsconfig.shared.json checks src-shared with no DOM and no Node types, and this file
 * instead, so that anything else of either platform is a type error there.
 */
declare function atob(data: string): string;
declare function btoa(data: string): string;
declare var crypto: { randomUUID(): string; getRandomValues<T extends ArrayBufferView>(array: T): T };
/** A file a user picked or dropped; only the Electron bridge's type mentions it. */
interface File {
  readonly name: string;
  readonly size: number;
}
