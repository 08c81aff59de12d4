/**
 * What every layout module needs about the document being rendered: the model, its labels, its
 * formatter, and `t()` which turns any printed string into per-script font runs.
 */
import type { DocumentModel } from '../model';
import { formatterFor, type Formatter } from '../format';
import { labelsFor, type Labels } from '../labels';
import { richText, type InlineStyle, type InlineText } from '../rich-text';

export interface LayoutContext {
  doc: DocumentModel;
  labels: Labels;
  fmt: Formatter;
  /** Text in the right font for each script it contains. */
  t: (text: string, style?: InlineStyle) => InlineText[];
}

export function layoutContext(doc: DocumentModel): LayoutContext {
  return {
    doc,
    labels: labelsFor(doc.language),
    fmt: formatterFor(doc),
    t: (text, style) => richText(text, doc.language, style),
  };
}

/** Amounts and similar values are compared as integer strings, never as Numbers. */
export function isZeroAmount(minor: string): boolean {
  return /^-?0+$/.test(minor.trim());
}
