/**
 * The closed list of error codes. Every error answer is `{"error": {"code", "message", "details"}}`
 * with the status listed here; clients branch on `code`, never on `message`.
 */
export const ERROR_CODES = {
  invalid_json: { status: 400, description: 'The body is not valid JSON.' },
  invalid_request: { status: 400, description: 'The request is malformed (bad query parameter, bad cursor, unknown route parameter).' },
  unauthenticated: { status: 401, description: 'No API key, a malformed key, an unknown, revoked or expired key.' },
  insufficient_funds: { status: 402, description: 'The wallet cannot cover this consumption; `details.available` says what it can and `details.requested` what was asked (minor units of `details.asset`). An event\'s refusal also carries its whole cost as `details.cost`: the same value, except for an event under a pending hold, where `details.requested` is the cost beyond the hold and `details.from_hold` what the hold covers.' },
  spend_cap_exceeded: { status: 402, description: 'A daily or monthly spend cap of the customer would be exceeded; `details.requested` is what was asked (minor units; an event\'s refusal also carries its whole cost as `details.cost`, and under a pending hold `details.requested` is the part beyond the hold).' },
  forbidden: { status: 403, description: 'The key lacks the scope this operation needs.' },
  not_found: { status: 404, description: 'No such route, or no object with the id in the path (an invoice, credit note, billing run, webhook endpoint or delivery, alert or auto top-up rule, API key); the message names which.' },
  customer_not_found: { status: 404, description: 'No customer has this external_id.' },
  asset_not_found: { status: 404, description: 'No asset has this code.' },
  metric_not_found: { status: 404, description: 'No billable metric has this code.' },
  plan_not_found: { status: 404, description: 'No plan has this code (or, where a version is named, the plan has no such version).' },
  subscription_not_found: { status: 404, description: 'No such subscription.' },
  authorization_not_found: { status: 404, description: 'No such authorization (for this customer).' },
  top_up_not_found: { status: 404, description: 'No such top-up.' },
  event_not_found: { status: 404, description: 'No event with this transaction_id for this customer.' },
  method_not_allowed: { status: 405, description: 'The route exists but not with this method.' },
  idempotency_conflict: { status: 409, description: 'This idempotency key or transaction_id was used before with different content.' },
  already_exists: { status: 409, description: 'An object with this code or id exists already.' },
  customer_closed: { status: 409, description: 'The customer is closed (or erased): it takes no events, authorizations, top-ups or subscriptions.' },
  invalid_state: { status: 409, description: 'The object is not in a state that allows this operation (for example capturing a voided hold).' },
  payload_too_large: { status: 413, description: 'The body is larger than the limit.' },
  too_many_events: { status: 413, description: 'A batch holds more events than the limit (1,000).' },
  unsupported_media_type: { status: 415, description: 'The body must be `application/json`.' },
  validation_failed: { status: 422, description: 'A field is missing, of the wrong type or out of range; `details.issues` lists each.' },
  timestamp_in_future: { status: 422, description: 'The event timestamp is further in the future than the allowed tolerance.' },
  timestamp_before_subscription: { status: 422, description: 'The event happened before the customer\'s subscription started.' },
  period_closed: { status: 422, description: 'The event belongs to a billing period that is already finalized.' },
  invalid_event_property: { status: 422, description: 'A property a metric aggregates is not a number (or, for `unique_count`, not a string or number), or is negative for a `sum`, `max` or `latest` metric (usage is never negative: correct recorded usage by reversing its event). `details` name the `metric` and `property`. A missing property is not an error: the event does not feed that metric and its answer warns `metric_property_missing:<metric>`.' },
  no_price: { status: 422, description: 'The customer\'s plan has no charge for this metric, so it cannot be priced.' },
  amount_exceeds_refundable: { status: 422, description: 'More than can be refunded was asked for: the unused rest of a paid top-up, or for a credit note settled as a refund, what was paid on its invoice (payments and bought credit) less earlier refunds.' },
  amount_overflow: { status: 422, description: 'The amount does not fit the ledger\'s 64-bit minor units.' },
  rate_limited: { status: 429, description: 'Too many requests for this key; retry after `Retry-After` seconds.' },
  internal_error: { status: 500, description: 'A bug. Nothing was written; the log has the details.' },
  backup_failed: { status: 500, description: 'A backup was written but failed verification (integrity or ledger check), or could not be copied; `details` says why. The live database is unchanged.' },
  storage_unavailable: { status: 503, description: 'The database cannot take writes (disk full, read-only, I/O error). Nothing was written; retry later.' },
  shutting_down: { status: 503, description: 'The engine is stopping; retry against the restarted engine.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: Record<string, unknown> };
}

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}
