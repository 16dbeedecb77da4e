import type { Emulator } from '../../src/emulator/index.js';
import type { RecordedBatch } from '../../src/emulator/record.js';

export type EmulatorEvent =
  | { kind: 'request'; route: string }
  | { kind: 'batch-created'; batch: RecordedBatch };

/**
 * Calls `listener` synchronously, inside the emulator's own handler, whenever a request reaches a
 * route or a provider batch is created. A test can act at an exact point of the protocol: a
 * runner killed from here after a create has not received the batch id, and cannot have stored it.
 * Returns a function that stops the watch.
 */
export function watchEmulator(emulator: Emulator, listener: (event: EmulatorEvent) => void): () => void {
  const { record } = emulator;
  const countRequest = record.countRequest;
  record.countRequest = (route: string) => {
    countRequest.call(record, route);
    listener({ kind: 'request', route });
  };
  const push = record.batches.push;
  Object.defineProperty(record.batches, 'push', {
    configurable: true,
    value: (...batches: RecordedBatch[]) => {
      const length = push.apply(record.batches, batches);
      for (const batch of batches) listener({ kind: 'batch-created', batch });
      return length;
    },
  });
  return () => {
    record.countRequest = countRequest;
    delete (record.batches as { push?: unknown }).push;
  };
}
