/**
 * The band under the parties: issue date, due date, supply period and the headline amount; then the
 * references (a credit note's invoice, a reissue's predecessor) and the reason, when there are any.
 */
import type { Content, TableCell } from 'pdfmake/interfaces';
import type { LayoutContext } from './context';
import { COLOR, SIZE } from './theme';

interface Fact {
  label: string;
  value: string;
  strong?: boolean;
}

export function summary(ctx: LayoutContext): Content[] {
  const out: Content[] = [summaryBand(ctx)];
  const refs = references(ctx);
  if (refs) out.push(refs);
  return out;
}

function summaryBand(ctx: LayoutContext): Content {
  const facts = summaryFacts(ctx);
  const cells: TableCell[] = facts.map((fact, i) => ({
    stack: [
      { text: ctx.t(fact.label.toLocaleUpperCase(ctx.fmt.locale)), fontSize: SIZE.label, bold: true, color: COLOR.muted, characterSpacing: 0.5, margin: [0, 0, 0, 3] },
      { text: ctx.t(fact.value), bold: true, fontSize: fact.strong ? SIZE.amountDue : SIZE.body + 0.5, color: fact.strong ? COLOR.brand : COLOR.text },
    ],
    alignment: fact.strong && i === facts.length - 1 ? 'right' : 'left',
    margin: [i === 0 ? 12 : 6, 9, i === facts.length - 1 ? 12 : 6, 9],
  }));
  return {
    table: { widths: facts.map((f) => (f.strong ? '*' : 'auto')), body: [cells] },
    layout: { defaultBorder: false, fillColor: () => COLOR.band, paddingLeft: () => 0, paddingRight: () => 0, paddingTop: () => 0, paddingBottom: () => 0 },
    margin: [0, 0, 0, 10],
  };
}

function summaryFacts(ctx: LayoutContext): Fact[] {
  const { doc, labels, fmt } = ctx;
  const facts: Fact[] = [{ label: labels.issueDate, value: fmt.date(doc.issueDate) }];
  if (doc.dueDate) facts.push({ label: labels.dueDate, value: fmt.date(doc.dueDate) });
  if (doc.supplyPeriod) facts.push({ label: labels.supplyPeriod, value: fmt.period(doc.supplyPeriod.start, doc.supplyPeriod.end) });
  facts.push(headline(ctx));
  return facts;
}

/** The amount a reader looks for first: due on an invoice, credited on a credit note, paid on a receipt. */
function headline(ctx: LayoutContext): Fact {
  const { doc, labels, fmt } = ctx;
  switch (doc.kind) {
    case 'invoice':
      return { label: labels.amountDue, value: fmt.money(doc.amountDue), strong: true };
    case 'credit_note':
      return { label: labels.totalCredited, value: fmt.money(doc.total), strong: true };
    case 'receipt':
      return { label: labels.totalPaid, value: fmt.money(doc.total), strong: true };
  }
}

function references(ctx: LayoutContext): Content | null {
  const { doc, labels, t } = ctx;
  const rows: TableCell[][] = doc.references.map((ref) => [
    { text: t(ref.label, { color: COLOR.muted }) },
    { text: t(ref.number, { bold: true }) },
  ]);
  if (doc.reason) rows.push([{ text: t(labels.reason, { color: COLOR.muted }) }, { text: t(doc.reason) }]);
  if (rows.length === 0) return null;
  return {
    table: { widths: ['auto', '*'], body: rows },
    layout: { defaultBorder: false, paddingLeft: (i) => (i === 0 ? 12 : 10), paddingRight: () => 0, paddingTop: () => 1.5, paddingBottom: () => 1.5 },
    margin: [0, 0, 0, 10],
  };
}
