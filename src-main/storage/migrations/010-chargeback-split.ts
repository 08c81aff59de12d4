/**
 * A top-up's `refunded_amount` counts refunds only; what a chargeback took is the rest of the
 * top-up (`charged_back_amount` in the API). Before this version a chargeback set `refunded_amount`
 * to the whole top-up, merging the two: for those rows the refunds are recounted from the ledger
 * (every refund is a posted `refund` transfer out of the top-up's lot; the chargeback's are
 * `chargeback` transfers), so their answers split the two as new ones do.
 */
export const sql = /* sql */ `
UPDATE top_ups
   SET refunded_amount = (SELECT COALESCE(SUM(t.amount), 0) FROM transfers t WHERE t.kind = 'refund' AND t.phase = 0 AND t.lot_id = top_ups.lot_id)
 WHERE chargeback = 1 AND lot_id IS NOT NULL;
`;
