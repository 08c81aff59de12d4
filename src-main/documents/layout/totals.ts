/**
 * The totals, right-aligned under the lines, in this order: subtotal, discounts, tax by rate
 * ("VAT 20% on $1,000.00"), total, credits applied, amount due. Every figure is the model's own:
 * the renderer never adds anything up.
 */
import type { Content, TableCell } from 'pdfmake/interfaces';
import { isZeroAmount, type LayoutContext } from './context';
import { COLOR, SIZE } from './theme';

type Emphasis = 'normal' | 'total' | 'due';

interface TotalRow {
  label: string;
  amount: string;
  emphasis: Emphasis;
}

export function totals(ctx: LayoutContext): Content {
  const rows = totalRows(ctx);
  const body: TableCell[][] = rows.map((row) => {
    const strong = row.emphasis !== 'normal';
    const fontSize = row.emphasis === 'due' ? SIZE.amountDue - 1 : SIZE.body;
    return [
      { text: ctx.t(row.label), bold: strong, fontSize, color: strong ? COLOR.text : COLOR.muted },
      { text: ctx.t(ctx.fmt.money(row.amount)), bold: strong, fontSize, alignment: 'right' },
    ];
  });
  const ruleAbove = (i: number) => {
    const emphasis = rows[i]?.emphasis;
    return emphasis === 'total' || emphasis === 'due';
  };
  return {
    columns: [
      { width: '*', text: '' },
      {
        width: 270,
        table: { widths: ['*', 'auto'], body },
        layout: {
          hLineWidth: (i) => (ruleAbove(i) ? (rows[i]?.emphasis === 'due' ? 1 : 0.5) : 0),
          hLineColor: (i) => (rows[i]?.emphasis === 'due' ? COLOR.ruleStrong : COLOR.rule),
          vLineWidth: () => 0,
          paddingLeft: () => 0,
          paddingRight: (i) => (i === 0 ? 12 : 0),
          paddingTop: (i) => (ruleAbove(i) ? 5 : 1.5),
          paddingBottom: () => 1.5,
        },
      },
    ],
    unbreakable: true,
    margin: [0, 14, 0, 0],
  };
}

function totalRows(ctx: LayoutContext): TotalRow[] {
  const { doc, labels, fmt } = ctx;
  const rows: TotalRow[] = [{ label: labels.subtotal, amount: doc.subtotal, emphasis: 'normal' }];
  for (const discount of doc.discounts) rows.push({ label: discount.label, amount: discount.amount, emphasis: 'normal' });
  for (const tax of doc.taxes) {
    rows.push({ label: `${tax.label} ${fmt.percent(tax.rate)} ${labels.taxOn} ${fmt.money(tax.base)}`, amount: tax.amount, emphasis: 'normal' });
  }
  const totalLabel = doc.kind === 'credit_note' ? labels.totalCredited : doc.kind === 'receipt' ? labels.totalPaid : labels.total;
  rows.push({ label: totalLabel, amount: doc.total, emphasis: 'total' });
  // An invoice always states what was prepaid and what is left to pay; the other documents only
  // when the engine put something there.
  if (doc.kind === 'invoice' || !isZeroAmount(doc.creditsApplied)) rows.push({ label: labels.creditsApplied, amount: asDeduction(doc.creditsApplied), emphasis: 'normal' });
  if (doc.kind === 'invoice' || !isZeroAmount(doc.amountDue)) rows.push({ label: labels.amountDue, amount: doc.amountDue, emphasis: 'due' });
  return rows;
}

/** Credits reduce what is due, so they always print as a deduction: "($20.00)". String-only, exact. */
function asDeduction(minor: string): string {
  const magnitude = minor.trim().replace(/^-/, '');
  return isZeroAmount(magnitude) ? magnitude : `-${magnitude}`;
}
