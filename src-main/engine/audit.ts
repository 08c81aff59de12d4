import type { z } from 'zod';
import type { AuditEntry, ListAuditLog } from '../../shared/contract/admin';
import type { AuditRow, Store } from '../storage/store';
import type { EngineContext } from './context';
import type { Customers } from './customers';
import { fail } from './errors';
import { decodeNumericCursor, encodeCursor, iso } from './format';
import { parseTimestampField } from './timestamps';

/** Who made a change and through which door: what every audit row starts from. */
export interface Actor {
  door: 'http' | 'ipc' | 'system';
  keyId: string | null;
  keyName: string | null;
  /** The desktop app's OS user (the IPC door has no key). */
  osUser?: string | null;
  remoteAddress: string | null;
  requestId: string | null;
}

export const SYSTEM_ACTOR: Actor = { door: 'system', keyId: null, keyName: null, remoteAddress: null, requestId: null };

export interface AuditRecord {
  action: string;
  target: string | null;
  /** Internal customer id, for the per-customer filter (and erasure). */
  customerId: number | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

/** Field names whose values never enter the audit log (secrets, document bytes). */
const SECRET_FIELDS = new Set(['key', 'secret', 'secret_sha256', 'token', 'api_key', 'base64', 'pdf', 'signing_secret']);
/** Above this, before/after keep only their scalar fields (an invoice's lines are in the invoice). */
const MAX_JSON = 16_384;

/** A JSON-safe copy without secrets; bigints as strings. */
export function scrub(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return value;
  if (depth > 8) return '[nested]';
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    out[k] = SECRET_FIELDS.has(k) ? '[secret]' : scrub(v, depth + 1);
  }
  return out;
}

function toJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const clean = scrub(value);
  const text = JSON.stringify(clean);
  if (text.length <= MAX_JSON) return text;
  if (clean && typeof clean === 'object' && !Array.isArray(clean)) {
    const scalars = Object.fromEntries(Object.entries(clean).filter(([, v]) => v === null || typeof v !== 'object'));
    return JSON.stringify({ ...scalars, _truncated: true });
  }
  return JSON.stringify({ _truncated: true });
}

const CSV_COLUMNS = ['id', 'at', 'actor_kind', 'actor_id', 'actor_name', 'door', 'remote_address', 'request_id', 'action', 'target', 'customer', 'reason', 'before', 'after'] as const;

/** One CSV field: quoted when it must be, and never read as a formula by a spreadsheet. */
function csvField(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The operator audit log: append-only rows written in the same transaction as the change they
 * describe (a rolled-back change leaves no row). Nothing updates or deletes a row, except the
 * redaction an erasure performs on the erased customer's personal values.
 */
export class AuditLog {
  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
  ) {}

  private get store(): Store {
    return this.ctx.store;
  }

  /** Writes one row. Must run inside the writer (the change's own transaction). */
  record(actor: Actor, r: AuditRecord): void {
    const kind = actor.keyId ? 'key' : actor.osUser ? 'os_user' : 'system';
    this.store.insertAudit({
      at: this.ctx.now(),
      actor_kind: kind,
      actor_id: actor.keyId ?? actor.osUser ?? null,
      actor_name: actor.keyId ? actor.keyName : (actor.osUser ?? null),
      door: actor.door,
      remote_address: actor.remoteAddress,
      request_id: actor.requestId,
      action: r.action,
      target: r.target,
      customer_id: r.customerId,
      before: toJson(r.before),
      after: toJson(r.after),
      reason: r.reason ?? null,
    });
  }

  private query(input: z.output<typeof ListAuditLog>, limit: number) {
    const now = this.ctx.now();
    const since = parseTimestampField(input.since, 'since', now);
    const until = parseTimestampField(input.until, 'until', now);
    const cursor = decodeNumericCursor(input.cursor);
    if (input.cursor && cursor === null) fail('invalid_request', 'This cursor is not one the audit log gave.', { cursor: input.cursor });
    return this.store.listAudit({
      beforeId: cursor,
      action: input.action ?? null,
      actor: input.actor ?? null,
      customerId: input.customer ? this.customers.require(input.customer).id : null,
      target: input.target ?? null,
      since,
      until,
      limit,
    });
  }

  list(input: z.output<typeof ListAuditLog>): { data: z.output<typeof AuditEntry>[]; next_cursor: string | null } {
    const limit = input.limit ?? 50;
    const rows = this.query(input, limit + 1);
    const page = rows.slice(0, limit);
    return { data: page.map((r) => this.toApi(r)), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
  }

  /** The filtered log as CSV (newest first), for an auditor's spreadsheet. */
  exportCsv(input: z.output<typeof ListAuditLog>): { filename: string; content_type: string; rows: number; base64: string } {
    const rows = this.query({ ...input, cursor: undefined }, 100_000);
    const lines = [CSV_COLUMNS.join(',')];
    for (const r of rows) {
      const customer = r.customer_id === null ? null : this.customers.byInternalId(r.customer_id).external_id;
      const cells: (string | null)[] = [String(r.id), iso(r.at), r.actor_kind, r.actor_id, r.actor_name, r.door, r.remote_address, r.request_id, r.action, r.target, customer, r.reason, r.before, r.after];
      lines.push(cells.map(csvField).join(','));
    }
    const stamp = iso(this.ctx.now()).slice(0, 19).replace(/[:T]/g, '-');
    return { filename: `tollgate-audit-${stamp}.csv`, content_type: 'text/csv; charset=utf-8', rows: rows.length, base64: Buffer.from(lines.join('\r\n') + '\r\n', 'utf8').toString('base64') };
  }

  toApi(r: AuditRow): z.output<typeof AuditEntry> {
    return {
      id: String(r.id),
      at: iso(r.at),
      actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name },
      door: r.door,
      remote_address: r.remote_address,
      request_id: r.request_id,
      action: r.action,
      target: r.target,
      customer: r.customer_id === null ? null : this.customers.byInternalId(r.customer_id).external_id,
      before: r.before === null ? null : (JSON.parse(r.before) as unknown),
      after: r.after === null ? null : (JSON.parse(r.after) as unknown),
      reason: r.reason,
    };
  }
}
