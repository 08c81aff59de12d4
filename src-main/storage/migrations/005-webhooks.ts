/**
 * Outgoing webhooks (endpoints and an outbox written in the same transaction as the change that
 * caused each message), alert rules, auto top-up rules, and the per-wallet flags that make alerts
 * fire once per crossing.
 */
export const sql = /* sql */ `
CREATE TABLE webhook_endpoints (
  id              TEXT PRIMARY KEY,
  url             TEXT NOT NULL,
  description     TEXT,
  event_types     TEXT NOT NULL,
  enabled         INTEGER NOT NULL DEFAULT 1,
  secret          TEXT NOT NULL,
  failing_since   INTEGER,
  disabled_reason TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE webhook_outbox (
  id              INTEGER PRIMARY KEY,
  message_id      TEXT NOT NULL,
  endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints(id),
  type            TEXT NOT NULL,
  body            TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_attempt_at INTEGER,
  last_status     INTEGER,
  last_error      TEXT,
  last_latency_ms INTEGER,
  created_at      INTEGER NOT NULL,
  delivered_at    INTEGER,
  UNIQUE (message_id, endpoint_id)
) STRICT;
CREATE INDEX webhook_outbox_due ON webhook_outbox(next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_outbox_endpoint ON webhook_outbox(endpoint_id, id);

CREATE TABLE alert_rules (
  id          TEXT PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  asset       TEXT,
  metric      TEXT,
  kind        TEXT NOT NULL CHECK (kind IN ('balance', 'usage')),
  field       TEXT NOT NULL,
  threshold   TEXT NOT NULL,
  name        TEXT,
  fired       INTEGER NOT NULL DEFAULT 0,
  enabled     INTEGER NOT NULL DEFAULT 1,
  last_fired_at INTEGER,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX alert_rules_customer ON alert_rules(customer_id);

CREATE TABLE alert_events (
  id          INTEGER PRIMARY KEY,
  rule_id     TEXT,
  customer_id INTEGER NOT NULL,
  type        TEXT NOT NULL,
  asset       TEXT,
  value       TEXT NOT NULL,
  threshold   TEXT,
  message     TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX alert_events_time ON alert_events(created_at);

CREATE TABLE auto_top_up_rules (
  id               TEXT PRIMARY KEY,
  customer_id      INTEGER NOT NULL REFERENCES customers(id),
  asset            TEXT NOT NULL REFERENCES assets(code),
  watch            TEXT NOT NULL CHECK (watch IN ('available', 'posted')),
  threshold        INTEGER NOT NULL,
  mode             TEXT NOT NULL CHECK (mode IN ('fixed', 'target')),
  amount           INTEGER NOT NULL,
  cooldown_seconds INTEGER NOT NULL,
  daily_cap        INTEGER,
  payment_ttl_seconds INTEGER NOT NULL,
  enabled          INTEGER NOT NULL DEFAULT 1,
  pending_top_up   TEXT,
  last_requested_at INTEGER,
  created_at       INTEGER NOT NULL,
  UNIQUE (customer_id, asset)
) STRICT;

CREATE TABLE wallet_flags (
  customer_id INTEGER NOT NULL,
  asset       TEXT NOT NULL,
  depleted    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (customer_id, asset)
) STRICT;

ALTER TABLE invoices ADD COLUMN overdue_notified_at INTEGER;
ALTER TABLE top_ups ADD COLUMN auto_rule_id TEXT;
`;
