import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { it } from 'vitest';
import { pdfPrinter } from '../../../src-main/documents/pdf-printer';
import { richText } from '../../../src-main/documents/rich-text';
import { fontsDir, defaultResourcesDir } from '../../../src-main/documents/resources';
import { storeRtlLigaturesInVisualOrder } from '../../../src-main/documents/rtl-ligature-text';
import { RTL_FAMILIES, FONT_FAMILY } from '../../../src-main/documents/fonts';
const S = ['الشركة ABC المحدودة', 'Buyer: شركة المثال Ltd (Riyadh)', 'رقم ١٢٣٤ فقط', 'شركة المثال ٢٠٢٦', 'شركة المثال', 'السلام عليكم', 'لا إله', 'الإلكترونية', 'مُحَمَّد', 'شارع الملك فهد 12', 'رقم ١٢٣٤ فقط', 'خدمة (الخطة 2)', 'Buyer: شركة المثال Ltd', 'الشركة ABC المحدودة', 'سعر 1,200.50 ريال', 'شركة المثال للتجارة العامة والمقاولات المحدودة'];
it('arabic', async () => {
  const def = { content: S.map((s) => ({ text: richText(s, 'en'), fontSize: 16, margin: [0, 0, 0, 6] })), defaultStyle: { font: FONT_FAMILY.latin } };
  const pdf: any = await pdfPrinter(fontsDir(defaultResourcesDir())).createPdf(def as any).getStream();
  storeRtlLigaturesInVisualOrder(pdf, RTL_FAMILIES);
  const buf: Buffer = await new Promise((res) => { const c: Buffer[] = []; pdf.on('data', (d: Buffer) => c.push(d)); pdf.on('end', () => res(Buffer.concat(c))); pdf.end(); });
  writeFileSync('/tmp/exp/ar.pdf', buf);
  const text = execFileSync('pdftotext', ['-layout', '/tmp/exp/ar.pdf', '-'], { encoding: 'utf8' }).replace(/[\u202a-\u202e]/g, '');
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  S.forEach((s, i) => console.log(lines[i] === s ? 'OK  ' : 'DIFF', JSON.stringify(s), JSON.stringify(lines[i])));
});
