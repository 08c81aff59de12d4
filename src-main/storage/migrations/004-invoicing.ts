/**
 * Invoicing: what a customer needs for a legal invoice, invoices (statements of a period's
 * transfers), payments, credit notes and top-up receipts. A finalized document keeps the PDF it was
 * issued with and its SHA-256, so later changes to company details never alter it.
 */
export const sql = /* sql */ `
ALTER TABLE customers ADD COLUMN legal_name TEXT;
ALTER TABLE customers ADD COLUMN address TEXT NOT NULL DEFAULT '[]';
ALTER TABLE customers ADD COLUMN country TEXT;
ALTER TABLE customers ADD COLUMN tax_id TEXT;
ALTER TABLE customers ADD COLUMN currency TEXT;
ALTER TABLE customers ADD COLUMN language TEXT;
ALTER TABLE customers ADD COLUMN invoice_emails TEXT NOT NULL DEFAULT '[]';
ALTER TABLE customers ADD COLUMN tax_rate TEXT;
ALTER TABLE customers ADD COLUMN tax_treatment TEXT NOT NULL DEFAULT 'standard' CHECK (tax_treatment IN ('standard', 'exempt', 'reverse_charge'));
ALTER TABLE customers ADD COLUMN tax_note TEXT;
ALTER TABLE customers ADD COLUMN payment_terms_days INTEGER;

CREATE TABLE invoices (
  id              TEXT PRIMARY KEY,
  number          TEXT UNIQUE,
  customer_id     INTEGER NOT NULL REFERENCES customers(id),
  subscription_id TEXT REFERENCES subscriptions(id),
  period_start    INTEGER,
  period_end      INTEGER,
  currency        TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('draft', 'finalized', 'void')),
  subtotal        INTEGER NOT NULL DEFAULT 0,
  discounts       INTEGER NOT NULL DEFAULT 0,
  tax             INTEGER NOT NULL DEFAULT 0,
  total           INTEGER NOT NULL DEFAULT 0,
  credits_applied INTEGER NOT NULL DEFAULT 0,
  amount_due      INTEGER NOT NULL DEFAULT 0,
  amount_paid     INTEGER NOT NULL DEFAULT 0,
  credited        INTEGER NOT NULL DEFAULT 0,
  document        TEXT,
  pdf             BLOB,
  pdf_sha256      TEXT,
  issue_date      TEXT,
  due_at          INTEGER,
  grace_until     INTEGER,
  finalized_at    INTEGER,
  voided_at       INTEGER,
  void_reason     TEXT,
  replaces_id     TEXT REFERENCES invoices(id),
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX invoices_period ON invoices(subscription_id, period_start) WHERE status <> 'void' AND replaces_id IS NULL;
CREATE INDEX invoices_customer ON invoices(customer_id, created_at);
CREATE INDEX invoices_status ON invoices(status, grace_until);

CREATE TABLE invoice_payments (
  id          TEXT PRIMARY KEY,
  invoice_id  TEXT NOT NULL REFERENCES invoices(id),
  amount      INTEGER NOT NULL CHECK (amount > 0),
  paid_at     INTEGER NOT NULL,
  method      TEXT NOT NULL,
  reference   TEXT,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX invoice_payments_invoice ON invoice_payments(invoice_id);

CREATE TABLE credit_notes (
  id          TEXT PRIMARY KEY,
  number      TEXT NOT NULL UNIQUE,
  invoice_id  TEXT NOT NULL REFERENCES invoices(id),
  reason      TEXT NOT NULL,
  settlement  TEXT NOT NULL CHECK (settlement IN ('credit', 'refund')),
  lines       TEXT NOT NULL,
  subtotal    INTEGER NOT NULL,
  tax         INTEGER NOT NULL,
  total       INTEGER NOT NULL,
  to_receivable INTEGER NOT NULL DEFAULT 0,
  document    TEXT NOT NULL,
  pdf         BLOB,
  pdf_sha256  TEXT,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX credit_notes_invoice ON credit_notes(invoice_id);

CREATE TABLE receipts (
  id          TEXT PRIMARY KEY,
  number      TEXT NOT NULL UNIQUE,
  top_up_id   TEXT NOT NULL UNIQUE REFERENCES top_ups(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  currency    TEXT NOT NULL,
  net         INTEGER NOT NULL,
  tax         INTEGER NOT NULL,
  total       INTEGER NOT NULL,
  document    TEXT NOT NULL,
  pdf         BLOB,
  pdf_sha256  TEXT,
  created_at  INTEGER NOT NULL
) STRICT;
`;
