/**
 * Running Tollgate for real: the audit log, richer API keys (roles, caps, expiry for rotation,
 * rate limits), customer status and erasure.
 */
export const sql = /* sql */ `
CREATE TABLE audit_log (
  id             INTEGER PRIMARY KEY,
  at             INTEGER NOT NULL,
  actor_kind     TEXT NOT NULL CHECK (actor_kind IN ('key', 'os_user', 'system')),
  actor_id       TEXT,
  actor_name     TEXT,
  door           TEXT NOT NULL,
  remote_address TEXT,
  request_id     TEXT,
  action         TEXT NOT NULL,
  target         TEXT,
  customer_id    INTEGER,
  before         TEXT,
  after          TEXT,
  reason         TEXT
) STRICT;
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_customer ON audit_log(customer_id) WHERE customer_id IS NOT NULL;

ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
ALTER TABLE api_keys ADD COLUMN support_caps TEXT NOT NULL DEFAULT '{}';
ALTER TABLE api_keys ADD COLUMN rate_per_second INTEGER;
ALTER TABLE api_keys ADD COLUMN rate_burst INTEGER;
ALTER TABLE api_keys ADD COLUMN replaced_by TEXT;

ALTER TABLE customers ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived', 'closed'));
ALTER TABLE customers ADD COLUMN erased_at INTEGER;
ALTER TABLE customers ADD COLUMN closed_at INTEGER;

-- An erased customer's finalized documents keep their details until then (legal retention).
ALTER TABLE invoices ADD COLUMN erase_after INTEGER;
ALTER TABLE credit_notes ADD COLUMN erase_after INTEGER;
ALTER TABLE receipts ADD COLUMN erase_after INTEGER;
CREATE INDEX invoices_erase_after ON invoices(erase_after) WHERE erase_after IS NOT NULL;
`;
