/** Document models for the renderer tests: a full invoice, a credit note, a receipt, many lines, many scripts. */
import type { DocumentLine, DocumentModel, Party } from '../../src-main/documents/model';

export const seller: Party = {
  legalName: 'Tollgate Demo SAS',
  address: ['12 rue de la Paix', '75002 Paris'],
  country: 'FR',
  taxId: 'FR12345678901',
  email: 'billing@tollgate.example',
};

export const buyer: Party = {
  legalName: 'Acme Analytics GmbH',
  address: ['Friedrichstraße 100', '10117 Berlin'],
  country: 'DE',
  taxId: 'DE987654321',
  email: 'accounts@acme.example',
};

export function line(overrides: Partial<DocumentLine> = {}): DocumentLine {
  return {
    kind: 'fixed_fee',
    description: 'Pro plan',
    period: 'Nov 1 – Nov 30, 2026',
    quantity: '1',
    unit: null,
    unitPrice: '99.00',
    amount: '9900',
    tiers: [],
    informational: false,
    ...overrides,
  };
}

export function invoice(overrides: Partial<DocumentModel> = {}): DocumentModel {
  return {
    kind: 'invoice',
    number: 'TG-2026-000123',
    issueDate: '2026-12-01',
    dueDate: '2026-12-31',
    supplyPeriod: { start: '2026-11-01', end: '2026-11-30' },
    language: 'en',
    seller,
    buyer,
    currency: { code: 'EUR', scale: 2 },
    lines: [
      line(),
      line({
        kind: 'usage',
        description: 'API requests',
        period: null,
        quantity: '1500000',
        unit: 'requests',
        unitPrice: null,
        amount: '12500',
        tiers: [
          { label: 'First 1,000,000 requests', units: '1000000', unitPrice: '0', flatFee: '0', amount: '0' },
          { label: '1,000,001 and above', units: '500000', unitPrice: '0.0002', flatFee: '2500', amount: '12500' },
        ],
      }),
      line({ kind: 'usage', description: 'LLM tokens consumed', period: null, quantity: '1200000', unit: 'TOKENS', unitPrice: null, amount: '0', informational: true }),
      line({ kind: 'coupon', description: 'Coupon WELCOME10', period: null, quantity: null, unit: null, unitPrice: null, amount: '-990' }),
    ],
    subtotal: '21410',
    discounts: [{ label: 'Volume discount', amount: '-1000' }],
    taxes: [
      { label: 'VAT', rate: '20', base: '18000', amount: '3600' },
      { label: 'VAT', rate: '5.5', base: '2410', amount: '133' },
    ],
    total: '24143',
    creditsApplied: '5000',
    amountDue: '19143',
    paymentTerms: 'Payment due within 30 days by bank transfer to IBAN FR76 3000 6000 0112 3456 7890 189.',
    taxNote: 'Reverse charge: VAT to be accounted for by the recipient (Article 196, Directive 2006/112/EC).',
    notes: ['Thank you for your business.'],
    references: [],
    reason: null,
    status: null,
    ...overrides,
  };
}

/** Names and text in every script the renderer ships a font for, mixed within lines too. */
export function multiScriptInvoice(): DocumentModel {
  return invoice({
    number: 'TG-2026-000777',
    language: 'ja',
    currency: { code: 'JPY', scale: 0 },
    seller: {
      legalName: '株式会社テスト',
      address: ['東京都千代田区丸の内1-1-1', '100-0005'],
      country: 'JP',
      taxId: 'T1234567890123',
      email: 'billing@test.example.jp',
    },
    buyer: {
      legalName: 'شركة المثال',
      address: ['شارع الملك فهد 12', 'الرياض 11564'],
      country: 'SA',
      taxId: '300000000000003',
      email: 'finance@example.sa',
    },
    lines: [
      line({ description: '北京示例有限公司 — consulting (Beijing)', period: null, quantity: '2', unit: '時間', unitPrice: '15000', amount: '30000' }),
      line({ description: '주식회사 예시 support plan', period: null, quantity: '1', unit: null, unitPrice: '12000', amount: '12000' }),
      line({ description: 'Ελληνική Εταιρεία Α.Ε. / ООО «Пример»', period: null, quantity: '1', unit: null, unitPrice: '5000', amount: '5000' }),
      line({ description: 'خدمة السلام الإلكترونية (الخطة 2)', period: null, quantity: '1', unit: null, unitPrice: '3000', amount: '3000' }),
    ],
    subtotal: '50000',
    discounts: [],
    taxes: [{ label: '消費税', rate: '10', base: '50000', amount: '5000' }],
    total: '55000',
    creditsApplied: '0',
    amountDue: '55000',
    paymentTerms: 'お支払い期限：請求日から30日以内',
    taxNote: null,
    notes: ['Arrows → and ≤ come from the CJK font.'],
  });
}

export function creditNote(overrides: Partial<DocumentModel> = {}): DocumentModel {
  return invoice({
    kind: 'credit_note',
    number: 'TG-2026-000123-CN01',
    issueDate: '2026-12-05',
    dueDate: null,
    lines: [line({ kind: 'adjustment', description: 'Pro plan (charged twice)', amount: '9900' })],
    subtotal: '9900',
    discounts: [],
    taxes: [{ label: 'VAT', rate: '20', base: '9900', amount: '1980' }],
    total: '11880',
    creditsApplied: '0',
    amountDue: '0',
    paymentTerms: null,
    taxNote: null,
    notes: ['The credited amount has been added to your Tollgate wallet.'],
    references: [{ label: 'Credit note for invoice', number: 'TG-2026-000123' }],
    reason: 'Duplicated charge',
    ...overrides,
  });
}

export function receipt(overrides: Partial<DocumentModel> = {}): DocumentModel {
  return invoice({
    kind: 'receipt',
    number: 'RC-2026-000045',
    issueDate: '2026-12-02',
    dueDate: null,
    supplyPeriod: null,
    lines: [line({ kind: 'top_up', description: 'Wallet top-up', period: null, quantity: null, unitPrice: null, amount: '50000' })],
    subtotal: '50000',
    discounts: [],
    taxes: [],
    total: '50000',
    creditsApplied: '0',
    amountDue: '0',
    paymentTerms: null,
    taxNote: null,
    notes: ['Paid by card ending 4242 on December 2, 2026.'],
    references: [{ label: 'Payment', number: 'PAY-2026-000981' }],
    reason: null,
    ...overrides,
  });
}

/** An invoice with `count` usage lines (every fifth with a tier breakdown): several pages. */
export function longInvoice(count = 300): DocumentModel {
  const lines: DocumentLine[] = [];
  for (let i = 1; i <= count; i++) {
    const n = String(i).padStart(3, '0');
    lines.push(
      line({
        kind: 'usage',
        description: `Usage line ${n}: inference requests, model m-${n}`,
        period: i % 2 === 0 ? 'Nov 1 – Nov 30, 2026' : null,
        quantity: String(1000 * i),
        unit: 'requests',
        unitPrice: '0.001',
        amount: String(100 * i),
        tiers:
          i % 5 === 0
            ? [
                { label: `Tier 1 of line ${n}`, units: '500', unitPrice: '0.001', flatFee: '0', amount: '50' },
                { label: `Tier 2 of line ${n}`, units: String(1000 * i - 500), unitPrice: '0.001', flatFee: '0', amount: String(100 * i - 50) },
              ]
            : [],
      }),
    );
  }
  // Sum of 100 * i for i = 1..count, in minor units.
  const subtotal = String((100 * count * (count + 1)) / 2);
  return invoice({ lines, subtotal, discounts: [], taxes: [{ label: 'VAT', rate: '20', base: subtotal, amount: String((20 * count * (count + 1)) / 2) }], total: String((120 * count * (count + 1)) / 2), creditsApplied: '0', amountDue: String((120 * count * (count + 1)) / 2) });
}
