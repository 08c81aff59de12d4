/**
 * Running statistics for the console's overview, kept as the ledger is written (one upsert per
 * minute and asset per batch) so the overview never scans the transfer table. And an index for
 * the transfer kinds that are rare (everything but usage and holds), for reports on them.
 */
export const sql = /* sql */ `
CREATE TABLE stats_minutes (
  minute  INTEGER NOT NULL,
  asset   TEXT NOT NULL,
  events  INTEGER NOT NULL DEFAULT 0,
  refused INTEGER NOT NULL DEFAULT 0,
  spend   INTEGER NOT NULL DEFAULT 0,
  cost    TEXT NOT NULL DEFAULT '0',
  PRIMARY KEY (minute, asset)
) STRICT, WITHOUT ROWID;

CREATE TABLE stats_revenue (
  month   TEXT NOT NULL,
  plan_id INTEGER NOT NULL,
  asset   TEXT NOT NULL,
  amount  INTEGER NOT NULL,
  PRIMARY KEY (month, plan_id, asset)
) STRICT, WITHOUT ROWID;

CREATE INDEX transfers_rare_kinds ON transfers(kind, id) WHERE kind NOT IN ('usage', 'hold');
`;
