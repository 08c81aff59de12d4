/** Seller and buyer side by side: legal name, address, country by name, tax ID, email. */
import type { Column, Content } from 'pdfmake/interfaces';
import type { Party } from '../model';
import type { LayoutContext } from './context';
import { COLOR, SIZE } from './theme';

export function parties(ctx: LayoutContext): Content {
  const { doc, labels } = ctx;
  const buyerHeading = doc.kind === 'receipt' ? labels.customer : labels.billTo;
  return {
    columns: [partyBlock(ctx, labels.from, doc.seller), partyBlock(ctx, buyerHeading, doc.buyer)],
    columnGap: 28,
    margin: [0, 0, 0, 18],
  };
}

function partyBlock(ctx: LayoutContext, heading: string, party: Party): Column {
  const { t, labels, fmt } = ctx;
  const lines: Content[] = [
    sectionHeading(ctx, heading),
    { text: t(party.legalName), bold: true, fontSize: SIZE.body + 1, margin: [0, 0, 0, 2] },
    ...party.address.filter((line) => line.trim() !== '').map((line): Content => ({ text: t(line) })),
  ];
  if (party.country) lines.push({ text: t(fmt.country(party.country)) });
  if (party.taxId) lines.push({ text: [...t(`${labels.taxId}: `, { color: COLOR.muted }), ...t(party.taxId)], margin: [0, 3, 0, 0] });
  if (party.email) lines.push({ text: t(party.email), color: COLOR.muted });
  return { width: '*', stack: lines, lineHeight: 1.2 };
}

/** The small grey capitals above a block ("BILL TO"). */
export function sectionHeading(ctx: LayoutContext, text: string): Content {
  return { text: ctx.t(text.toLocaleUpperCase(ctx.fmt.locale)), fontSize: SIZE.label, bold: true, color: COLOR.muted, characterSpacing: 0.5, margin: [0, 0, 0, 4], lineHeight: 1 };
}
