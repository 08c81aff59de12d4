/**
 * Counting the subscriptions on a plan version (`live_subscriptions` and `scheduled_subscriptions`
 * of `GET /v1/plans/{code}/versions`) read every subscription: nothing indexed `plan_id`, and
 * `next_plan_id` (a plan change scheduled at period end) even less. `subscriptions_plan` answers
 * the count by version and status from the index alone; `subscriptions_next_plan` holds only the
 * few subscriptions with a change scheduled.
 *
 * IF NOT EXISTS: some tests set user_version back and run the later migrations again.
 */
export const sql = /* sql */ `
CREATE INDEX IF NOT EXISTS subscriptions_plan ON subscriptions(plan_id, status);
CREATE INDEX IF NOT EXISTS subscriptions_next_plan ON subscriptions(next_plan_id, status) WHERE next_plan_id IS NOT NULL;
`;
