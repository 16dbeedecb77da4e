import type { LineFault } from '../batch-faults.js';

export { type BatchFaultPlan, type LineFault, lineFault, planBatchFaults } from '../batch-faults.js';

/** The answers a faulted line gets, in the shape of OpenAI's real-time errors. */
export function lineFaultBody(fault: Exclude<LineFault, null>) {
  if (fault === 'retryable') {
    return {
      statusCode: 500,
      body: {
        error: {
          message: 'The server had an error while processing your request. Sorry about that!',
          type: 'server_error',
          param: null,
          code: null,
        },
      },
    };
  }
  return {
    statusCode: 400,
    body: {
      error: {
        message:
          'The emulator rejected this request as invalid (fault injected by faults.batches.lineInvalid).',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    },
  };
}
