import { z } from 'zod';
import { Empty, page } from './common';
import type { ErrorCode } from './errors';
import * as L from './ledger';
import * as P from './pricing';
import * as C from './console';
import * as I from './invoicing';
import * as N from './notify';
import * as A from './admin';
import * as M from './migration';
import * as B from './backups';

/**
 * Scopes a key may hold. `ingest`: events, authorizations, balance reads (what an app on the request
 * path needs). `read`: every read. `finance`: money in and out (top-ups, refunds, adjustments,
 * invoices, payments, credit notes, exports) and every read. `support`: every read, plus grants
 * and adjustments up to the key's per-asset caps. `admin`: everything.
 */
export type Scope = 'ingest' | 'read' | 'finance' | 'support' | 'admin';

export interface Operation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path with `{param}` segments; params are merged into the input with the query and the body. */
  path: string;
  scope: Scope;
  summary: string;
  tag: string;
  input: I;
  output: O;
  /** Success status; 201 for creations. A replay of a creation answers 200. */
  status: 200 | 201;
  errors: ErrorCode[];
  /** `bulk` operations yield to interactive ones between chunks (batch ingestion). */
  lane?: 'interactive' | 'bulk';
  /** The input the API document shows, where the server parses more loosely in steps (a batch's items one by one). */
  documentedInput?: z.ZodType;
  /** What makes a retry a replay (answered 200 with the original result); default: the input's `idempotency_key`. */
  replayKey?: string;
}

function op<I extends z.ZodType, O extends z.ZodType>(o: Operation<I, O>): Operation<I, O> {
  return o;
}

const customerErrors: ErrorCode[] = ['customer_not_found'];

export const operations = {
  // ------------------------------------------------------------- system
  health: op({ id: 'health', method: 'GET', path: '/v1/health', scope: 'ingest', tag: 'System', summary: 'Liveness, version and the storage settings in force.', input: Empty, output: L.Health, status: 200, errors: [] }),
  verifyLedger: op({
    id: 'verifyLedger', method: 'GET', path: '/v1/ledger/verify', scope: 'read', tag: 'System',
    summary: 'Recompute every balance from the transfer rows alone and compare: postings sum to zero per asset, running totals match, lots match, no new consumption crossed its limit.',
    input: Empty, output: L.VerifyReport, status: 200, errors: [],
  }),

  // ------------------------------------------------------------- assets
  createAsset: op({ id: 'createAsset', method: 'POST', path: '/v1/assets', scope: 'admin', tag: 'Assets', summary: 'Create an asset (fiat currency or custom unit such as TOKENS).', input: L.CreateAsset, output: L.Asset, status: 201, errors: ['already_exists', 'asset_not_found', 'validation_failed'] }),
  listAssets: op({ id: 'listAssets', method: 'GET', path: '/v1/assets', scope: 'ingest', tag: 'Assets', summary: 'List assets.', input: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).optional(), cursor: z.string().optional() }), output: page(L.Asset), status: 200, errors: [] }),
  getAsset: op({ id: 'getAsset', method: 'GET', path: '/v1/assets/{code}', scope: 'ingest', tag: 'Assets', summary: 'Get an asset.', input: z.strictObject({ code: z.string() }), output: L.Asset, status: 200, errors: ['asset_not_found'] }),
  addAssetRate: op({ id: 'addAssetRate', method: 'POST', path: '/v1/assets/{code}/rates', scope: 'admin', tag: 'Assets', summary: 'Add a fiat rate to a custom asset, effective from a date.', input: L.AddAssetRate, output: L.Asset, status: 201, errors: ['asset_not_found', 'validation_failed'] }),

  // ------------------------------------------------------------- customers
  createCustomer: op({ id: 'createCustomer', method: 'POST', path: '/v1/customers', scope: 'admin', tag: 'Customers', summary: 'Create a customer.', input: L.CreateCustomer, output: L.Customer, status: 201, errors: ['already_exists', 'asset_not_found', 'validation_failed'] }),
  listCustomers: op({ id: 'listCustomers', method: 'GET', path: '/v1/customers', scope: 'read', tag: 'Customers', summary: 'List customers (search by external_id, name or email).', input: L.ListCustomers, output: page(L.Customer), status: 200, errors: [] }),
  getCustomer: op({ id: 'getCustomer', method: 'GET', path: '/v1/customers/{external_id}', scope: 'read', tag: 'Customers', summary: 'Get a customer.', input: L.CustomerRef, output: L.Customer, status: 200, errors: customerErrors }),
  updateCustomer: op({ id: 'updateCustomer', method: 'PATCH', path: '/v1/customers/{external_id}', scope: 'admin', tag: 'Customers', summary: 'Update a customer: fields given replace the stored ones.', input: L.UpdateCustomer, output: L.Customer, status: 200, errors: [...customerErrors, 'asset_not_found', 'validation_failed'] }),
  getBalances: op({ id: 'getBalances', method: 'GET', path: '/v1/customers/{external_id}/balances', scope: 'ingest', tag: 'Wallets', summary: 'Live balances per asset: posted, pending, debt, available, and the lots behind them.', input: L.CustomerRef, output: L.Balances, status: 200, errors: customerErrors }),

  // ------------------------------------------------------------- money in and out
  createTopUp: op({ id: 'createTopUp', method: 'POST', path: '/v1/customers/{external_id}/top-ups', scope: 'finance', tag: 'Wallets', summary: 'Fund a wallet: a paid top-up or a grant, as a credit lot (optionally expiring). Repays debt first.', input: L.CreateTopUp, output: L.TopUp, status: 201, errors: [...customerErrors, 'customer_closed', 'forbidden', 'asset_not_found', 'idempotency_conflict', 'validation_failed'] }),
  listTopUps: op({ id: 'listTopUps', method: 'GET', path: '/v1/customers/{external_id}/top-ups', scope: 'read', tag: 'Wallets', summary: 'List a customer\'s top-ups.', input: L.ListTopUps, output: page(L.TopUp), status: 200, errors: customerErrors }),
  getTopUp: op({ id: 'getTopUp', method: 'GET', path: '/v1/top-ups/{id}', scope: 'read', tag: 'Wallets', summary: 'Get a top-up.', input: L.TopUpRef, output: L.TopUp, status: 200, errors: ['top_up_not_found'] }),
  confirmTopUp: op({ id: 'confirmTopUp', method: 'POST', path: '/v1/top-ups/{id}/confirm', scope: 'finance', tag: 'Wallets', summary: 'Payment collected: a pending top-up succeeds and credits the wallet. Idempotent.', input: L.ResolveTopUp, output: L.TopUp, status: 200, errors: ['top_up_not_found', 'invalid_state'] }),
  failTopUp: op({ id: 'failTopUp', method: 'POST', path: '/v1/top-ups/{id}/fail', scope: 'finance', tag: 'Wallets', summary: 'Payment failed: a pending top-up fails, crediting nothing. Idempotent.', input: L.ResolveTopUp, output: L.TopUp, status: 200, errors: ['top_up_not_found', 'invalid_state'] }),
  refundTopUp: op({ id: 'refundTopUp', method: 'POST', path: '/v1/top-ups/{id}/refund', scope: 'finance', tag: 'Wallets', summary: 'Refund the unused rest of a paid top-up (never more than is left). Tax taken at top-up goes back in proportion (see the answer\'s `tax`).', input: L.RefundTopUp, output: L.TopUp, status: 200, errors: ['top_up_not_found', 'invalid_state', 'amount_exceeds_refundable', 'idempotency_conflict'] }),
  reverseTopUp: op({ id: 'reverseTopUp', method: 'POST', path: '/v1/top-ups/{id}/reverse', scope: 'finance', tag: 'Wallets', summary: 'Chargeback: take back the whole top-up less what was refunded, even if that creates debt (what was spent from it becomes debt). A top-up refunded in full has nothing left to charge back: 409 `invalid_state`. Tax taken at top-up that refunds had not given back goes back with it.', input: L.ReverseTopUp, output: L.TopUp, status: 200, errors: ['top_up_not_found', 'invalid_state', 'idempotency_conflict'] }),
  createAdjustment: op({ id: 'createAdjustment', method: 'POST', path: '/v1/customers/{external_id}/adjustments', scope: 'finance', tag: 'Wallets', summary: 'A signed manual credit or debit with a reason. Idempotent.', input: L.CreateAdjustment, output: L.Adjustment, status: 201, errors: [...customerErrors, 'customer_closed', 'forbidden', 'asset_not_found', 'idempotency_conflict', 'validation_failed'] }),

  // ------------------------------------------------------------- pricing
  createMetric: op({ id: 'createMetric', method: 'POST', path: '/v1/metrics', scope: 'admin', tag: 'Pricing', summary: 'Create a billable metric.', input: P.CreateMetric, output: P.Metric, status: 201, errors: ['already_exists', 'validation_failed'] }),
  listMetrics: op({ id: 'listMetrics', method: 'GET', path: '/v1/metrics', scope: 'read', tag: 'Pricing', summary: 'List billable metrics.', input: z.strictObject({ ...{ limit: z.coerce.number().int().min(1).max(500).optional(), cursor: z.string().optional() } }), output: page(P.Metric), status: 200, errors: [] }),
  createPlan: op({ id: 'createPlan', method: 'POST', path: '/v1/plans', scope: 'admin', tag: 'Pricing', summary: 'Create a plan, or a new version of it when the code exists.', input: P.CreatePlan, output: P.Plan, status: 201, errors: ['metric_not_found', 'asset_not_found', 'validation_failed'] }),
  listPlans: op({ id: 'listPlans', method: 'GET', path: '/v1/plans', scope: 'read', tag: 'Pricing', summary: 'List plans (latest version of each).', input: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).optional(), cursor: z.string().optional() }), output: page(P.Plan), status: 200, errors: [] }),
  getPlan: op({ id: 'getPlan', method: 'GET', path: '/v1/plans/{code}', scope: 'read', tag: 'Pricing', summary: 'Get the latest version of a plan.', input: z.strictObject({ code: z.string() }), output: P.Plan, status: 200, errors: ['plan_not_found'] }),
  listPlanVersions: op({ id: 'listPlanVersions', method: 'GET', path: '/v1/plans/{code}/versions', scope: 'read', tag: 'Pricing', summary: 'Every version of a plan, newest first, each as `GET /v1/plans/{code}` shows the latest: a subscription keeps the version it was moved to (its `plan_version`), so this is how to read what an older subscription pays, with how many subscriptions are still billed on each version (`live_subscriptions`) or scheduled to move onto it (`scheduled_subscriptions`). Paged (`limit`, `cursor`).', input: P.ListPlanVersions, output: page(P.PlanVersion), status: 200, errors: ['plan_not_found'] }),
  getPlanVersion: op({ id: 'getPlanVersion', method: 'GET', path: '/v1/plans/{code}/versions/{version}', scope: 'read', tag: 'Pricing', summary: 'One version of a plan (a subscription\'s `plan` and `plan_version`): its charges, fees and features as they were written; versions never change; `live_subscriptions` and `scheduled_subscriptions` say who it still bills, now. 404 `plan_not_found` names what is missing: the code, or the version (with the latest in `details`).', input: P.PlanVersionRef, output: P.PlanVersion, status: 200, errors: ['plan_not_found'] }),
  createSubscription: op({ id: 'createSubscription', method: 'POST', path: '/v1/subscriptions', scope: 'admin', tag: 'Pricing', summary: 'Subscribe a customer to a plan.', input: P.CreateSubscription, output: P.Subscription, status: 201, errors: ['customer_closed', 'customer_not_found', 'plan_not_found', 'already_exists', 'validation_failed'] }),
  listSubscriptions: op({ id: 'listSubscriptions', method: 'GET', path: '/v1/subscriptions', scope: 'read', tag: 'Pricing', summary: 'List subscriptions.', input: P.ListSubscriptions, output: page(P.Subscription), status: 200, errors: [] }),
  getSubscription: op({ id: 'getSubscription', method: 'GET', path: '/v1/subscriptions/{id}', scope: 'read', tag: 'Pricing', summary: 'Get a subscription (by id or external_id).', input: P.SubscriptionRef, output: P.Subscription, status: 200, errors: ['subscription_not_found'] }),
  updateSubscription: op({ id: 'updateSubscription', method: 'PATCH', path: '/v1/subscriptions/{id}', scope: 'admin', tag: 'Pricing', summary: 'Change plan (an upgrade now and prorated, a downgrade at period end, or as `timing` says) or entitlement overrides.', input: P.UpdateSubscription, output: P.Subscription, status: 200, errors: ['subscription_not_found', 'plan_not_found', 'invalid_state'] }),
  terminateSubscription: op({ id: 'terminateSubscription', method: 'POST', path: '/v1/subscriptions/{id}/terminate', scope: 'admin', tag: 'Pricing', summary: 'Terminate now (settled and prorated) or cancel at the end of the period.', input: P.TerminateSubscription, output: P.Subscription, status: 200, errors: ['subscription_not_found', 'invalid_state'] }),
  getEntitlements: op({ id: 'getEntitlements', method: 'GET', path: '/v1/customers/{external_id}/entitlements', scope: 'ingest', tag: 'Pricing', summary: 'The features the customer\'s plan grants, with per-subscription overrides.', input: L.CustomerRef, output: P.Entitlements, status: 200, errors: ['customer_not_found'] }),
  getUsage: op({ id: 'getUsage', method: 'GET', path: '/v1/customers/{external_id}/usage', scope: 'ingest', tag: 'Pricing', summary: 'The current period so far, per charge of the plan: quantity, amount, tier breakdown (time-based charges priced up to now). Explicit captures of holds are not usage of a charge: they show on the period\'s invoice as a line of their own.', input: L.CustomerRef, output: P.CurrentUsage, status: 200, errors: ['customer_not_found'] }),
  createCoupon: op({ id: 'createCoupon', method: 'POST', path: '/v1/coupons', scope: 'admin', tag: 'Pricing', summary: 'Create a coupon: fixed amount or percentage; once, for N periods, or forever; optionally limited to plans or metrics (which must exist).', input: P.CreateCoupon, output: P.Coupon, status: 201, errors: ['already_exists', 'asset_not_found', 'validation_failed'] }),
  listCoupons: op({ id: 'listCoupons', method: 'GET', path: '/v1/coupons', scope: 'read', tag: 'Pricing', summary: 'List coupons.', input: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).optional(), cursor: z.string().optional() }), output: page(P.Coupon), status: 200, errors: [] }),
  getCoupon: op({ id: 'getCoupon', method: 'GET', path: '/v1/coupons/{code}', scope: 'read', tag: 'Pricing', summary: 'Get a coupon.', input: P.CouponRef, output: P.Coupon, status: 200, errors: ['not_found'] }),
  applyCoupon: op({ id: 'applyCoupon', method: 'POST', path: '/v1/customers/{external_id}/coupons', scope: 'admin', tag: 'Pricing', summary: 'Apply a coupon to a customer: it discounts fixed fees and postpaid usage, before tax, from now on: fees charged at a period\'s close (in arrears) and the postpaid usage of periods that close after this call. A fee paid in advance that was already charged, and periods already closed (their draft invoices), are not discounted.', input: P.ApplyCoupon, output: P.AppliedCoupon, status: 201, errors: ['customer_not_found', 'not_found', 'invalid_state'] }),
  listAppliedCoupons: op({ id: 'listAppliedCoupons', method: 'GET', path: '/v1/customers/{external_id}/coupons', scope: 'read', tag: 'Pricing', summary: 'A customer\'s coupons.', input: L.CustomerRef, output: z.object({ data: z.array(P.AppliedCoupon) }), status: 200, errors: ['customer_not_found'] }),
  removeAppliedCoupon: op({ id: 'removeAppliedCoupon', method: 'DELETE', path: '/v1/customers/{external_id}/coupons/{coupon}', scope: 'admin', tag: 'Pricing', summary: 'Remove a coupon from a customer (Lago: terminate an applied coupon): the active application becomes `removed` and discounts nothing from now on; what it took off before stays. A repeat answers the removed application again.', input: P.RemoveAppliedCoupon, output: P.AppliedCoupon, status: 200, errors: ['customer_not_found', 'not_found', 'invalid_state'] }),
  getSettings: op({ id: 'getSettings', method: 'GET', path: '/v1/settings', scope: 'read', tag: 'System', summary: 'Operator settings: billing time zone, grace period, late events.', input: Empty, output: P.Settings, status: 200, errors: [] }),
  updateSettings: op({ id: 'updateSettings', method: 'PATCH', path: '/v1/settings', scope: 'admin', tag: 'System', summary: 'Change operator settings.', input: P.UpdateSettings, output: P.Settings, status: 200, errors: ['validation_failed'] }),
  createQuote: op({ id: 'createQuote', method: 'POST', path: '/v1/quotes', scope: 'ingest', tag: 'Pricing', summary: 'Price a hypothetical quantity for a customer now (after current and held usage). Writes nothing.', input: P.CreateQuote, output: P.Quote, status: 200, errors: ['customer_not_found', 'metric_not_found', 'no_price'] }),

  // ------------------------------------------------------------- authorizations
  createAuthorization: op({
    id: 'createAuthorization', method: 'POST', path: '/v1/authorizations', scope: 'ingest', tag: 'Authorizations',
    summary: 'Ask before an expensive action: hold an amount (`asset` + `amount`) or the price of an estimated quantity of a metric (`metric` + `quantity`, priced through the customer\'s plan); give exactly one of the two. 402 means do not serve. Settle it with events naming it (`authorization_id`) or an explicit capture.',
    input: L.CreateAuthorization, output: L.Authorization, status: 201,
    errors: ['customer_closed', 'customer_not_found', 'asset_not_found', 'metric_not_found', 'no_price', 'insufficient_funds', 'spend_cap_exceeded', 'idempotency_conflict', 'validation_failed'],
  }),
  listAuthorizations: op({ id: 'listAuthorizations', method: 'GET', path: '/v1/authorizations', scope: 'read', tag: 'Authorizations', summary: 'A customer\'s holds, newest first, by status.', input: L.ListAuthorizations, output: page(L.Authorization), status: 200, errors: ['customer_not_found'] }),
  getAuthorization: op({ id: 'getAuthorization', method: 'GET', path: '/v1/authorizations/{id}', scope: 'ingest', tag: 'Authorizations', summary: 'Get an authorization (an expired hold reads as expired even before any sweep).', input: L.AuthorizationRef, output: L.Authorization, status: 200, errors: ['authorization_not_found'] }),
  captureAuthorization: op({ id: 'captureAuthorization', method: 'POST', path: '/v1/authorizations/{id}/capture', scope: 'ingest', tag: 'Authorizations', summary: 'Capture an amount against the hold. What the hold still holds is never refused; an amount beyond it is checked like a new authorization (funds within the overdraft limit, spend caps: 402 and nothing changes when not covered) and, accepted, is drawn from free credit, then becomes debt. final_capture (default true) releases the rest.', input: L.CaptureAuthorization, output: L.Authorization, status: 200, errors: ['authorization_not_found', 'invalid_state', 'insufficient_funds', 'spend_cap_exceeded', 'idempotency_conflict'] }),
  incrementAuthorization: op({ id: 'incrementAuthorization', method: 'POST', path: '/v1/authorizations/{id}/increment', scope: 'ingest', tag: 'Authorizations', summary: 'Raise the hold, subject to the same funds check.', input: L.IncrementAuthorization, output: L.Authorization, status: 200, errors: ['authorization_not_found', 'invalid_state', 'insufficient_funds', 'spend_cap_exceeded', 'idempotency_conflict'] }),
  extendAuthorization: op({ id: 'extendAuthorization', method: 'POST', path: '/v1/authorizations/{id}/extend', scope: 'ingest', tag: 'Authorizations', summary: 'Give the hold a new time to live, counted from now.', input: L.ExtendAuthorization, output: L.Authorization, status: 200, errors: ['authorization_not_found', 'invalid_state'] }),
  voidAuthorization: op({ id: 'voidAuthorization', method: 'POST', path: '/v1/authorizations/{id}/void', scope: 'ingest', tag: 'Authorizations', summary: 'Release the hold without capturing. Voiding a voided hold again answers it as it is (a retry is safe); a captured or expired one answers 409.', input: L.AuthorizationRef, output: L.Authorization, status: 200, errors: ['authorization_not_found', 'invalid_state'] }),

  // ------------------------------------------------------------- events
  ingestEvent: op({
    id: 'ingestEvent', method: 'POST', path: '/v1/events', scope: 'ingest', tag: 'Events',
    summary: 'Record one usage event: priced and debited in the same transaction. A replay answers the original result (200).',
    input: L.EventInput, output: L.EventResult, status: 201, replayKey: 'transaction_id',
    errors: ['customer_closed', 'customer_not_found', 'authorization_not_found', 'insufficient_funds', 'spend_cap_exceeded', 'idempotency_conflict', 'timestamp_in_future', 'timestamp_before_subscription', 'period_closed', 'invalid_event_property', 'validation_failed'],
  }),
  ingestBatch: op({
    id: 'ingestBatch', method: 'POST', path: '/v1/events/batch', scope: 'ingest', tag: 'Events',
    summary: 'Up to 1,000 events; each is independent and atomic, with a result (status and body) per event.',
    input: L.EventBatch, documentedInput: L.EventBatchDocumented, output: L.BatchResult, status: 200, errors: ['too_many_events', 'validation_failed'], lane: 'bulk',
  }),
  listEvents: op({ id: 'listEvents', method: 'GET', path: '/v1/events', scope: 'read', tag: 'Events', summary: 'List recorded events (newest first with order=desc).', input: L.ListEvents, output: page(L.StoredEvent), status: 200, errors: ['customer_not_found'] }),
  reverseEvent: op({ id: 'reverseEvent', method: 'POST', path: '/v1/events/{transaction_id}/reverse', scope: 'admin', tag: 'Events', summary: 'Remove an event from its period\'s usage and post the price difference (may be a debit, may create debt). Idempotent. The answer is the stored event, now `reversed`, with the charges and debits it had when it was recorded; what the reversal posted is in `GET /v1/transfers` (kind `usage_credit`, or `usage` for a debit).', input: L.ReverseEvent, output: L.StoredEvent, status: 200, errors: ['event_not_found', 'customer_not_found', 'period_closed'] }),
  listRefusals: op({ id: 'listRefusals', method: 'GET', path: '/v1/events/refused', scope: 'read', tag: 'Events', summary: 'Refused events and declined authorizations grouped by reason, with counts and samples. Refusals are counted in memory and written about once a second, so one made a moment ago may take up to a second or two to appear here.', input: L.ListRefusals, output: L.Refusals, status: 200, errors: [] }),

  // ------------------------------------------------------------- invoicing
  listInvoices: op({ id: 'listInvoices', method: 'GET', path: '/v1/invoices', scope: 'read', tag: 'Invoicing', summary: 'Invoices, by customer and status. A subscription\'s period gets its invoice when the period ends (a billing run, which the server runs by itself, closes it): a draft while late events may still arrive (the grace period, `grace_period_hours` in the settings), then finalized. Terminating a subscription ends its period at once. A mid-period billing run makes nothing for a period still running; `GET /v1/customers/{external_id}/invoice-preview` shows what it would say.', input: I.ListInvoices, output: page(I.Invoice), status: 200, errors: ['customer_not_found'] }),
  getReceivablesAging: op({ id: 'getReceivablesAging', method: 'GET', path: '/v1/receivables/aging', scope: 'read', tag: 'Invoicing', summary: 'What customers owe, by how long it is past due: per currency and per customer, finalized invoices\' outstanding amounts in buckets (not due, 1-30, 31-60, 61-90, over 90 days past `due_at`) plus the debt not invoiced yet. Each invoice counts what its `amount_outstanding` says, so a customer\'s `total` is its debt.', input: I.ReceivablesAgingQuery, output: I.ReceivablesAging, status: 200, errors: ['customer_not_found'] }),
  getInvoice: op({ id: 'getInvoice', method: 'GET', path: '/v1/invoices/{id}', scope: 'read', tag: 'Invoicing', summary: 'An invoice (by id or number): lines with tier breakdowns, taxes, credits applied, amount due, payments, credit notes and the actions it allows.', input: I.InvoiceRef, output: I.Invoice, status: 200, errors: ['not_found'] }),
  finalizeInvoice: op({ id: 'finalizeInvoice', method: 'POST', path: '/v1/invoices/{id}/finalize', scope: 'finance', tag: 'Invoicing', summary: 'Finalize a draft now (its grace period ends): tax posted, number assigned, document and PDF frozen.', input: I.InvoiceRef, output: I.Invoice, status: 200, errors: ['not_found'] }),
  voidInvoice: op({ id: 'voidInvoice', method: 'POST', path: '/v1/invoices/{id}/void', scope: 'finance', tag: 'Invoicing', summary: 'Void an invoice that went to the receivable and has no payments: its charges are taken back.', input: I.VoidInvoice, output: I.Invoice, status: 200, errors: ['not_found', 'invalid_state'] }),
  reissueInvoice: op({ id: 'reissueInvoice', method: 'POST', path: '/v1/invoices/{id}/reissue', scope: 'finance', tag: 'Invoicing', summary: 'A new draft with the lines of a void invoice, linked to it.', input: I.InvoiceRef, output: I.Invoice, status: 201, errors: ['not_found', 'invalid_state'] }),
  recordPayment: op({ id: 'recordPayment', method: 'POST', path: '/v1/invoices/{id}/payments', scope: 'finance', tag: 'Invoicing', summary: 'Record a payment received outside Tollgate (partial payments allowed).', input: I.RecordPayment, output: I.Invoice, status: 201, errors: ['not_found', 'invalid_state', 'idempotency_conflict'] }),
  settleInvoiceFromCredit: op({ id: 'settleInvoiceFromCredit', method: 'POST', path: '/v1/invoices/{id}/settle-from-credit', scope: 'finance', tag: 'Invoicing', summary: 'Pay what an invoice still owes from the customer\'s prepaid credit.', input: I.InvoiceRef, output: I.Invoice, status: 200, errors: ['not_found', 'invalid_state', 'insufficient_funds'] }),
  previewCreditNote: op({ id: 'previewCreditNote', method: 'POST', path: '/v1/invoices/{id}/credit-notes/preview', scope: 'finance', tag: 'Invoicing', summary: 'The credit note `POST /v1/invoices/{id}/credit-notes` would issue for the same body, computed by the same rules (a line counts at its value after coupons; the tax is that of everything credited so far less what earlier notes credited) and refused for the same reasons; nothing is written (the number shown is the next one; the `id` is made for the preview and is not the id the issued note will have). For a console or an app to show the exact total before issuing.', input: I.CreateCreditNote, output: I.CreditNote, status: 200, errors: ['not_found', 'invalid_state', 'validation_failed', 'amount_exceeds_refundable'] }),
  createCreditNote: op({ id: 'createCreditNote', method: 'POST', path: '/v1/invoices/{id}/credit-notes', scope: 'finance', tag: 'Invoicing', summary: 'A credit note against a finalized invoice, whole or per line, settled as credit or as a refund. A refund is at most what was paid on the invoice (payments recorded and bought credit that paid it) less earlier refunds (422 `amount_exceeds_refundable`); settle the rest as credit, which takes what is still owed off the invoice.', input: I.CreateCreditNote, output: I.CreditNote, status: 201, errors: ['not_found', 'invalid_state', 'amount_exceeds_refundable', 'idempotency_conflict'] }),
  getInvoiceDocument: op({ id: 'getInvoiceDocument', method: 'GET', path: '/v1/invoices/{id}/document', scope: 'read', tag: 'Invoicing', summary: 'The invoice PDF as base64 (the one issued, for a finalized invoice; a draft renders now). `GET /v1/invoices/{id}/pdf` serves the bytes.', input: I.InvoiceRef, output: I.DocumentFile, status: 200, errors: ['not_found', 'invalid_state'] }),
  getCreditNoteDocument: op({ id: 'getCreditNoteDocument', method: 'GET', path: '/v1/credit-notes/{id}/document', scope: 'read', tag: 'Invoicing', summary: 'A credit note\'s PDF as base64.', input: I.InvoiceRef, output: I.DocumentFile, status: 200, errors: ['not_found'] }),
  previewInvoice: op({ id: 'previewInvoice', method: 'GET', path: '/v1/customers/{external_id}/invoice-preview', scope: 'read', tag: 'Invoicing', summary: 'The invoice the current period will bring if nothing more is used: usage so far, the fixed fee, time-based charges at their current level, the minimum commitment, coupons and taxes. Writes nothing.', input: L.CustomerRef, output: I.Invoice, status: 200, errors: ['customer_not_found', 'invalid_state'] }),
  createBillingRun: op({ id: 'createBillingRun', method: 'POST', path: '/v1/billing-runs', scope: 'finance', tag: 'Invoicing', summary: 'Bill now what came due, for one customer or all: periods closed, drafts made, drafts past grace finalized, PDFs rendered. Runs in the background; poll it.', input: I.CreateBillingRun, output: I.BillingRun, status: 201, errors: ['customer_not_found'] }),
  getBillingRun: op({ id: 'getBillingRun', method: 'GET', path: '/v1/billing-runs/{id}', scope: 'read', tag: 'Invoicing', summary: 'A billing run\'s progress.', input: I.BillingRunRef, output: I.BillingRun, status: 200, errors: ['not_found'] }),
  getReceipt: op({ id: 'getReceipt', method: 'GET', path: '/v1/top-ups/{id}/receipt', scope: 'read', tag: 'Invoicing', summary: 'The receipt of a succeeded paid top-up (the tax document under the top-up tax point).', input: L.TopUpRef, output: I.Receipt, status: 200, errors: ['top_up_not_found', 'invalid_state'] }),
  getReceiptDocument: op({ id: 'getReceiptDocument', method: 'GET', path: '/v1/top-ups/{id}/receipt/document', scope: 'read', tag: 'Invoicing', summary: 'The receipt PDF as base64.', input: L.TopUpRef, output: I.DocumentFile, status: 200, errors: ['top_up_not_found', 'invalid_state'] }),
  exportInvoices: op({ id: 'exportInvoices', method: 'POST', path: '/v1/exports/invoices', scope: 'finance', tag: 'Invoicing', summary: 'Write invoices of a period to a folder: every PDF, and CSV and JSON of invoices and lines.', input: I.ExportInvoices, output: I.ExportResult, status: 201, errors: ['validation_failed'] }),

  // ------------------------------------------------------------- webhooks, alerts, auto top-up
  createWebhookEndpoint: op({ id: 'createWebhookEndpoint', method: 'POST', path: '/v1/webhook-endpoints', scope: 'admin', tag: 'Webhooks', summary: 'Add an endpoint: its URL, the event types it wants, its own signing secret (shown once).', input: N.CreateWebhookEndpoint, output: N.CreatedWebhookEndpoint, status: 201, errors: ['validation_failed'] }),
  listWebhookEndpoints: op({ id: 'listWebhookEndpoints', method: 'GET', path: '/v1/webhook-endpoints', scope: 'admin', tag: 'Webhooks', summary: 'Webhook endpoints (never their secrets).', input: Empty, output: z.object({ data: z.array(N.WebhookEndpoint) }), status: 200, errors: [] }),
  updateWebhookEndpoint: op({ id: 'updateWebhookEndpoint', method: 'PATCH', path: '/v1/webhook-endpoints/{id}', scope: 'admin', tag: 'Webhooks', summary: 'Change an endpoint, enable or disable it, or rotate its secret (the new one is in the answer).', input: N.UpdateWebhookEndpoint, output: N.WebhookEndpoint.extend({ secret: z.string().optional() }), status: 200, errors: ['not_found'] }),
  deleteWebhookEndpoint: op({ id: 'deleteWebhookEndpoint', method: 'DELETE', path: '/v1/webhook-endpoints/{id}', scope: 'admin', tag: 'Webhooks', summary: 'Remove an endpoint with its delivery log: messages still pending for it are not sent. To pause an endpoint instead, disable it.', input: N.EndpointRef, output: z.object({ deleted: z.boolean(), deliveries_removed: z.number().int() }), status: 200, errors: ['not_found'] }),
  testWebhookEndpoint: op({ id: 'testWebhookEndpoint', method: 'POST', path: '/v1/webhook-endpoints/{id}/test', scope: 'admin', tag: 'Webhooks', summary: 'Post a signed `webhook.test` message to this endpoint now (enabled or not, whatever types it subscribes to) and answer what it answered. Changes nothing: not retried, not in the delivery log, and a failure does not count towards disabling the endpoint.', input: N.EndpointRef, output: N.WebhookTestResult, status: 200, errors: ['not_found'] }),
  listWebhookDeliveries: op({ id: 'listWebhookDeliveries', method: 'GET', path: '/v1/webhook-deliveries', scope: 'admin', tag: 'Webhooks', summary: 'The delivery log, newest first: status, attempts, response code, latency. status=dead lists dead letters.', input: N.ListWebhookDeliveries, output: page(N.WebhookDelivery), status: 200, errors: [] }),
  replayWebhookDelivery: op({ id: 'replayWebhookDelivery', method: 'POST', path: '/v1/webhook-deliveries/{id}/replay', scope: 'admin', tag: 'Webhooks', summary: 'Send a delivery again now, with the same message id.', input: N.DeliveryRef, output: N.WebhookDelivery, status: 200, errors: ['not_found'] }),
  createAlertRule: op({ id: 'createAlertRule', method: 'POST', path: '/v1/alerts', scope: 'admin', tag: 'Alerts', summary: 'A threshold on a wallet balance (fires when it falls below) or on a metric\'s usage this period (fires when it reaches it), once per crossing.', input: N.CreateAlertRule, output: N.AlertRule, status: 201, errors: ['customer_not_found', 'asset_not_found', 'metric_not_found'] }),
  listAlerts: op({ id: 'listAlerts', method: 'GET', path: '/v1/alerts', scope: 'read', tag: 'Alerts', summary: 'Alert rules and the latest alerts fired.', input: N.ListAlerts, output: z.object({ rules: z.array(N.AlertRule), events: z.array(N.AlertEvent) }), status: 200, errors: ['customer_not_found'] }),
  deleteAlertRule: op({ id: 'deleteAlertRule', method: 'DELETE', path: '/v1/alerts/{id}', scope: 'admin', tag: 'Alerts', summary: 'Remove an alert rule.', input: N.RuleRef, output: z.object({ deleted: z.boolean() }), status: 200, errors: ['not_found'] }),
  setAutoTopUp: op({ id: 'setAutoTopUp', method: 'POST', path: '/v1/auto-top-ups', scope: 'admin', tag: 'Alerts', summary: 'Set a wallet\'s auto top-up rule (one per customer and asset): below the threshold, one pending top-up is requested (a `top_up.requested` webhook for your payment system), confirmed or failed through the top-up routes.', input: N.CreateAutoTopUpRule, output: N.AutoTopUpRule, status: 201, errors: ['customer_not_found', 'asset_not_found'] }),
  listAutoTopUps: op({ id: 'listAutoTopUps', method: 'GET', path: '/v1/auto-top-ups', scope: 'read', tag: 'Alerts', summary: 'Auto top-up rules.', input: N.ListAlerts, output: z.object({ data: z.array(N.AutoTopUpRule) }), status: 200, errors: ['customer_not_found'] }),
  updateAutoTopUp: op({ id: 'updateAutoTopUp', method: 'PATCH', path: '/v1/auto-top-ups/{id}', scope: 'admin', tag: 'Alerts', summary: 'Enable or disable an auto top-up rule.', input: N.UpdateRule, output: N.AutoTopUpRule, status: 200, errors: ['not_found'] }),

  // ------------------------------------------------------------- console reads
  getOverview: op({ id: 'getOverview', method: 'GET', path: '/v1/overview', scope: 'read', tag: 'Console', summary: 'What needs attention, balances by asset, spend, cash in, recognized and deferred revenue, breakage, events per minute, revenue by plan.', input: Empty, output: C.Overview, status: 200, errors: [] }),
  getRevenueReport: op({ id: 'getRevenueReport', method: 'GET', path: '/v1/revenue', scope: 'read', tag: 'Console', summary: 'Recognized revenue by month, plan and asset over any range of months, with per-asset totals that reconcile with the overview.', input: C.RevenueQuery, output: C.RevenueReport, status: 200, errors: [] }),
  getWalletMonitor: op({ id: 'getWalletMonitor', method: 'GET', path: '/v1/wallets/monitor', scope: 'read', tag: 'Console', summary: 'The wallets that matter now: by time to empty (default) or burn rate.', input: C.WalletMonitorQuery, output: C.WalletMonitor, status: 200, errors: [] }),
  listCustomerWallets: op({ id: 'listCustomerWallets', method: 'GET', path: '/v1/customers-with-balances', scope: 'read', tag: 'Console', summary: 'Customers with their plan and live balances, searched on the server (external_id, name, email) and paged.', input: C.ListCustomerWallets, output: C.CustomerWallets, status: 200, errors: [] }),
  getEvent: op({ id: 'getEvent', method: 'GET', path: '/v1/events/{transaction_id}', scope: 'read', tag: 'Events', summary: 'One event with the transfers it caused.', input: C.EventRef, output: C.EventDetail, status: 200, errors: ['event_not_found', 'customer_not_found'] }),
  createApiKey: op({ id: 'createApiKey', method: 'POST', path: '/v1/api-keys', scope: 'admin', tag: 'System', summary: 'Create an API key with scopes; the key is shown once.', input: C.CreateApiKey, output: C.CreatedApiKey, status: 201, errors: ['validation_failed'] }),
  listApiKeys: op({ id: 'listApiKeys', method: 'GET', path: '/v1/api-keys', scope: 'admin', tag: 'System', summary: 'API keys (never their secrets).', input: Empty, output: z.object({ data: z.array(C.ApiKey) }), status: 200, errors: [] }),
  revokeApiKey: op({ id: 'revokeApiKey', method: 'POST', path: '/v1/api-keys/{id}/revoke', scope: 'admin', tag: 'System', summary: 'Revoke a key: it stops working at once.', input: C.ApiKeyRef, output: C.ApiKey, status: 200, errors: ['not_found'] }),

  updateApiKey: op({ id: 'updateApiKey', method: 'PATCH', path: '/v1/api-keys/{id}', scope: 'admin', tag: 'System', summary: 'Rename a key, change its support caps or its rate limit.', input: C.UpdateApiKey, output: C.ApiKey, status: 200, errors: ['not_found', 'invalid_state', 'validation_failed'] }),
  rotateApiKey: op({ id: 'rotateApiKey', method: 'POST', path: '/v1/api-keys/{id}/rotate', scope: 'admin', tag: 'System', summary: 'A new key with the same name, scopes, caps and limit (shown once); the old key keeps working for the grace period, then stops.', input: C.RotateApiKey, output: z.object({ old: C.ApiKey, created: C.CreatedApiKey }), status: 201, errors: ['not_found', 'invalid_state'] }),
  getRuntimeStats: op({ id: 'getRuntimeStats', method: 'GET', path: '/v1/stats/runtime', scope: 'read', tag: 'Operations', summary: 'What an operator watches: events recorded, refusals by reason, webhook queue, database and WAL size, backup age, memory. `GET /metrics` (a `read` key) serves the same (and the door\'s request counters and authorization latency histogram) for Prometheus; so does `GET /v1/metrics` asked with `Accept: text/plain`.', input: Empty, output: A.RuntimeStats, status: 200, errors: [] }),
  whoAmI: op({ id: 'whoAmI', method: 'GET', path: '/v1/me', scope: 'ingest', tag: 'System', summary: 'The key (or desktop user) this request runs as: its name, scopes and expiry.', input: Empty, output: A.WhoAmI, status: 200, errors: [] }),
  listAuditLog: op({ id: 'listAuditLog', method: 'GET', path: '/v1/audit-log', scope: 'admin', tag: 'Operations', summary: 'The operator audit log, newest first: every change made outside the ingest path, with actor, door, address, request id, before, after and reason.', input: A.ListAuditLog, output: page(A.AuditEntry), status: 200, errors: ['customer_not_found', 'invalid_request'] }),
  exportAuditLog: op({ id: 'exportAuditLog', method: 'GET', path: '/v1/audit-log/export', scope: 'admin', tag: 'Operations', summary: 'The audit log (same filters, up to 100,000 rows) as CSV, base64. `GET /v1/audit-log.csv` serves the bytes.', input: A.ListAuditLog, output: A.AuditLogExport, status: 200, errors: ['customer_not_found', 'invalid_request'] }),
  createReadToken: op({ id: 'createReadToken', method: 'POST', path: '/v1/customers/{external_id}/read-tokens', scope: 'read', tag: 'Customers', summary: 'A short-lived read-only token for one customer\'s balances, usage and invoices, to show a live balance inside your own product. It dies with the key that issued it.', input: A.CreateReadToken, output: A.ReadToken, status: 201, errors: [...customerErrors] }),
  closeCustomer: op({ id: 'closeCustomer', method: 'POST', path: '/v1/customers/{external_id}/close', scope: 'admin', tag: 'Customers', summary: 'Close a customer: subscriptions terminated now, holds voided, pending top-ups expired, unused credit refunded (or kept as breakage) with a reason. Idempotent.', input: A.CloseCustomer, output: A.ClosedCustomer, status: 200, errors: [...customerErrors, 'validation_failed'] }),
  eraseCustomer: op({ id: 'eraseCustomer', method: 'POST', path: '/v1/customers/{external_id}/erase', scope: 'admin', tag: 'Customers', summary: 'Erase a customer\'s personal data (right to erasure): closes them, finalizes open drafts, redacts personal fields and the configured event properties everywhere, replaces the external id with a tombstone; finalized invoices keep their details for the legal retention, then are redacted too.', input: A.EraseCustomer, output: A.ErasedCustomer, status: 200, errors: [...customerErrors, 'validation_failed'] }),
  exportCustomerData: op({ id: 'exportCustomerData', method: 'GET', path: '/v1/customers/{external_id}/export', scope: 'admin', tag: 'Customers', summary: 'Everything Tollgate holds about one customer, as JSON (a subject access request).', input: L.CustomerRef, output: A.CustomerDataExport, status: 200, errors: [...customerErrors] }),

  // ------------------------------------------------------------- ledger
  listTransfers: op({ id: 'listTransfers', method: 'GET', path: '/v1/transfers', scope: 'read', tag: 'Ledger', summary: 'The ledger: immutable double-entry transfers, filterable by customer, asset and time.', input: L.ListTransfers, output: page(L.Transfer), status: 200, errors: ['customer_not_found'] }),

  // ------------------------------------------------------------- moving in and out
  createImport: op({
    id: 'createImport', method: 'POST', path: '/v1/imports', scope: 'admin', tag: 'Migration',
    summary: 'Import a folder on this machine: the import format (docs/import-format.md), a Lago export or a Stripe export. All or nothing per file; every row that could not be imported is reported with file, line and reason; importing again changes nothing. `dry_run` writes nothing.',
    input: M.CreateImport, output: M.ImportReport, status: 200, errors: ['validation_failed'],
  }),
  createFullExport: op({
    id: 'createFullExport', method: 'POST', path: '/v1/exports/full', scope: 'admin', tag: 'Migration',
    summary: 'Export everything to a folder on this machine: every table as JSON lines (integers as strings) with a manifest, and CSV of transfers and invoices. `tollgate import <folder> --data-dir <empty dir>` rebuilds the data dir from it.',
    input: M.CreateFullExport, output: M.FullExportResult, status: 201, errors: ['validation_failed'],
  }),

  // ------------------------------------------------------------- backups
  createBackup: op({
    id: 'createBackup', method: 'POST', path: '/v1/backups', scope: 'admin', tag: 'Backups',
    summary: 'Take an online backup now, without stopping writes: a consistent copy holding every write acknowledged before it began, verified (integrity check and ledger check) and recorded with its size and SHA-256. Older backups beyond `keep` are rotated out.',
    input: Empty, output: B.Backup, status: 201, errors: ['backup_failed', 'storage_unavailable'],
  }),
  listBackups: op({ id: 'listBackups', method: 'GET', path: '/v1/backups', scope: 'admin', tag: 'Backups', summary: 'Backups in the backup folder, newest first, with the age of the last verified one and the schedule.', input: Empty, output: B.BackupList, status: 200, errors: [] }),
  updateBackupSettings: op({ id: 'updateBackupSettings', method: 'PATCH', path: '/v1/backups/settings', scope: 'admin', tag: 'Backups', summary: 'The backup schedule: every `interval_hours` (0: off), keep `keep`, into `dir` (default `<data dir>/backups`).', input: B.UpdateBackupSettings, output: B.BackupSettings, status: 200, errors: ['validation_failed'] }),
} as const;

export type Operations = typeof operations;
export type OperationId = keyof Operations;
export type InputOf<K extends OperationId> = z.input<Operations[K]['input']>;
export type ParsedInputOf<K extends OperationId> = z.output<Operations[K]['input']>;
export type OutputOf<K extends OperationId> = z.output<Operations[K]['output']>;

export const OPERATION_LIST: Operation[] = Object.values(operations) as Operation[];
