/** Dates, durations and counts on screen. Amounts never come here: see `Money`. */

const dateTime = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateOnly = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric' });
const timeOnly = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const rtf = new Intl.RelativeTimeFormat('en-US', { numeric: 'auto' });
const count = new Intl.NumberFormat('en-US');

export const formatCount = (n: number | bigint | string): string => count.format(n as number);

/** Quantities (usage units, allowances, thresholds) grouped exactly: shared with invoice tier labels. */
export { formatQuantity } from '@shared/quantity';

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateOnly.format(d);
}

export function formatTime(ms: number | string | Date): string {
  return timeOnly.format(new Date(ms));
}

/** A time of day for today's instants, the date and time for older (or future-dated) ones: "14:03:22" / "Nov 26, 14:03:22". */
export function formatTimeOrDateTime(iso: number | string | Date, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? timeOnly.format(d) : dateTime.format(d);
}

/** "in 3 hours", "2 minutes ago". */
export function relative(iso: string | number | null | undefined, now = Date.now()): string {
  if (iso === null || iso === undefined) return '—';
  const t = typeof iso === 'number' ? iso : new Date(iso).getTime();
  const diff = (t - now) / 1000;
  const abs = Math.abs(diff);
  if (abs < 45) return rtf.format(Math.round(diff), 'second');
  if (abs < 45 * 60) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 22 * 3600) return rtf.format(Math.round(diff / 3600), 'hour');
  if (abs < 26 * 86400) return rtf.format(Math.round(diff / 86400), 'day');
  return rtf.format(Math.round(diff / (30 * 86400)), 'month');
}

/** A duration in seconds for humans: "45 s", "12 min", "3 h 20 min", "4 days", "> 1 year". */
export function humanDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds <= 0) return 'empty';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) {
    const h = Math.floor(seconds / 3600);
    const m = Math.round((seconds % 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  if (seconds < 365 * 86400) {
    const d = Math.round(seconds / 86400);
    return `${d} day${d === 1 ? '' : 's'}`;
  }
  return '> 1 year';
}

/** A fresh idempotency key, made when a money-moving dialog opens. */
export function newIdempotencyKey(prefix: string): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `${prefix}_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Title-case a code such as `insufficient_funds` → "Insufficient funds". */
export function humanCode(code: string): string {
  const s = code.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
