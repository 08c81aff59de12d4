import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportKind } from '../../../shared/contract/migration';

/** A row that could not be imported (or was left out), where it is and why. */
export interface Problem {
  file: string;
  /** 1-based line of the row (for a `.json` list: its position in the list); 0 for the file as a whole. */
  line: number;
  key: string | null;
  reason: string;
}

/** One object of a source file. `value` is undefined when the line is not JSON (see `error`). */
export interface SourceRecord {
  file: string;
  line: number;
  value: unknown;
  error?: string;
}

/** A row in the import format, ready for the importer, with where it came from. */
export interface MappedRow {
  file: string;
  line: number;
  data: Record<string, unknown>;
}

/**
 * The rows of one kind from one source file: the importer's unit of all-or-nothing. Source rows
 * that could not be mapped are `errors` (they fail the batch); rows deliberately left out are
 * `skipped` (they do not).
 */
export interface Batch {
  kind: ImportKind;
  file: string;
  rows: MappedRow[];
  errors: Problem[];
  skipped: Problem[];
}

export type SourceName = 'tollgate' | 'lago' | 'stripe';

export interface ImportPlan {
  source: SourceName;
  batches: Batch[];
  notes: string[];
}

export const newBatch = (kind: ImportKind, file: string): Batch => ({ kind, file, rows: [], errors: [], skipped: [] });

/** The file `<base>.jsonl` or `<base>.json` of a folder, whichever exists (jsonl first). */
export function findFile(folder: string, base: string): string | null {
  for (const ext of ['.jsonl', '.json', '.ndjson']) {
    if (existsSync(join(folder, base + ext))) return base + ext;
  }
  return null;
}

export function listFiles(folder: string): string[] {
  return readdirSync(folder);
}

/**
 * The objects of a source file. JSON lines: one object per line (blank lines ignored), each with
 * its line number. A `.json` file may hold one object, a list, an API list body (`{"customers":
 * [...], "meta": ...}` as Lago pages, `{"object": "list", "data": [...]}` as Stripe pages) or a
 * list of such bodies (pages saved one after the other); its rows are numbered by position.
 */
export function readRecords(folder: string, name: string): SourceRecord[] {
  const text = readFileSync(join(folder, name), 'utf8');
  if (name.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return [{ file: name, line: 0, value: undefined, error: `not valid JSON: ${(e as Error).message}` }];
    }
    const items: unknown[] = [];
    const unwrap = (v: unknown) => {
      if (Array.isArray(v)) {
        for (const x of v) unwrap(x);
        return;
      }
      if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (o.object === 'list' && Array.isArray(o.data)) return void items.push(...o.data);
        const lists = Object.entries(o).filter(([k, x]) => Array.isArray(x) && k !== 'meta');
        if (Object.keys(o).every((k) => k === 'meta' || Array.isArray(o[k])) && lists.length === 1) return void items.push(...(lists[0]![1] as unknown[]));
      }
      items.push(v);
    };
    unwrap(parsed);
    return items.map((value, i) => ({ file: name, line: i + 1, value }));
  }
  const out: SourceRecord[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    try {
      out.push({ file: name, line: i + 1, value: JSON.parse(line) });
    } catch (e) {
      out.push({ file: name, line: i + 1, value: undefined, error: `not valid JSON: ${(e as Error).message}` });
    }
  });
  return out;
}

/** A source object, or a reason it is not one. */
export function asObject(r: SourceRecord): Record<string, unknown> | string {
  if (r.error) return r.error;
  if (!r.value || typeof r.value !== 'object' || Array.isArray(r.value)) return 'expected a JSON object';
  return r.value as Record<string, unknown>;
}

/** Drops null and undefined members (sources write absent optional fields as null). */
export function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined) out[k] = v;
  return out as Partial<T>;
}

export const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

const ISO_CURRENCIES = new Set(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : []);

/** Decimal places of an ISO 4217 currency's minor unit (USD 2, JPY 0), or null for an unknown code. */
export function currencyScale(code: string): number | null {
  try {
    // Intl formats any well-formed code (XYZ too): only ISO 4217 codes are currencies.
    if (!/^[A-Z]{3}$/.test(code) || !ISO_CURRENCIES.has(code)) return null;
    return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return null;
  }
}
