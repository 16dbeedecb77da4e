/**
 * What the emulator received, kept for tests (in process: `emulator.record`; from another
 * process: `GET /_emulator/record`). Tests use it to prove, for example, that no chunk of work
 * was ever submitted as two provider batches.
 */

export interface RecordedFile {
  id: string;
  purpose: string;
  filename: string;
  bytes: number;
  createdAt: number;
  deleted: boolean;
}

export interface RecordedBatch {
  provider: 'openai' | 'anthropic';
  id: string;
  /** 1-based order of creation across both providers. */
  number: number;
  createdAt: number;
  endpoint: string;
  inputFileId: string | null;
  metadata: Record<string, string> | null;
  model: string | null;
  requestCount: number;
  customIds: string[];
}

export interface RecordedFault {
  route: string;
  kind: 'status429' | 'status500' | 'status503' | 'slow' | 'drop' | 'flexRefuse';
  at: number;
}

export interface RecordedWebhook {
  id: string;
  type: string;
  objectId: string;
  /** HTTP status of the delivery, or null when it could not be delivered. */
  deliveryStatus: number | null;
}

export class EmulatorRecord {
  readonly files: RecordedFile[] = [];
  readonly batches: RecordedBatch[] = [];
  readonly faults: RecordedFault[] = [];
  readonly webhooks: RecordedWebhook[] = [];
  /** Requests seen per route key (`POST /v1/batches`), faults included. */
  readonly requests: Record<string, number> = {};

  countRequest(route: string): void {
    this.requests[route] = (this.requests[route] ?? 0) + 1;
  }

  /** Fault counts per route and kind, e.g. `{ 'POST /v1/files': { status500: 3 } }`. */
  faultCounts(): Record<string, Partial<Record<RecordedFault['kind'], number>>> {
    const counts: Record<string, Partial<Record<RecordedFault['kind'], number>>> = {};
    for (const fault of this.faults) {
      const route = counts[fault.route] ?? {};
      counts[fault.route] = route;
      route[fault.kind] = (route[fault.kind] ?? 0) + 1;
    }
    return counts;
  }

  toJSON() {
    return {
      files: this.files,
      batches: this.batches,
      faults: this.faultCounts(),
      webhooks: this.webhooks,
      requests: this.requests,
    };
  }
}
