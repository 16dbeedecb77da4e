import { describe, expect, it } from 'vitest';
import { formatUsd } from './format-usd.js';

describe('formatUsd', () => {
  it('shows cents from a dollar up, with thousands separators', () => {
    expect(formatUsd(1_000_000_000)).toBe('$1.00');
    expect(formatUsd(1_234_567_890_123)).toBe('$1,234.57');
    expect(formatUsd(1_234_564_999_999)).toBe('$1,234.56');
  });

  it('keeps four significant digits below a dollar, so small jobs do not read $0.00', () => {
    expect(formatUsd(7_250_000)).toBe('$0.00725');
    expect(formatUsd(1_972_500)).toBe('$0.001973');
    expect(formatUsd(12_345_678)).toBe('$0.01235');
    expect(formatUsd(500_000_000)).toBe('$0.50');
    expect(formatUsd(18_933)).toBe('$0.00001893');
    expect(formatUsd(1)).toBe('$0.000000001');
  });

  it('carries a rounding that reaches a dollar into the dollar format', () => {
    expect(formatUsd(999_999_999)).toBe('$1.00');
  });

  it('shows zero and negative amounts (a deadline fallback can cost more than it saved)', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(-7_250_000)).toBe('-$0.00725');
    expect(formatUsd(-2_500_000_000)).toBe('-$2.50');
  });

  it('takes bigint totals beyond 2^53 nano-USD', () => {
    expect(formatUsd(12_345_678_901_234_567_890n)).toBe('$12,345,678,901.23');
  });

  it('refuses amounts that are not whole nano-dollars', () => {
    expect(() => formatUsd(0.5)).toThrow(RangeError);
    expect(() => formatUsd(Number.NaN)).toThrow(RangeError);
  });
});
