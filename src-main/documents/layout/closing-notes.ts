/** After the totals: payment terms, the tax note (exemption, reverse charge) and free notes. */
import type { Content } from 'pdfmake/interfaces';
import type { LayoutContext } from './context';
import { sectionHeading } from './parties';
import { COLOR } from './theme';

export function closingNotes(ctx: LayoutContext): Content[] {
  const { doc, labels, t } = ctx;
  const sections: [string, string[]][] = [];
  if (doc.paymentTerms) sections.push([labels.paymentTerms, [doc.paymentTerms]]);
  if (doc.taxNote) sections.push([labels.taxInformation, [doc.taxNote]]);
  const notes = doc.notes.filter((note) => note.trim() !== '');
  if (notes.length > 0) sections.push([labels.notes, notes]);
  return sections.map(([heading, paragraphs], i) => ({
    stack: [sectionHeading(ctx, heading), ...paragraphs.map((p): Content => ({ text: t(p), color: COLOR.text, margin: [0, 0, 0, 3] }))],
    lineHeight: 1.25,
    unbreakable: true,
    margin: [0, i === 0 ? 20 : 10, 0, 0],
  }));
}
