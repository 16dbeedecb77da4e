/**
 * The base of every error Spendwall raises on purpose. It says what went wrong (`code`), where
 * (`place`: a file and line, a field, a header, a route) and whether trying again can help.
 */
export class SpendwallError extends Error {
  readonly code: string;
  readonly place: string | undefined;
  readonly isRetryable: boolean;

  constructor(
    message: string,
    options: { code: string; place?: string; isRetryable?: boolean; cause?: unknown },
  ) {
    super(options.place ? `${options.place}: ${message}` : message, { cause: options.cause });
    this.name = 'SpendwallError';
    this.code = options.code;
    this.place = options.place;
    this.isRetryable = options.isRetryable ?? false;
  }
}

/** A configuration file or option that does not say what Spendwall needs. */
export class ConfigError extends SpendwallError {
  constructor(message: string, options: { place?: string; cause?: unknown } = {}) {
    super(message, { code: 'invalid_config', ...options });
    this.name = 'ConfigError';
  }
}
