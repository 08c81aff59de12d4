import { parseEventTimestamp, TimestampError } from '../../shared/time';
import { fail } from './errors';

/** An API timestamp (ISO 8601 with offset, or Unix seconds) as epoch ms, or a 422 naming the field. */
export function parseTimestampField(value: string | number | undefined | null, field: string, nowMs: number): number | null {
  if (value === undefined || value === null) return null;
  try {
    return parseEventTimestamp(value, nowMs);
  } catch (err) {
    if (err instanceof TimestampError) fail('validation_failed', `${field}: ${err.message}`, { issues: [{ path: [field], message: err.message }] });
    throw err;
  }
}
