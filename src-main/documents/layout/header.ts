/**
 * The top of the first page: the seller's logo on the left (or, without one, the seller's name);
 * title, number and status (if not final) on the right.
 */
import type { Content } from 'pdfmake/interfaces';
import { statusLabel } from '../labels';
import type { InlineText } from '../rich-text';
import type { LayoutContext } from './context';
import { COLOR, LOGO_WIDTH, SIZE } from './theme';

/** Room for the seller's name where a logo would be: long names wrap rather than run under the title. */
const NAME_WIDTH = 260;

export function header(ctx: LayoutContext, logoSvg: string | null): Content {
  const { doc, labels, t } = ctx;
  const status = statusLabel(doc.status, labels);
  const right: Content[] = [
    { text: t(labels.title[doc.kind]), fontSize: SIZE.title, bold: true, color: COLOR.text, alignment: 'right', lineHeight: 1 },
    { text: t(doc.number), fontSize: SIZE.body + 1, color: COLOR.muted, alignment: 'right', margin: [0, 2, 0, 0] },
  ];
  if (status !== null) right.push(statusBadge(t(status.toLocaleUpperCase(ctx.fmt.locale))));
  return {
    columns: [
      logoSvg ? { svg: logoSvg, width: LOGO_WIDTH } : { text: t(doc.seller.legalName), width: NAME_WIDTH, fontSize: SIZE.title - 4, bold: true, color: COLOR.brand, lineHeight: 1 },
      { width: '*', stack: right },
    ],
    margin: [0, 0, 0, 20],
  };
}

/** A small filled label, right-aligned: a one-cell table is pdfmake's way to get a filled box. */
function statusBadge(text: InlineText[]): Content {
  return {
    columns: [
      { width: '*', text: '' },
      {
        width: 'auto',
        table: { body: [[{ text, bold: true, fontSize: SIZE.tiny, color: COLOR.badgeText, fillColor: COLOR.badgeFill, margin: [6, 1, 6, 1], characterSpacing: 0.6 }]] },
        layout: 'noBorders',
      },
    ],
    margin: [0, 6, 0, 0],
  };
}
