/** Every page: the document number and seller on the left, "Page x of y" on the right. */
import type { Content } from 'pdfmake/interfaces';
import type { LayoutContext } from './context';
import { COLOR, PAGE, SIZE } from './theme';

export function footer(ctx: LayoutContext): (currentPage: number, pageCount: number) => Content {
  const { doc, labels, t } = ctx;
  const style = { fontSize: SIZE.tiny, color: COLOR.muted };
  const left = t(`${doc.number} · ${truncate(doc.seller.legalName, 60)}`, style);
  return (currentPage, pageCount) => ({
    columns: [
      { width: '*', text: left },
      { width: 'auto', text: t(labels.page(currentPage, pageCount), style), alignment: 'right' },
    ],
    margin: [PAGE.margins[0], 20, PAGE.margins[2], 0],
  });
}

/** The footer has one line: a very long legal name is cut (it is printed in full in the header). */
function truncate(text: string, maxChars: number): string {
  const chars = [...text];
  return chars.length <= maxChars ? text : `${chars.slice(0, maxChars - 1).join('').trimEnd()}…`;
}
