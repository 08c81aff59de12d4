/**
 * DocumentModel -> pdfmake document definition: pure (no I/O, no fonts loaded), so it can be
 * inspected in tests and built anywhere. render.ts turns it into PDF bytes.
 */
import type { TDocumentDefinitions } from 'pdfmake/interfaces';
import type { DocumentModel } from './model';
import { parseIsoDate } from './format';
import { FONT_FAMILY } from './fonts';
import { statusLabel } from './labels';
import { closingNotes } from './layout/closing-notes';
import { layoutContext } from './layout/context';
import { footer } from './layout/footer';
import { header } from './layout/header';
import { lineTable } from './layout/line-table';
import { parties } from './layout/parties';
import { summary } from './layout/summary';
import { totals } from './layout/totals';
import { COLOR, PAGE, SIZE } from './layout/theme';

/** Statuses under which the document is not a valid one: printed across every page. */
const WATERMARKED_STATUSES = new Set(['draft', 'void', 'voided']);

export function documentDefinition(doc: DocumentModel, logoSvg: string | null): TDocumentDefinitions {
  const ctx = layoutContext(doc);
  const title = `${ctx.labels.title[doc.kind]} ${doc.number}`;
  // Issue date as creation and modification date: the same model gives the same bytes, and the
  // PDF's file ID (an MD5 of this info in pdfkit) follows from it.
  const issued = parseIsoDate(doc.issueDate);
  const status = doc.status?.trim().toLowerCase() ?? '';
  const definition: TDocumentDefinitions = {
    pageSize: PAGE.size,
    pageMargins: PAGE.margins,
    language: ctx.fmt.locale,
    info: { title, author: doc.seller.legalName, subject: title, creator: 'Tollgate', producer: 'Tollgate', creationDate: issued, modDate: issued },
    defaultStyle: { font: FONT_FAMILY.latin, fontSize: SIZE.body, color: COLOR.text, lineHeight: 1.2 },
    content: [header(ctx, logoSvg), parties(ctx), ...summary(ctx), lineTable(ctx), totals(ctx), ...closingNotes(ctx)],
    footer: footer(ctx),
  };
  if (WATERMARKED_STATUSES.has(status)) {
    const text = statusLabel(doc.status, ctx.labels) ?? status;
    definition.watermark = { text: text.toLocaleUpperCase(ctx.fmt.locale), color: COLOR.faint, opacity: 0.12, bold: true, font: FONT_FAMILY.latin };
  }
  return definition;
}
