/**
 * Indexes for lookups that scanned a whole table. The worst: loading a wallet read its live lots
 * with `expired = 0 OR reserved > 0`, which the partial index `lots_account` (expired = 0 only)
 * cannot serve, so every cold wallet (each one after a restart) scanned every lot ever written.
 * The others serve per-customer reads (adjustments on the customer page, receipts and refusal
 * samples on erasure).
 */
export const sql = /* sql */ `
DROP INDEX lots_account;
CREATE INDEX lots_by_account ON lots(account_id, id);
CREATE INDEX adjustments_customer ON adjustments(customer_id, created_at);
CREATE INDEX receipts_customer ON receipts(customer_id);
CREATE INDEX refusal_samples_customer ON refusal_samples(customer_id) WHERE customer_id IS NOT NULL;
`;
