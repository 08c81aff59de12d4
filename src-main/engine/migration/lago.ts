import { add, type Dec, dec, DecimalError, sub, toText } from '../../../shared/decimal';
import { asObject, type Batch, compact, currencyScale, findFile, type ImportPlan, newBatch, type Problem, readRecords, type SourceRecord, str } from './source';

/**
 * Reads a Lago export and maps it to the import format. An export is a folder of the objects
 * Lago's API returns, one file per list endpoint, each as JSON lines (one object per line) or as
 * the saved response bodies (`{"plans": [...], "meta": {...}}`):
 *
 * - organization.json        GET /organizations (time zone, currency, numbering, prefix)
 * - billable_metrics         GET /billable_metrics
 * - plans                    GET /plans (charges with charge_model, properties, filters)
 * - customers                GET /customers
 * - subscriptions            GET /subscriptions (status, billing_time, started_at, subscription_at,
 *                            current_billing_period_started_at)
 * - wallets                  GET /wallets (status, currency, rate_amount, balances, priority,
 *                            expiration_at)
 * - wallet_transactions      GET /wallet_transactions (purchased / granted / invoiced / voided),
 *                            optional: splits a wallet's balance into paid and granted credit
 * - current_usage            one line per subscription: GET /customers/{id}/current_usage body
 *                            with the subscription's `external_subscription_id`, optional
 * - invoices                 GET /invoices, optional: where the invoice numbering continues
 *
 * Charge models carry over one to one (Tollgate prices with Lago's semantics); the differences are
 * names (`amount` of the standard model is `unit_price`), units (`*_cents` are minor units) and
 * what Tollgate has no equivalent for, which is refused with the reason rather than approximated.
 */
export function readLagoExport(folder: string, now: number, options: LagoImportOptions = {}): ImportPlan {
  const notes: string[] = [];
  let orgCurrency: string | null = null;
  const load = (base: string): SourceRecord[] => {
    const name = findFile(folder, base);
    return name ? readRecords(folder, name) : [];
  };
  const nameOf = (base: string, fallback = `${base}.jsonl`) => findFile(folder, base) ?? fallback;

  const organization = load('organization');
  const metricsSrc = load('billable_metrics');
  const plansSrc = load('plans');
  const customersSrc = load('customers');
  const subscriptionsSrc = load('subscriptions');
  const walletsSrc = load('wallets');
  const transactionsSrc = load('wallet_transactions');
  const usageSrc = load('current_usage');
  const invoicesSrc = load('invoices');

  // ---------------------------------------------------------------- lookups
  const metricByCode = new Map<string, Record<string, unknown>>();
  for (const r of metricsSrc) {
    const m = unwrap(asObject(r), 'billable_metric');
    if (typeof m !== 'string' && typeof m.code === 'string') metricByCode.set(m.code, m);
  }

  // ---------------------------------------------------------------- settings
  // (also the organization's currency: the overdraft limit's asset for customers without their own)
  const settings = newBatch('settings', findFile(folder, 'organization') ?? 'organization.json');
  const orgRecord = organization[0];
  if (orgRecord) {
    const org = unwrap(asObject(orgRecord), 'organization');
    if (typeof org === 'string') settings.errors.push(problem(orgRecord, null, org));
    else {
      const row: Record<string, unknown> = compact({
        billing_timezone: str(org.timezone),
        default_currency: str(org.default_currency),
        payment_terms_days: typeof org.net_payment_term === 'number' ? org.net_payment_term : null,
      });
      if (typeof org.finalize_zero_amount_invoice === 'boolean') row.finalize_zero_amount_invoices = org.finalize_zero_amount_invoice;
      const grace = (org.billing_configuration as Record<string, unknown> | undefined)?.invoice_grace_period;
      if (typeof grace === 'number' && Number.isInteger(grace)) row.grace_period_hours = grace * 24;
      const numbering = nextInvoiceNumber(org, invoicesSrc, notes);
      const prefix = str(org.document_number_prefix);
      if (numbering) {
        row.invoice_prefix = numbering.prefix;
        row.next_invoice_number = numbering;
      } else if (prefix && VALID_PREFIX.test(prefix)) {
        // No invoices to continue from (or none in one sequence): the prefix still carries over.
        row.invoice_prefix = prefix;
      } else if (prefix && !invoicesSrc.length) {
        notes.push(`Lago's invoice prefix ${prefix} is not a valid Tollgate prefix (upper-case letters, digits and -, at most 16): set one in the settings.`);
      }
      if (typeof org.default_currency === 'string') orgCurrency = org.default_currency;
      settings.rows.push({ file: orgRecord.file, line: orgRecord.line, data: row });
    }
  }

  // ---------------------------------------------------------------- assets (the currencies used)
  const assets = newBatch('assets', 'currencies');
  const currencies = new Map<string, SourceRecord>();
  const useCurrency = (code: unknown, where: SourceRecord) => {
    // Only ISO 4217 codes: an unknown one fails the customer or plan that names it (below), on its
    // own line, rather than the currencies as a whole (which every other row needs).
    if (typeof code === 'string' && currencyScale(code) !== null && !currencies.has(code)) currencies.set(code, where);
  };

  // ---------------------------------------------------------------- metrics
  const metrics = newBatch('metrics', nameOf('billable_metrics'));
  for (const r of metricsSrc) {
    const m = unwrap(asObject(r), 'billable_metric');
    if (typeof m === 'string') {
      metrics.errors.push(problem(r, null, m));
      continue;
    }
    const mapped = mapMetric(m);
    if (typeof mapped === 'string') metrics.errors.push(problem(r, str(m.code), mapped));
    else metrics.rows.push({ file: r.file, line: r.line, data: mapped });
  }

  // ---------------------------------------------------------------- plans
  const plans = newBatch('plans', nameOf('plans'));
  for (const r of plansSrc) {
    const p = unwrap(asObject(r), 'plan');
    if (typeof p === 'string') {
      plans.errors.push(problem(r, null, p));
      continue;
    }
    useCurrency(p.amount_currency, r);
    const mapped = mapPlan(p, metricByCode);
    if (typeof mapped === 'string') plans.errors.push(problem(r, str(p.code), mapped));
    else plans.rows.push({ file: r.file, line: r.line, data: mapped });
  }

  // ---------------------------------------------------------------- customers
  const customers = newBatch('customers', nameOf('customers'));
  let withoutLimit = 0;
  for (const r of customersSrc) {
    const c = unwrap(asObject(r), 'customer');
    if (typeof c === 'string') {
      customers.errors.push(problem(r, null, c));
      continue;
    }
    useCurrency(c.currency, r);
    const mapped = mapCustomer(c);
    if (typeof mapped === 'string') {
      customers.errors.push(problem(r, str(c.external_id), mapped));
      continue;
    }
    // Lago bills usage at the period's end and never refuses it; Tollgate refuses what goes beyond
    // credit plus the overdraft limit (0 unless given), so the operator chooses the limit.
    const currency = str(c.currency) ?? orgCurrency;
    if (options.overdraftLimit !== undefined && currency) {
      const scale = currencyScale(currency);
      const minor = scale === null ? null : minorOf(options.overdraftLimit, scale);
      if (minor === null || minor < 0n) {
        customers.errors.push(problem(r, str(c.external_id), `overdraft_limit ${options.overdraftLimit} is not an amount of ${currency}`));
        continue;
      }
      mapped.overdraft_limits = [{ asset: currency, amount: minor.toString() }];
    } else withoutLimit++;
    customers.rows.push({ file: r.file, line: r.line, data: mapped });
  }
  if (withoutLimit > 0) {
    notes.push(
      options.overdraftLimit === undefined
        ? `${withoutLimit} customer${withoutLimit === 1 ? '' : 's'} imported with an overdraft limit of 0: Lago never refuses usage, Tollgate refuses usage beyond a customer's credit and overdraft limit (402 insufficient_funds). Give the import an overdraft_limit (--overdraft-limit), or set each customer's overdraft_limits.`
        : `${withoutLimit} customer${withoutLimit === 1 ? '' : 's'} without a currency (and no default_currency in organization.json) imported with an overdraft limit of 0.`,
    );
  }

  // ---------------------------------------------------------------- subscriptions
  const subscriptions = newBatch('subscriptions', nameOf('subscriptions'));
  for (const r of subscriptionsSrc) {
    const s = unwrap(asObject(r), 'subscription');
    if (typeof s === 'string') {
      subscriptions.errors.push(problem(r, null, s));
      continue;
    }
    const status = str(s.status);
    if (status === 'terminated' || status === 'canceled') {
      subscriptions.skipped.push(problem(r, str(s.external_id), `status ${status}: nothing left to bill`));
      continue;
    }
    const mapped = mapSubscription(s);
    if (typeof mapped === 'string') subscriptions.errors.push(problem(r, str(s.external_id), mapped));
    else subscriptions.rows.push({ file: r.file, line: r.line, data: mapped });
  }

  // ---------------------------------------------------------------- wallets -> opening balances
  const balances = newBatch('balances', nameOf('wallets'));
  const flows = walletFlows(transactionsSrc);
  if (walletsSrc.length && !transactionsSrc.length) notes.push('No wallet_transactions in the export: each wallet\'s balance is imported as paid credit (the split into paid and granted credit needs the transactions).');
  for (const r of walletsSrc) {
    const w = unwrap(asObject(r), 'wallet');
    if (typeof w === 'string') {
      balances.errors.push(problem(r, null, w));
      continue;
    }
    useCurrency(w.currency, r);
    const out = mapWallet(w, flows, now);
    if (typeof out === 'string') balances.errors.push(problem(r, str(w.lago_id), out));
    else if ('skip' in out) balances.skipped.push(problem(r, str(w.lago_id), out.skip));
    else for (const row of out.rows) balances.rows.push({ file: r.file, line: r.line, data: row });
  }

  // ---------------------------------------------------------------- current usage -> opening usage
  const usage = newBatch('usage', nameOf('current_usage'));
  for (const r of usageSrc) {
    const o = asObject(r);
    if (typeof o === 'string') {
      usage.errors.push(problem(r, null, o));
      continue;
    }
    const subId = str(o.external_subscription_id);
    const body = (o.customer_usage ?? o) as Record<string, unknown>;
    if (!subId) {
      usage.errors.push(problem(r, null, 'external_subscription_id is missing: add it to each current_usage line (the usage of which subscription)'));
      continue;
    }
    for (const item of mapUsage(subId, body, metricByCode)) {
      if ('skip' in item) usage.skipped.push(problem(r, subId, item.skip));
      else if ('error' in item) usage.errors.push(problem(r, subId, item.error));
      else usage.rows.push({ file: r.file, line: r.line, data: item.row });
    }
  }

  for (const [code, where] of currencies) assets.rows.push({ file: where.file, line: where.line, data: { code } });

  const batches: Batch[] = [settings, assets, customers, metrics, plans, subscriptions, balances, usage].filter((b) => b.rows.length || b.errors.length || b.skipped.length);
  return { source: 'lago', batches, notes };
}

function problem(r: SourceRecord, key: string | null, reason: string): Problem {
  return { file: r.file, line: r.line, key, reason };
}

/** A Lago object, unwrapped from `{"<name>": {...}}` when saved as a single-object response body. */
function unwrap(o: Record<string, unknown> | string, name: string): Record<string, unknown> | string {
  if (typeof o === 'string') return o;
  const inner = o[name];
  return inner && typeof inner === 'object' && !Array.isArray(inner) && Object.keys(o).length === 1 ? (inner as Record<string, unknown>) : o;
}

/** Minor units from a Lago amount in major units ("10.0"), exactly; null when it is not a whole number of them. */
function minorOf(value: unknown, scale: number): bigint | null {
  try {
    const d = dec(typeof value === 'number' ? String(value) : (value as string));
    if (d.s <= scale) return d.c * 10n ** BigInt(scale - d.s);
    const div = 10n ** BigInt(d.s - scale);
    return d.c % div === 0n ? d.c / div : null;
  } catch (e) {
    if (e instanceof DecimalError || e instanceof TypeError) return null;
    throw e;
  }
}

const AGGREGATIONS: Record<string, string> = { count_agg: 'count', sum_agg: 'sum', max_agg: 'max', unique_count_agg: 'unique_count', latest_agg: 'latest', weighted_sum_agg: 'weighted_sum' };

function mapMetric(m: Record<string, unknown>): Record<string, unknown> | string {
  const agg = AGGREGATIONS[str(m.aggregation_type) ?? ''];
  if (!agg) return `aggregation_type ${JSON.stringify(m.aggregation_type)} has no Tollgate equivalent (custom aggregations are not supported)`;
  if (m.expression) return 'metrics computed from an expression are not supported';
  const out: Record<string, unknown> = compact({ code: m.code, name: str(m.name), description: str(m.description), aggregation: agg, property: str(m.field_name) });
  if (m.recurring === true) out.recurring = true;
  const rounding = str(m.rounding_function);
  if (rounding) out.rounding = compact({ mode: rounding, precision: typeof m.rounding_precision === 'number' ? m.rounding_precision : null });
  const filters = Array.isArray(m.filters) ? (m.filters as Record<string, unknown>[]) : [];
  if (filters.length) out.filters = filters.map((f) => ({ property: f.key, values: f.values }));
  return out;
}

const MODELS = new Set(['standard', 'graduated', 'volume', 'package', 'percentage', 'dynamic']);

/** A Lago charge's properties in Tollgate's names, or why they cannot be. */
function mapProperties(model: string, props: Record<string, unknown> | undefined | null): Record<string, unknown> | string {
  const p = compact({ ...(props ?? {}) });
  for (const k of ['grouped_by', 'pricing_group_keys']) {
    const v = p[k];
    if (Array.isArray(v) && v.length) return `${k} (a fee per group of ${v.join(', ')}) has no Tollgate equivalent`;
    delete p[k];
  }
  switch (model) {
    case 'standard':
      return { unit_price: p.amount };
    case 'graduated':
      return { graduated_ranges: ranges(p.graduated_ranges) };
    case 'volume':
      return { volume_ranges: ranges(p.volume_ranges) };
    case 'package':
      return compact({ amount: p.amount, package_size: p.package_size, free_units: p.free_units });
    case 'percentage': {
      for (const k of ['per_transaction_max_amount', 'per_transaction_min_amount']) if (p[k] !== undefined) return `percentage charges with ${k} are not supported`;
      return compact({ rate: p.rate, fixed_amount: p.fixed_amount, free_units_per_events: p.free_units_per_events, free_units_per_total_aggregation: p.free_units_per_total_aggregation });
    }
    case 'dynamic':
      return {};
  }
  return `charge_model ${model} has no Tollgate equivalent`;
}

function ranges(v: unknown): unknown {
  return Array.isArray(v) ? v.map((r) => ({ ...(r as object), to_value: (r as Record<string, unknown>).to_value ?? null })) : v;
}

/** `__ALL_FILTER_VALUES__` means every value the metric declares for that key. */
function filterValues(values: unknown, metric: Record<string, unknown> | undefined): Record<string, string[]> | string {
  if (!values || typeof values !== 'object') return 'filter values must be an object';
  const out: Record<string, string[]> = {};
  for (const [key, list] of Object.entries(values as Record<string, unknown>)) {
    const arr = Array.isArray(list) ? list.map(String) : [String(list)];
    if (arr.includes('__ALL_FILTER_VALUES__')) {
      const declared = (Array.isArray(metric?.filters) ? (metric!.filters as Record<string, unknown>[]) : []).find((f) => f.key === key);
      if (!declared || !Array.isArray(declared.values)) return `filter ${key}: __ALL_FILTER_VALUES__ needs the metric's declared values (billable_metrics file)`;
      out[key] = (declared.values as unknown[]).map(String);
    } else out[key] = arr;
  }
  return out;
}

function mapPlan(p: Record<string, unknown>, metrics: Map<string, Record<string, unknown>>): Record<string, unknown> | string {
  const currency = str(p.amount_currency);
  if (!currency) return 'amount_currency is missing';
  if (currencyScale(currency) === null) return `amount_currency ${currency} is not an ISO 4217 currency code`;
  const interval = str(p.interval);
  if (!['weekly', 'monthly', 'quarterly', 'yearly'].includes(interval ?? '')) return `interval ${JSON.stringify(p.interval)} is not supported (weekly, monthly, quarterly, yearly)`;
  if (p.bill_charges_monthly === true) return 'bill_charges_monthly (monthly usage on a yearly plan) is not supported';
  const out: Record<string, unknown> = compact({ code: p.code, name: str(p.name) ?? str(p.code), description: str(p.description), interval });
  const amount = p.amount_cents;
  if (amount !== null && amount !== undefined && String(amount) !== '0') out.fixed_fee = { asset: currency, amount: String(amount), pay_in_advance: p.pay_in_advance === true };
  if (p.trial_period !== null && p.trial_period !== undefined && Number(p.trial_period) !== 0) {
    if (!Number.isInteger(Number(p.trial_period))) return `trial_period ${p.trial_period} is not a whole number of days`;
    out.trial_days = Number(p.trial_period);
  }
  const commitment = p.minimum_commitment as Record<string, unknown> | null | undefined;
  if (commitment && commitment.amount_cents !== null && commitment.amount_cents !== undefined && String(commitment.amount_cents) !== '0') {
    out.minimum_commitment = { asset: currency, amount: String(commitment.amount_cents) };
  }
  const taxes = Array.isArray(p.taxes) ? (p.taxes as Record<string, unknown>[]) : [];
  if (taxes.length) out.tax_rate = toText(taxes.reduce<Dec>((s, t) => add(s, dec(String(t.rate ?? '0'))), dec(0)));
  const charges: Record<string, unknown>[] = [];
  for (const [i, c] of (Array.isArray(p.charges) ? (p.charges as Record<string, unknown>[]) : []).entries()) {
    const where = `charges[${i}] (${str(c.billable_metric_code) ?? '?'})`;
    const model = str(c.charge_model) ?? '';
    if (!MODELS.has(model)) return `${where}: charge_model ${model} has no Tollgate equivalent`;
    if (c.min_amount_cents !== null && c.min_amount_cents !== undefined && String(c.min_amount_cents) !== '0') return `${where}: a charge minimum (min_amount_cents) is not supported`;
    if (c.prorated === true) return `${where}: prorated charges are not supported`;
    if (c.applied_pricing_unit) return `${where}: custom pricing units are not supported`;
    if (Array.isArray(c.group_properties) && c.group_properties.length) return `${where}: group_properties (Lago's legacy groups) are not supported; Lago's filters are`;
    const metric = str(c.billable_metric_code);
    if (!metric) return `${where}: billable_metric_code is missing`;
    const properties = mapProperties(model, c.properties as Record<string, unknown>);
    if (typeof properties === 'string') return `${where}: ${properties}`;
    const base = compact({ metric, asset: currency, model, properties, pay_in_advance: c.pay_in_advance === true ? true : null, invoice_display_name: str(c.invoice_display_name) });
    charges.push(base);
    for (const [j, f] of (Array.isArray(c.filters) ? (c.filters as Record<string, unknown>[]) : []).entries()) {
      const fp = mapProperties(model, f.properties as Record<string, unknown>);
      if (typeof fp === 'string') return `${where}.filters[${j}]: ${fp}`;
      const values = filterValues(f.values, metrics.get(metric));
      if (typeof values === 'string') return `${where}.filters[${j}]: ${values}`;
      charges.push(compact({ ...base, properties: fp, filters: values, invoice_display_name: str(f.invoice_display_name) ?? base.invoice_display_name }));
    }
  }
  if (charges.length) out.charges = charges;
  return out;
}

function mapCustomer(c: Record<string, unknown>): Record<string, unknown> | string {
  const external = str(c.external_id);
  if (!external) return 'external_id is missing';
  const currency = str(c.currency);
  if (currency && currencyScale(currency) === null) return `currency ${currency} is not an ISO 4217 currency code`;
  const emails = (str(c.email) ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const name = str(c.name) ?? ([str(c.firstname), str(c.lastname)].filter(Boolean).join(' ') || null);
  const address = [str(c.address_line1), str(c.address_line2), [str(c.zipcode), str(c.city)].filter(Boolean).join(' ') || null, str(c.state)].filter((x): x is string => !!x);
  const config = (c.billing_configuration ?? {}) as Record<string, unknown>;
  const metadata: Record<string, string> = {};
  for (const m of Array.isArray(c.metadata) ? (c.metadata as Record<string, unknown>[]) : []) if (typeof m.key === 'string') metadata[m.key] = String(m.value ?? '');
  metadata.lago_id = String(c.lago_id ?? '');
  if (!metadata.lago_id) delete metadata.lago_id;
  const taxes = Array.isArray(c.taxes) ? (c.taxes as Record<string, unknown>[]) : [];
  return compact({
    external_id: external,
    name,
    email: emails[0] ?? null,
    invoice_emails: emails.length > 1 ? emails : null,
    legal_name: str(c.legal_name),
    address: address.length ? address : null,
    country: str(c.country)?.toUpperCase() ?? null,
    tax_id: str(c.tax_identification_number),
    currency: str(c.currency),
    billing_timezone: str(c.timezone),
    language: str(config.document_locale),
    payment_terms_days: typeof c.net_payment_term === 'number' ? c.net_payment_term : null,
    tax_rate: taxes.length ? toText(taxes.reduce<Dec>((s, t) => add(s, dec(String(t.rate ?? '0'))), dec(0))) : null,
    metadata: Object.keys(metadata).length ? metadata : null,
  });
}

function mapSubscription(s: Record<string, unknown>): Record<string, unknown> | string {
  const external = str(s.external_id);
  if (!external) return 'external_id is missing';
  const billing = str(s.billing_time) ?? 'calendar';
  // Tollgate anchors periods on the start. For anniversary billing Lago anchors on subscription_at
  // (an upgrade keeps the anniversary of the first subscription), so that is the start given.
  const started = billing === 'anniversary' ? (str(s.subscription_at) ?? str(s.started_at)) : (str(s.started_at) ?? str(s.subscription_at));
  if (!started) return 'started_at and subscription_at are both missing';
  return compact({
    external_id: external,
    customer: str(s.external_customer_id),
    plan: str(s.plan_code),
    started_at: started,
    billing_time: billing,
    current_period_start: str(s.current_billing_period_started_at),
    next_plan: str(s.next_plan_code),
  });
}

interface Flows {
  paid: bigint;
  granted: bigint;
}

/** Settled inbound credit per wallet, in minor units of its currency (computed when the wallet is known). */
function walletFlows(records: SourceRecord[]): Map<string, { status: string; type: string; amount: unknown }[]> {
  const out = new Map<string, { status: string; type: string; amount: unknown }[]>();
  for (const r of records) {
    const t = unwrap(asObject(r), 'wallet_transaction');
    if (typeof t === 'string') continue;
    const wallet = str(t.lago_wallet_id);
    if (!wallet) continue;
    const list = out.get(wallet) ?? [];
    list.push({ status: `${str(t.transaction_type)}:${str(t.transaction_status)}:${str(t.status)}`, type: str(t.transaction_type) ?? '', amount: t.amount });
    out.set(wallet, list);
  }
  return out;
}

/**
 * A wallet's opening balance: what it holds now (`ongoing_balance_cents`: the balance less the
 * current period's usage, which the import carries as already billed; else `balance_cents`), split
 * into paid and granted credit from its settled transactions, consuming granted credit first (as
 * Tollgate does on a tie). Its priority and expiry carry over.
 */
function mapWallet(w: Record<string, unknown>, flows: Map<string, { status: string; type: string; amount: unknown }[]>, now: number): { rows: Record<string, unknown>[] } | { skip: string } | string {
  const id = str(w.lago_id);
  const customer = str(w.external_customer_id);
  const currency = str(w.currency);
  if (!id || !customer || !currency) return 'lago_id, external_customer_id and currency are required';
  if (str(w.status) === 'terminated') return { skip: 'terminated wallet' };
  const scale = currencyScale(currency);
  if (scale === null) return `currency ${currency} is not an ISO 4217 currency`;
  let remaining: bigint | null = null;
  for (const k of ['ongoing_balance_cents', 'balance_cents']) {
    const v = w[k];
    if (v !== null && v !== undefined && /^-?\d+$/.test(String(v))) {
      remaining = BigInt(String(v));
      break;
    }
  }
  if (remaining === null && w.credits_balance !== undefined && w.rate_amount !== undefined) {
    try {
      const credits = dec(String(w.credits_ongoing_balance ?? w.credits_balance));
      const rate = dec(String(w.rate_amount));
      remaining = minorOf(toText({ c: credits.c * rate.c, s: credits.s + rate.s }), scale);
    } catch {
      remaining = null;
    }
  }
  if (remaining === null) return 'no balance: ongoing_balance_cents, balance_cents or credits_balance × rate_amount (in whole minor units) is required';
  const expiresText = str(w.expiration_at);
  const expiresAt = expiresText ? Date.parse(expiresText) : null;
  if (expiresAt !== null && Number.isNaN(expiresAt)) return `expiration_at ${expiresText} is not a date`;
  if (remaining === 0n) return { skip: 'empty wallet' };
  if (expiresAt !== null && expiresAt <= now) return { skip: `expired on ${expiresText}` };
  if (remaining < 0n) return { rows: [{ reference: `lago:wallet:${id}:debt`, customer, asset: currency, kind: 'debt', amount: String(-remaining), note: `Lago wallet ${str(w.name) ?? id}` }] };

  let paid = remaining;
  let granted = 0n;
  const list = flows.get(id);
  if (list) {
    const f: Flows = { paid: 0n, granted: 0n };
    for (const t of list) {
      const [type, txStatus, status] = t.status.split(':');
      if (type !== 'inbound' || (status !== 'settled' && status !== 'null')) continue;
      const minor = minorOf(t.amount, scale);
      if (minor === null) return `a wallet transaction amount ${String(t.amount)} is not a whole number of ${currency} minor units`;
      if (txStatus === 'granted') f.granted += minor;
      else if (txStatus === 'purchased') f.paid += minor;
    }
    const consumed = f.paid + f.granted - remaining;
    granted = consumed <= 0n ? f.granted : f.granted > consumed ? f.granted - consumed : 0n;
    if (granted > remaining) granted = remaining;
    paid = remaining - granted;
  }
  const common = compact({ customer, asset: currency, expires_at: expiresText, priority: typeof w.priority === 'number' ? w.priority : null, note: `Lago wallet ${str(w.name) ?? str(w.code) ?? id}` });
  const rows: Record<string, unknown>[] = [];
  if (paid > 0n) rows.push({ reference: `lago:wallet:${id}:paid`, kind: 'paid', amount: String(paid), ...common });
  if (granted > 0n) rows.push({ reference: `lago:wallet:${id}:granted`, kind: 'granted', amount: String(granted), ...common });
  return { rows };
}

type UsageItem = { row: Record<string, unknown> } | { skip: string } | { error: string };

/** One charge usage of Lago's current usage: a usage row per charge filter, and one for the rest (the charge's default properties). */
function mapUsage(subscription: string, body: Record<string, unknown>, metrics: Map<string, Record<string, unknown>>): UsageItem[] {
  const out: UsageItem[] = [];
  const currency = str(body.currency);
  for (const cu of Array.isArray(body.charges_usage) ? (body.charges_usage as Record<string, unknown>[]) : []) {
    const bm = (cu.billable_metric ?? {}) as Record<string, unknown>;
    const code = str(bm.code);
    if (!code) {
      out.push({ error: 'a charges_usage entry has no billable_metric.code' });
      continue;
    }
    const agg = str(bm.aggregation_type) ?? str(metrics.get(code)?.aggregation_type);
    const units = decOr(cu.units);
    const events = Number(cu.events_count ?? 0);
    if (units === null) {
      out.push({ error: `${code}: units ${JSON.stringify(cu.units)} is not a number` });
      continue;
    }
    if (units.c === 0n && events === 0) continue;
    if (Array.isArray(cu.grouped_usage) && cu.grouped_usage.length) {
      out.push({ skip: `${code}: grouped usage (pricing_group_keys) cannot be carried` });
      continue;
    }
    if (agg === 'unique_count_agg') {
      out.push({ skip: `${code}: a unique count carries over only with the distinct values, which Lago's usage does not list (the count restarts at the next event's values)` });
      continue;
    }
    if (agg === 'weighted_sum_agg') {
      out.push({ skip: `${code}: a weighted sum is priced from the period's events in time order; it cannot be carried` });
      continue;
    }
    const model = str((cu.charge as Record<string, unknown> | undefined)?.charge_model);
    const amountOf = (cents: unknown) => {
      if (model !== 'dynamic') return null;
      const scale = currency ? currencyScale(currency) : 2;
      const d = decOr(cents);
      return d === null ? null : toText({ c: d.c, s: d.s + (scale ?? 2) });
    };
    let restUnits = units;
    let restEvents = events;
    let restCents = decOr(cu.amount_cents);
    for (const f of Array.isArray(cu.filters) ? (cu.filters as Record<string, unknown>[]) : []) {
      const values = filterValues(f.values, metrics.get(code));
      if (typeof values === 'string') {
        out.push({ error: `${code}: ${values}` });
        continue;
      }
      const fu = decOr(f.units);
      if (fu === null) {
        out.push({ error: `${code}: filter units ${JSON.stringify(f.units)} is not a number` });
        continue;
      }
      restUnits = sub(restUnits, fu);
      restEvents -= Number(f.events_count ?? 0);
      const fc = decOr(f.amount_cents);
      if (restCents && fc) restCents = sub(restCents, fc);
      if (fu.c === 0n && Number(f.events_count ?? 0) === 0) continue;
      out.push({ row: compact({ subscription, metric: code, filters: values, units: toText(fu), events: Number(f.events_count ?? 0), amount: amountOf(f.amount_cents) }) });
    }
    if (restUnits.c !== 0n || restEvents > 0) out.push({ row: compact({ subscription, metric: code, units: toText(restUnits), events: Math.max(0, restEvents), amount: restCents ? amountOf(toText(restCents)) : null }) });
  }
  return out;
}

function decOr(v: unknown): Dec | null {
  if (v === null || v === undefined) return null;
  try {
    return dec(typeof v === 'number' ? String(v) : (v as string));
  } catch {
    return null;
  }
}

/** Tollgate's invoice prefixes: upper-case letters, digits and -, at most 16. */
const VALID_PREFIX = /^[A-Z0-9][A-Z0-9-]{0,15}$/;

/**
 * Where the invoice numbering continues. With per-organization numbering Lago numbers invoices
 * `PREFIX-YYYYMM-SEQ`, one sequence for the organization: the next Tollgate invoice takes SEQ + 1
 * in the same prefix (Tollgate writes PREFIX-YYYY-NNNNNN and restarts each year). Per-customer
 * numbering has no organization-wide sequence to continue: noted, not mapped.
 */
function nextInvoiceNumber(org: Record<string, unknown>, invoices: SourceRecord[], notes: string[]): { prefix: string; year: number; number: number } | null {
  const prefix = str(org.document_number_prefix);
  if (!invoices.length || !prefix) return null;
  if (str(org.document_numbering) !== 'per_organization') {
    notes.push(`Lago numbers invoices per customer (${str(org.document_numbering) ?? 'per_customer'}): there is no single sequence to continue; Tollgate's numbering starts at its own sequence.`);
    return null;
  }
  if (!VALID_PREFIX.test(prefix)) {
    notes.push(`Lago's invoice prefix ${prefix} is not a valid Tollgate prefix (upper-case letters, digits and -, at most 16): set one in the settings.`);
    return null;
  }
  let best: { seq: number; year: number } | null = null;
  const re = new RegExp(`^${prefix.replace(/[-]/g, '\\-')}-(\\d{4})(\\d{2})-(\\d+)$`);
  for (const r of invoices) {
    const i = unwrap(asObject(r), 'invoice');
    if (typeof i === 'string' || str(i.status) !== 'finalized') continue;
    const m = re.exec(str(i.number) ?? '');
    if (!m) continue;
    const seq = Number(m[3]);
    if (!best || seq > best.seq) best = { seq, year: Number(m[1]) };
  }
  return best ? { prefix, year: best.year, number: best.seq + 1 } : null;
}

export interface LagoImportOptions {
  /** Decimal, in major units of each customer's currency: the overdraft limit every imported customer gets. */
  overdraftLimit?: string;
}
