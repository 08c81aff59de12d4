/**
 * Billing periods with a lifecycle (open -> closed -> finalized), segments for plan changes,
 * scheduled plan changes and terminations, entitlements, coupons, unique-count values, and the
 * customer's billing mode.
 */
export const sql = /* sql */ `
ALTER TABLE customers ADD COLUMN billing_mode TEXT NOT NULL DEFAULT 'prepaid' CHECK (billing_mode IN ('prepaid', 'postpaid'));

-- A period row is a segment of a billing period under one plan version: [start_at, end_at).
-- A plan change mid-period ends one segment and starts another in the same period.
ALTER TABLE periods ADD COLUMN period_start INTEGER;
ALTER TABLE periods ADD COLUMN period_end INTEGER;
ALTER TABLE periods ADD COLUMN full_start INTEGER;
ALTER TABLE periods ADD COLUMN opened_at INTEGER;
ALTER TABLE periods ADD COLUMN closed_at INTEGER;
ALTER TABLE periods ADD COLUMN finalized_at INTEGER;
ALTER TABLE periods ADD COLUMN grace_until INTEGER;
ALTER TABLE periods ADD COLUMN end_reason TEXT;
CREATE INDEX periods_due ON periods(end_at) WHERE closed_at IS NULL;
CREATE INDEX periods_subscription ON periods(subscription_id, start_at);

ALTER TABLE subscriptions ADD COLUMN next_plan_id INTEGER REFERENCES plans(id);
ALTER TABLE subscriptions ADD COLUMN terminate_at INTEGER;
ALTER TABLE subscriptions ADD COLUMN carry_usage INTEGER NOT NULL DEFAULT 1;
ALTER TABLE subscriptions ADD COLUMN overrides TEXT NOT NULL DEFAULT '{}';
ALTER TABLE subscriptions ADD COLUMN previous_id TEXT;

-- The price of the current usage (rounded), and the part of it carried in from a previous segment.
ALTER TABLE charge_usage ADD COLUMN priced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE charge_usage ADD COLUMN baseline INTEGER NOT NULL DEFAULT 0;

CREATE TABLE unique_values (
  period_id INTEGER NOT NULL,
  charge_id INTEGER NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (period_id, charge_id, value)
) STRICT, WITHOUT ROWID;

CREATE TABLE coupons (
  code        TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('fixed', 'percentage')),
  asset       TEXT REFERENCES assets(code),
  amount      INTEGER,
  percentage  TEXT,
  frequency   TEXT NOT NULL CHECK (frequency IN ('once', 'recurring', 'forever')),
  periods     INTEGER,
  plans       TEXT NOT NULL DEFAULT '[]',
  metrics     TEXT NOT NULL DEFAULT '[]',
  expires_at  INTEGER,
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE applied_coupons (
  id               TEXT PRIMARY KEY,
  customer_id      INTEGER NOT NULL REFERENCES customers(id),
  coupon_code      TEXT NOT NULL REFERENCES coupons(code),
  periods_left     INTEGER,
  amount_left      INTEGER,
  status           TEXT NOT NULL CHECK (status IN ('active', 'used', 'removed')),
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX applied_coupons_customer ON applied_coupons(customer_id, status);

-- What each coupon took off what (the invoice prints it).
CREATE TABLE coupon_uses (
  id                INTEGER PRIMARY KEY,
  applied_coupon_id TEXT NOT NULL REFERENCES applied_coupons(id),
  period_id         INTEGER NOT NULL REFERENCES periods(id),
  target            TEXT NOT NULL,
  amount            INTEGER NOT NULL,
  created_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX coupon_uses_period ON coupon_uses(period_id);
`;
