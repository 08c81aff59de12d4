/**
 * The lines: description (+ period), quantity (+ unit), unit price, amount; tier breakdown rows
 * indented under their line; informational custom-asset lines marked as such (their amounts are
 * not part of the totals, which come from the model). The header row repeats on every page.
 */
import type { Content, TableCell } from 'pdfmake/interfaces';
import type { DocumentLine, TierRow } from '../model';
import { isZeroAmount, type LayoutContext } from './context';
import { COLOR, SIZE } from './theme';

type RowKind = 'header' | 'line' | 'tier';

export function lineTable(ctx: LayoutContext): Content {
  const kinds: RowKind[] = ['header'];
  const body: TableCell[][] = [headerRow(ctx)];
  for (const line of ctx.doc.lines) {
    body.push(lineRow(ctx, line));
    kinds.push('line');
    for (const tier of line.tiers) {
      body.push(tierRow(ctx, tier));
      kinds.push('tier');
    }
  }
  const kindOf = (row: number): RowKind => kinds[row] ?? 'line';
  return {
    table: {
      headerRows: 1,
      keepWithHeaderRows: 1,
      dontBreakRows: true,
      widths: ['*', 'auto', 'auto', 'auto'],
      body,
    },
    layout: {
      // A rule under the header and between line items; tier rows sit under their line unruled.
      hLineWidth: (i, node) => (i === 1 ? 0.8 : i === 0 || i === node.table.body.length ? 0 : kindOf(i) === 'line' ? 0.5 : 0),
      hLineColor: (i) => (i === 1 ? COLOR.ruleStrong : COLOR.rule),
      vLineWidth: () => 0,
      paddingLeft: (i) => (i === 0 ? 0 : 8),
      paddingRight: (i, node) => (i === (node.table.widths?.length ?? 4) - 1 ? 0 : 8),
      paddingTop: (i) => (kindOf(i) === 'tier' ? 0 : kindOf(i) === 'header' ? 0 : 6),
      paddingBottom: (i) => (kindOf(i) === 'header' ? 5 : kindOf(i + 1) === 'tier' ? 2 : 6),
    },
    margin: [0, 8, 0, 0],
  };
}

/**
 * Narrowest widths of the number columns. They are 'auto' so that a very long quantity or amount
 * widens its column instead of breaking mid-number, but sized to content alone they huddle
 * together; an invisible rule in the header cell holds each one open.
 */
const MIN_WIDTH = { quantity: 56, unitPrice: 66, amount: 72 } as const;

function headerRow(ctx: LayoutContext): TableCell[] {
  const { labels, t } = ctx;
  const cell = (text: string, alignment: 'left' | 'right', minWidth = 0): TableCell => ({
    stack: [
      { text: t(text.toLocaleUpperCase(ctx.fmt.locale)), bold: true, fontSize: SIZE.label, color: COLOR.muted, characterSpacing: 0.5, alignment },
      ...(minWidth > 0 ? [{ canvas: [{ type: 'line' as const, x1: 0, y1: 0, x2: minWidth, y2: 0, lineWidth: 0.1, strokeOpacity: 0 }] }] : []),
    ],
  });
  return [cell(labels.description, 'left'), cell(labels.quantity, 'right', MIN_WIDTH.quantity), cell(labels.unitPrice, 'right', MIN_WIDTH.unitPrice), cell(labels.amount, 'right', MIN_WIDTH.amount)];
}

function lineRow(ctx: LayoutContext, line: DocumentLine): TableCell[] {
  const { t, fmt, labels } = ctx;
  const description: Content[] = [{ text: t(line.description), bold: !line.informational, color: line.informational ? COLOR.muted : COLOR.text }];
  if (line.period) description.push({ text: t(line.period), fontSize: SIZE.small, color: COLOR.muted, margin: [0, 1, 0, 0] });
  if (line.informational) description.push({ text: t(labels.informational), fontSize: SIZE.tiny, color: COLOR.faint, margin: [0, 1, 0, 0] });
  const quantity = line.quantity === null ? '' : [fmt.quantity(line.quantity), line.unit ?? ''].join(' ').trim();
  const unitPrice = line.unitPrice === null ? '' : fmt.unitPrice(line.unitPrice);
  const amount = line.informational && isZeroAmount(line.amount) ? '—' : fmt.money(line.amount);
  const muted = line.informational ? COLOR.muted : COLOR.text;
  return [
    { stack: description },
    { text: t(quantity), alignment: 'right', color: muted },
    { text: t(unitPrice), alignment: 'right', color: muted },
    { text: t(amount), alignment: 'right', color: muted, bold: !line.informational },
  ];
}

function tierRow(ctx: LayoutContext, tier: TierRow): TableCell[] {
  const { t, fmt, labels } = ctx;
  const price: Content[] = [{ text: t(fmt.unitPrice(tier.unitPrice)) }];
  if (!isZeroAmount(tier.flatFee)) price.push({ text: t(`+ ${fmt.money(tier.flatFee)} ${labels.flatFee}`), fontSize: SIZE.tiny });
  const style = { fontSize: SIZE.small, color: COLOR.muted };
  return [
    { text: t(tier.label), ...style, margin: [14, 0, 0, 0] },
    { text: t(fmt.quantity(tier.units)), alignment: 'right', ...style },
    { stack: price, alignment: 'right', ...style },
    { text: t(fmt.money(tier.amount)), alignment: 'right', ...style },
  ];
}
