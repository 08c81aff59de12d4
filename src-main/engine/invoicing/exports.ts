import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { z } from 'zod';
import type { ExportInvoices, ExportResult, Invoice } from '../../../shared/contract/invoicing';
import type { EngineContext } from '../context';
import { fail } from '../errors';
import { parseTimestampField } from '../timestamps';
import type { Documents } from './documents';
import type { Invoices } from './invoices';

/** RFC 4180: quote fields with commas, quotes or line breaks; formula-looking text gets an apostrophe. */
export function csvField(v: string | null): string {
  if (v === null) return '';
  const safe = /^[=+\-@\t\r]/.test(v) && !/^-?\d+(\.\d+)?$/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
const row = (fields: (string | null)[]) => fields.map(csvField).join(',') + '\r\n';

const INVOICE_COLUMNS = ['number', 'id', 'customer', 'status', 'currency', 'period_start', 'period_end', 'issue_date', 'due_at', 'subtotal', 'discounts', 'tax', 'total', 'credits_applied', 'amount_due', 'amount_paid', 'amount_outstanding', 'credited', 'pdf_sha256'] as const;
const LINE_COLUMNS = ['invoice_number', 'line_id', 'kind', 'description', 'period', 'quantity', 'unit', 'unit_price', 'amount', 'informational'] as const;

export function invoicesCsv(invoices: z.output<typeof Invoice>[]): string {
  let out = row([...INVOICE_COLUMNS]);
  for (const i of invoices) {
    out += row([i.number, i.id, i.customer, i.status, i.currency, i.period?.start ?? null, i.period?.end ?? null, i.issue_date, i.due_at, i.subtotal, i.discounts, i.tax, i.total, i.credits_applied, i.amount_due, i.amount_paid, i.amount_outstanding, i.credited, i.pdf_sha256]);
  }
  return out;
}

export function linesCsv(invoices: z.output<typeof Invoice>[]): string {
  let out = row([...LINE_COLUMNS]);
  for (const i of invoices) for (const l of i.lines) out += row([i.number ?? i.id, l.id, l.kind, l.description, l.period, l.quantity, l.unit, l.unit_price, l.amount, String(l.informational)]);
  return out;
}

/** Writes a period's invoices to a folder: one PDF each, and CSV and JSON of invoices and lines. */
export async function exportInvoices(
  ctx: EngineContext,
  dataDir: string,
  invoices: Invoices,
  documents: Documents,
  input: z.output<typeof ExportInvoices>,
): Promise<z.output<typeof ExportResult>> {
  const now = ctx.now();
  const folder = input.folder ?? join(dataDir, 'exports', new Date(now).toISOString().replace(/[:.]/g, '-'));
  if (!isAbsolute(folder)) fail('validation_failed', 'folder must be an absolute path.', { issues: [{ path: ['folder'], message: 'not absolute' }] });
  const from = parseTimestampField(input.from, 'from', now);
  const to = parseTimestampField(input.to, 'to', now);
  const all: z.output<typeof Invoice>[] = [];
  let cursor: string | undefined;
  do {
    const page = invoices.list({ limit: 500, cursor, ...(input.status ? { status: input.status } : {}) });
    for (const i of page.data) {
      const at = i.finalized_at ? Date.parse(i.finalized_at) : Date.parse(i.created_at);
      if ((from === null || at >= from) && (to === null || at < to)) all.push(i);
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  mkdirSync(folder, { recursive: true });
  const files: string[] = [];
  if (input.formats.includes('pdf')) {
    for (const i of all) {
      if (i.status === 'closed') continue; // closed with nothing to bill: no document
      const doc = await documents.invoicePdf(i.id);
      const file = join(folder, doc.filename);
      writeFileSync(file, doc.pdf);
      files.push(file);
    }
  }
  if (input.formats.includes('csv')) {
    writeFileSync(join(folder, 'invoices.csv'), invoicesCsv(all));
    writeFileSync(join(folder, 'invoice-lines.csv'), linesCsv(all));
    files.push(join(folder, 'invoices.csv'), join(folder, 'invoice-lines.csv'));
  }
  if (input.formats.includes('json')) {
    writeFileSync(join(folder, 'invoices.json'), JSON.stringify(all, null, 2));
    files.push(join(folder, 'invoices.json'));
  }
  return { folder, invoices: all.length, files };
}
