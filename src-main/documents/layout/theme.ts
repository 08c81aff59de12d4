/** Colours, sizes and spacing shared by the layout modules: one place to restyle the documents. */
export const COLOR = {
  text: '#111827',
  muted: '#6B7280',
  faint: '#9CA3AF',
  rule: '#E5E7EB',
  ruleStrong: '#111827',
  band: '#F5F6FA',
  brand: '#4338CA',
  badgeFill: '#FEF3C7',
  badgeText: '#92400E',
} as const;

export const SIZE = {
  body: 9,
  small: 8,
  tiny: 7.5,
  label: 7.5,
  title: 20,
  amountDue: 12,
} as const;

/** A4 in points, with room at the bottom for the footer. */
export const PAGE = {
  size: 'A4',
  margins: [48, 44, 48, 54] as [number, number, number, number],
  contentWidth: 595.28 - 48 * 2,
} as const;

export const LOGO_WIDTH = 132;
