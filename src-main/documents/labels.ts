/**
 * The fixed words printed on a document, per language. A language without a table (or a regional
 * variant such as "fr-CA" without its own) uses its base language, then English.
 */
import type { InvoiceLanguage } from '../../shared/contract/ledger';
import type { DocumentModel } from './model';

export interface Labels {
  title: Record<DocumentModel['kind'], string>;
  from: string;
  billTo: string;
  customer: string;
  taxId: string;
  issueDate: string;
  dueDate: string;
  supplyPeriod: string;
  status: string;
  reason: string;
  description: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  subtotal: string;
  /** The totals row of an invoice's coupons (they are also listed among the lines). */
  discounts: string;
  total: string;
  totalCredited: string;
  totalPaid: string;
  creditsApplied: string;
  amountDue: string;
  paymentTerms: string;
  taxInformation: string;
  notes: string;
  informational: string;
  flatFee: string;
  /** "VAT 20% on $1,000.00": the word between rate and base. */
  taxOn: string;
  page: (page: number, pages: number) => string;
  statuses: Record<string, string>;
}

const en: Labels = {
  title: { invoice: 'Invoice', credit_note: 'Credit note', receipt: 'Receipt' },
  from: 'From',
  billTo: 'Bill to',
  customer: 'Customer',
  taxId: 'Tax ID',
  issueDate: 'Issue date',
  dueDate: 'Due date',
  supplyPeriod: 'Service period',
  status: 'Status',
  reason: 'Reason',
  description: 'Description',
  quantity: 'Qty',
  unitPrice: 'Unit price',
  amount: 'Amount',
  subtotal: 'Subtotal',
  discounts: 'Discounts',
  total: 'Total',
  totalCredited: 'Total credited',
  totalPaid: 'Total paid',
  creditsApplied: 'Credits applied',
  amountDue: 'Amount due',
  paymentTerms: 'Payment terms',
  taxInformation: 'Tax information',
  notes: 'Notes',
  informational: 'For information only, not billed',
  flatFee: 'flat fee',
  taxOn: 'on',
  page: (page, pages) => `Page ${page} of ${pages}`,
  statuses: { draft: 'Draft', void: 'Void', voided: 'Void', paid: 'Paid', overdue: 'Overdue', uncollectible: 'Uncollectible', pending: 'Pending' },
};

const fr: Labels = {
  title: { invoice: 'Facture', credit_note: 'Avoir', receipt: 'Reçu' },
  from: 'Émetteur',
  billTo: 'Facturé à',
  customer: 'Client',
  taxId: 'N° fiscal',
  issueDate: "Date d'émission",
  dueDate: "Date d'échéance",
  supplyPeriod: 'Période de prestation',
  status: 'Statut',
  reason: 'Motif',
  description: 'Description',
  quantity: 'Qté',
  unitPrice: 'Prix unitaire',
  amount: 'Montant',
  subtotal: 'Sous-total',
  discounts: 'Remises',
  total: 'Total',
  totalCredited: "Total de l'avoir",
  totalPaid: 'Total payé',
  creditsApplied: 'Crédits appliqués',
  amountDue: 'Montant dû',
  paymentTerms: 'Conditions de paiement',
  taxInformation: 'Mention fiscale',
  notes: 'Notes',
  informational: 'À titre informatif, non facturé',
  flatFee: 'forfait',
  taxOn: 'sur',
  page: (page, pages) => `Page ${page} sur ${pages}`,
  statuses: { draft: 'Brouillon', void: 'Annulée', voided: 'Annulée', paid: 'Payée', overdue: 'En retard', uncollectible: 'Irrécouvrable', pending: 'En attente' },
};

const de: Labels = {
  title: { invoice: 'Rechnung', credit_note: 'Gutschrift', receipt: 'Quittung' },
  from: 'Von',
  billTo: 'Rechnungsempfänger',
  customer: 'Kunde',
  taxId: 'Steuer-ID',
  issueDate: 'Ausstellungsdatum',
  dueDate: 'Fälligkeitsdatum',
  supplyPeriod: 'Leistungszeitraum',
  status: 'Status',
  reason: 'Grund',
  description: 'Beschreibung',
  quantity: 'Menge',
  unitPrice: 'Einzelpreis',
  amount: 'Betrag',
  subtotal: 'Zwischensumme',
  discounts: 'Rabatte',
  total: 'Gesamtbetrag',
  totalCredited: 'Gutschriftsbetrag',
  totalPaid: 'Bezahlter Betrag',
  creditsApplied: 'Angerechnetes Guthaben',
  amountDue: 'Fälliger Betrag',
  paymentTerms: 'Zahlungsbedingungen',
  taxInformation: 'Steuerhinweis',
  notes: 'Hinweise',
  informational: 'Nur zur Information, nicht berechnet',
  flatFee: 'Pauschale',
  taxOn: 'auf',
  page: (page, pages) => `Seite ${page} von ${pages}`,
  statuses: { draft: 'Entwurf', void: 'Storniert', voided: 'Storniert', paid: 'Bezahlt', overdue: 'Überfällig', uncollectible: 'Uneinbringlich', pending: 'Ausstehend' },
};

/** One table per language of the customer contract (shared/contract/ledger.ts), which refuses any other. */
const TABLES: Record<InvoiceLanguage, Labels> & Record<string, Labels | undefined> = { en, fr, de };

export function labelsFor(language: string): Labels {
  const tag = language.trim().toLowerCase().replace('_', '-');
  return TABLES[tag] ?? TABLES[tag.split('-')[0] ?? ''] ?? en;
}

/** Statuses that mean "this is the document as issued": nothing is printed for them. */
const FINAL_STATUSES = new Set(['final', 'finalized', 'finalised', 'issued', 'open']);

/** The status to print, or null when the document is final. Unknown statuses print as given. */
export function statusLabel(status: string | null, labels: Labels): string | null {
  if (status === null || status.trim() === '') return null;
  const key = status.trim().toLowerCase();
  if (FINAL_STATUSES.has(key)) return null;
  return labels.statuses[key] ?? status;
}
