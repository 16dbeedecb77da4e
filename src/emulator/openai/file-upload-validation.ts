import type { OpenAIErrorFields } from '../http-errors.js';
import type { MultipartPart } from './file-multipart.js';
import { batchFileLifetimeSeconds, type StoredFile, uploadPurposes } from './file-store.js';

export type UploadCheck =
  | Pick<StoredFile, 'purpose' | 'filename' | 'content' | 'bytes' | 'expiresAt'>
  | { error: OpenAIErrorFields };

const smallFileBytes = 1024 * 1024;

/** OpenAI's bounds on `expires_after.seconds`: one hour to thirty days. */
const minimumLifetimeSeconds = 3600;
const maximumLifetimeSeconds = 2_592_000;

/**
 * What `POST /v1/files` accepts: a `file` part, a `purpose` OpenAI knows, `.jsonl` for the purposes
 * that read JSON lines, and an optional `expires_after[anchor]` / `expires_after[seconds]` (the
 * SDK's encoding of the nested object). Errors carry OpenAI's messages.
 */
export function checkUpload(parts: MultipartPart[], nowSeconds: number): UploadCheck {
  const field = (name: string) => {
    const part = parts.find((candidate) => candidate.name === name && candidate.filename === undefined);
    return part && Buffer.concat(part.data).toString('utf8');
  };
  const file = parts.find((part) => part.name === 'file');
  const purpose = field('purpose');
  if (purpose === undefined) return missing('purpose');
  if (!file) return missing('file');
  if (!(uploadPurposes as readonly string[]).includes(purpose)) {
    return {
      error: {
        message: `Invalid value: '${purpose}'. Supported values are: ${quotedList(uploadPurposes)}.`,
        type: 'invalid_request_error',
        param: 'purpose',
        code: 'invalid_value',
      },
    };
  }
  const filename = file.filename ?? 'file';
  if ((purpose === 'batch' || purpose === 'fine-tune') && !filename.toLowerCase().endsWith('.jsonl')) {
    // OpenAI's own wording, with `param` and `code` both null.
    const api = purpose === 'batch' ? 'Batch API' : 'Fine-Tuning API';
    return {
      error: { message: `Invalid file format for ${api}. Must be .jsonl`, type: 'invalid_request_error' },
    };
  }
  const lifetime = expiresAfter(field('expires_after[anchor]'), field('expires_after[seconds]'));
  if (typeof lifetime === 'object') return lifetime;
  const seconds = lifetime ?? (purpose === 'batch' ? batchFileLifetimeSeconds : undefined);
  return {
    purpose: purpose as StoredFile['purpose'],
    filename,
    // A small upload is copied out of the socket's read buffers, which it would otherwise keep alive
    // (64 KB each); a large one fills them, and copying it would double its memory while it arrives.
    content: file.bytes <= smallFileBytes ? [Buffer.concat(file.data, file.bytes)] : file.data,
    bytes: file.bytes,
    expiresAt: seconds === undefined ? null : nowSeconds + seconds,
  };
}

function expiresAfter(
  anchor: string | undefined,
  text: string | undefined,
): number | undefined | { error: OpenAIErrorFields } {
  if (anchor === undefined && text === undefined) return undefined;
  if (anchor === undefined) return missing('expires_after.anchor');
  if (text === undefined) return missing('expires_after.seconds');
  if (anchor !== 'created_at') {
    return {
      error: {
        message: `Invalid value: '${anchor}'. Supported values are: 'created_at'.`,
        type: 'invalid_request_error',
        param: 'expires_after.anchor',
        code: 'invalid_value',
      },
    };
  }
  const seconds = Number(text);
  if (!/^\d+$/.test(text)) {
    return {
      error: {
        message: `Invalid type for 'expires_after.seconds': expected an integer, but got a string instead.`,
        type: 'invalid_request_error',
        param: 'expires_after.seconds',
        code: 'invalid_type',
      },
    };
  }
  return checkLifetime(seconds, 'expires_after.seconds') ?? seconds;
}

/** The 1 hour to 30 days rule shared by `expires_after` and a batch's `output_expires_after`. */
export function checkLifetime(seconds: number, param: string): { error: OpenAIErrorFields } | undefined {
  if (seconds < minimumLifetimeSeconds) {
    return {
      error: {
        message: `Invalid '${param}': integer below minimum value. Expected a value >= ${minimumLifetimeSeconds}, but got ${seconds} instead.`,
        type: 'invalid_request_error',
        param,
        code: 'integer_below_min_value',
      },
    };
  }
  if (seconds > maximumLifetimeSeconds) {
    return {
      error: {
        message: `Invalid '${param}': integer above maximum value. Expected a value <= ${maximumLifetimeSeconds}, but got ${seconds} instead.`,
        type: 'invalid_request_error',
        param,
        code: 'integer_above_max_value',
      },
    };
  }
  return undefined;
}

export function missing(param: string): { error: OpenAIErrorFields } {
  return {
    error: {
      message: `Missing required parameter: '${param}'.`,
      type: 'invalid_request_error',
      param,
      code: 'missing_required_parameter',
    },
  };
}

/** `'a', 'b', and 'c'`, the way OpenAI lists allowed values. */
export function quotedList(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  if (quoted.length <= 2) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}
