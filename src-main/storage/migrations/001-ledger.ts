/**
 * The ledger core. Amounts are INTEGER minor units of the row's asset (see `assets.scale`);
 * prices and quantities are decimal TEXT. Instants are INTEGER milliseconds since the Unix epoch.
 *
 * `transfers` is append-only: nothing updates or deletes a row there, and the running totals on
 * `accounts`, `lots` and `authorizations` are caches of it that `GET /v1/ledger/verify` recomputes.
 */
export const sql = /* sql */ `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE api_keys (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  secret_sha256 BLOB NOT NULL,
  scopes        TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  revoked_at    INTEGER,
  last_used_at  INTEGER
) STRICT;

CREATE TABLE assets (
  code       TEXT PRIMARY KEY,
  scale      INTEGER NOT NULL CHECK (scale BETWEEN 0 AND 18),
  kind       TEXT NOT NULL CHECK (kind IN ('fiat', 'custom')),
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE asset_rates (
  asset          TEXT NOT NULL REFERENCES assets(code),
  currency       TEXT NOT NULL REFERENCES assets(code),
  rate           TEXT NOT NULL,
  effective_from INTEGER NOT NULL,
  created_at     INTEGER NOT NULL,
  PRIMARY KEY (asset, currency, effective_from)
) STRICT;

CREATE TABLE customers (
  id                    INTEGER PRIMARY KEY,
  external_id           TEXT NOT NULL UNIQUE,
  name                  TEXT,
  email                 TEXT,
  metadata              TEXT NOT NULL DEFAULT '{}',
  on_insufficient_funds TEXT NOT NULL DEFAULT 'record_as_debt' CHECK (on_insufficient_funds IN ('record_as_debt', 'refuse')),
  billing_timezone      TEXT,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL
) STRICT;

-- One row per (customer, asset, type) for customers' wallets and receivables, and one per
-- (asset, type) for system accounts (customer_id NULL).
CREATE TABLE accounts (
  id              INTEGER PRIMARY KEY,
  customer_id     INTEGER REFERENCES customers(id),
  asset           TEXT NOT NULL REFERENCES assets(code),
  type            TEXT NOT NULL CHECK (type IN ('wallet', 'receivable', 'revenue', 'funding', 'grants', 'breakage', 'adjustments', 'tax', 'refunds')),
  debits_posted   INTEGER NOT NULL DEFAULT 0,
  credits_posted  INTEGER NOT NULL DEFAULT 0,
  debits_pending  INTEGER NOT NULL DEFAULT 0,
  credits_pending INTEGER NOT NULL DEFAULT 0,
  overdraft_limit INTEGER NOT NULL DEFAULT 0 CHECK (overdraft_limit >= 0),
  created_at      INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX accounts_customer ON accounts(customer_id, asset, type) WHERE customer_id IS NOT NULL;
CREATE UNIQUE INDEX accounts_system ON accounts(asset, type) WHERE customer_id IS NULL;

-- Credit lots: every credit into a wallet is a lot; debits draw on lots in consumption order.
CREATE TABLE lots (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES accounts(id),
  kind        TEXT NOT NULL CHECK (kind IN ('paid', 'granted')),
  source      TEXT NOT NULL,
  source_id   TEXT,
  amount      INTEGER NOT NULL CHECK (amount > 0),
  remaining   INTEGER NOT NULL,
  reserved    INTEGER NOT NULL DEFAULT 0,
  priority    INTEGER NOT NULL DEFAULT 50,
  expires_at  INTEGER,
  expired     INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX lots_account ON lots(account_id) WHERE expired = 0;
CREATE INDEX lots_expiry ON lots(expires_at) WHERE expired = 0 AND expires_at IS NOT NULL;

-- Consumption stacks per wallet. 'usage': where each usage debit was drawn from (a lot, or debt
-- when lot_id is NULL), merged while the source stays the same; money given back pops it, last in
-- first out. 'repayment': the lots that repaid debt, popped when given-back money finds the debt
-- it came from already repaid.
CREATE TABLE consumption_stack (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES accounts(id),
  stack       TEXT NOT NULL CHECK (stack IN ('usage', 'repayment')),
  lot_id      INTEGER REFERENCES lots(id),
  amount      INTEGER NOT NULL CHECK (amount >= 0)
) STRICT;
CREATE INDEX consumption_stack_account ON consumption_stack(account_id, stack, id);

CREATE TABLE top_ups (
  id                 TEXT PRIMARY KEY,
  customer_id        INTEGER NOT NULL REFERENCES customers(id),
  asset              TEXT NOT NULL REFERENCES assets(code),
  amount             INTEGER NOT NULL CHECK (amount > 0),
  kind               TEXT NOT NULL CHECK (kind IN ('paid', 'granted')),
  status             TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'expired', 'refunded')),
  priority           INTEGER NOT NULL DEFAULT 50,
  expires_at         INTEGER,
  payment_expires_at INTEGER,
  lot_id             INTEGER REFERENCES lots(id),
  refunded_amount    INTEGER NOT NULL DEFAULT 0,
  chargeback         INTEGER NOT NULL DEFAULT 0,
  reference          TEXT,
  metadata           TEXT NOT NULL DEFAULT '{}',
  price_currency     TEXT,
  price_amount       INTEGER,
  rate               TEXT,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
) STRICT;
CREATE INDEX top_ups_customer ON top_ups(customer_id, created_at);
CREATE INDEX top_ups_pending ON top_ups(payment_expires_at) WHERE status = 'pending';

CREATE TABLE adjustments (
  id          TEXT PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  asset       TEXT NOT NULL REFERENCES assets(code),
  amount      INTEGER NOT NULL CHECK (amount <> 0),
  reason      TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE spend_caps (
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  asset       TEXT NOT NULL REFERENCES assets(code),
  cap_window  TEXT NOT NULL CHECK (cap_window IN ('day', 'month')),
  amount      INTEGER NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (customer_id, asset, cap_window)
) STRICT;

-- What a customer spent in the current window of each cap (a cache of transfers, reset per window).
CREATE TABLE spend_counters (
  customer_id  INTEGER NOT NULL REFERENCES customers(id),
  asset        TEXT NOT NULL REFERENCES assets(code),
  cap_window   TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  spent        INTEGER NOT NULL,
  PRIMARY KEY (customer_id, asset, cap_window)
) STRICT;

CREATE TABLE metrics (
  id           INTEGER PRIMARY KEY,
  code         TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  description  TEXT,
  event_type   TEXT NOT NULL,
  aggregation  TEXT NOT NULL,
  property     TEXT,
  recurring    INTEGER NOT NULL DEFAULT 0,
  rounding     TEXT,
  filters      TEXT NOT NULL DEFAULT '[]',
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX metrics_event_type ON metrics(event_type);

-- Plans are versioned: a change to a plan with subscribers writes a new version row.
CREATE TABLE plans (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  name        TEXT NOT NULL,
  description TEXT,
  interval    TEXT NOT NULL,
  definition  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (code, version)
) STRICT;

CREATE TABLE plan_charges (
  id          INTEGER PRIMARY KEY,
  plan_id     INTEGER NOT NULL REFERENCES plans(id),
  position    INTEGER NOT NULL,
  metric_id   INTEGER NOT NULL REFERENCES metrics(id),
  asset       TEXT NOT NULL REFERENCES assets(code),
  model       TEXT NOT NULL,
  definition  TEXT NOT NULL
) STRICT;
CREATE INDEX plan_charges_plan ON plan_charges(plan_id);

CREATE TABLE subscriptions (
  id            TEXT PRIMARY KEY,
  external_id   TEXT UNIQUE,
  customer_id   INTEGER NOT NULL REFERENCES customers(id),
  plan_id       INTEGER NOT NULL REFERENCES plans(id),
  status        TEXT NOT NULL CHECK (status IN ('pending', 'active', 'terminated')),
  billing_time  TEXT NOT NULL DEFAULT 'calendar',
  started_at    INTEGER NOT NULL,
  ending_at     INTEGER,
  terminated_at INTEGER,
  definition    TEXT NOT NULL DEFAULT '{}',
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX subscriptions_customer ON subscriptions(customer_id, status);

-- Billing periods, computed once when they open and stored (never recomputed from a zone).
CREATE TABLE periods (
  id              INTEGER PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES subscriptions(id),
  plan_id         INTEGER NOT NULL REFERENCES plans(id),
  idx             INTEGER NOT NULL,
  start_at        INTEGER NOT NULL,
  end_at          INTEGER NOT NULL,
  status          TEXT NOT NULL DEFAULT 'open'
) STRICT;

-- Per period and charge: the usage state and what has been posted for it so far.
CREATE TABLE charge_usage (
  period_id     INTEGER NOT NULL REFERENCES periods(id),
  charge_id     INTEGER NOT NULL REFERENCES plan_charges(id),
  state         TEXT NOT NULL,
  billed        INTEGER NOT NULL DEFAULT 0,
  held_units    TEXT NOT NULL DEFAULT '0',
  PRIMARY KEY (period_id, charge_id)
) STRICT;

CREATE TABLE events (
  id               INTEGER PRIMARY KEY,
  customer_id      INTEGER NOT NULL REFERENCES customers(id),
  transaction_id   TEXT NOT NULL,
  code             TEXT NOT NULL,
  timestamp        INTEGER NOT NULL,
  received_at      INTEGER NOT NULL,
  properties       TEXT NOT NULL,
  authorization_id TEXT,
  cost             TEXT,
  precise_amount   TEXT,
  period_id        INTEGER,
  result           TEXT NOT NULL,
  reversed_at      INTEGER,
  reversal_reason  TEXT,
  UNIQUE (customer_id, transaction_id)
) STRICT;

-- Refused events have no ledger effect; they are kept as counts per customer, reason and minute,
-- plus a bounded set of sample bodies.
CREATE TABLE refusal_counts (
  customer_id INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  minute      INTEGER NOT NULL,
  count       INTEGER NOT NULL,
  PRIMARY KEY (customer_id, reason, minute)
) STRICT;
CREATE TABLE refusal_samples (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER,
  reason      TEXT NOT NULL,
  at          INTEGER NOT NULL,
  body        TEXT NOT NULL,
  message     TEXT NOT NULL
) STRICT;
CREATE INDEX refusal_samples_reason ON refusal_samples(reason, id);

CREATE TABLE authorizations (
  id               TEXT PRIMARY KEY,
  customer_id      INTEGER NOT NULL REFERENCES customers(id),
  asset            TEXT NOT NULL REFERENCES assets(code),
  amount           INTEGER NOT NULL,
  held             INTEGER NOT NULL,
  captured         INTEGER NOT NULL DEFAULT 0,
  status           TEXT NOT NULL CHECK (status IN ('pending', 'captured', 'voided', 'expired')),
  expires_at       INTEGER NOT NULL,
  metric_id        INTEGER,
  charge_id        INTEGER,
  period_id        INTEGER,
  quantity         TEXT,
  held_units       TEXT,
  reservations     TEXT NOT NULL DEFAULT '[]',
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  closed_at        INTEGER
) STRICT;
CREATE INDEX authorizations_pending ON authorizations(expires_at) WHERE status = 'pending';
CREATE INDEX authorizations_customer ON authorizations(customer_id, status);

-- Every balance change. phase 0 = posted, 1 = pending (a hold), 2 = release of a pending amount.
-- limit_floor is set on the last row of each new-consumption operation: the lowest available the
-- engine allowed (minus the overdraft limit) when it committed, so verify can prove it held.
CREATE TABLE transfers (
  id                INTEGER PRIMARY KEY,
  created_at        INTEGER NOT NULL,
  effective_at      INTEGER NOT NULL,
  debit_account_id  INTEGER NOT NULL REFERENCES accounts(id),
  credit_account_id INTEGER NOT NULL REFERENCES accounts(id),
  amount            INTEGER NOT NULL CHECK (amount > 0),
  phase             INTEGER NOT NULL DEFAULT 0 CHECK (phase IN (0, 1, 2)),
  kind              TEXT NOT NULL,
  lot_id            INTEGER,
  authorization_id  TEXT,
  event_id          INTEGER,
  charge_id         INTEGER,
  period_id         INTEGER,
  ref               TEXT,
  rate              TEXT,
  limit_floor       INTEGER
) STRICT;
CREATE INDEX transfers_debit ON transfers(debit_account_id, id);
CREATE INDEX transfers_credit ON transfers(credit_account_id, id);
CREATE INDEX transfers_event ON transfers(event_id) WHERE event_id IS NOT NULL;

CREATE TABLE idempotency (
  scope        TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash BLOB NOT NULL,
  status       INTEGER NOT NULL,
  response     TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) STRICT;
`;
