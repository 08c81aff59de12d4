import { asObject, type Batch, compact, currencyScale, findFile, type ImportPlan, newBatch, type Problem, readRecords, type SourceRecord, str } from './source';

/**
 * Reads a Stripe export and maps it to the import format. An export is a folder of the objects
 * Stripe's API returns (JSON lines, or saved list bodies `{"object": "list", "data": [...]}`):
 *
 * - customers                     GET /v1/customers: the customer, and its `balance` (negative: credit
 *                                 the customer holds; positive: owed, added to the next invoice)
 * - credit_grants                 GET /v1/billing/credit_grants: `amount.monetary` {currency, value},
 *                                 `category` paid or promotional, `priority`, `expires_at`,
 *                                 `effective_at`, `voided_at`
 * - credit_balance_transactions   optional: GET /v1/billing/credit_balance_transactions, the debits
 *                                 (and reinstated credits) of each grant, so only what remains of a
 *                                 grant is imported
 * - cash_balances                 optional: GET /v1/customers/{id}/cash_balance bodies
 *
 * A customer's external_id is its `metadata.tollgate_external_id`, else `metadata.external_id`,
 * else its Stripe id. Amounts are already minor units (Stripe's `value`, `balance`).
 */
export function readStripeExport(folder: string, now: number): ImportPlan {
  const notes: string[] = [];
  const load = (base: string): SourceRecord[] => {
    const name = findFile(folder, base);
    return name ? readRecords(folder, name) : [];
  };
  const nameOf = (base: string) => findFile(folder, base) ?? `${base}.jsonl`;
  const customersSrc = load('customers');
  const grantsSrc = load('credit_grants');
  const txSrc = load('credit_balance_transactions');
  const cashSrc = load('cash_balances');

  const assets = newBatch('assets', 'currencies');
  const currencies = new Map<string, SourceRecord>();
  const useCurrency = (code: string, where: SourceRecord) => {
    if (currencyScale(code) !== null && !currencies.has(code)) currencies.set(code, where);
  };

  // ---------------------------------------------------------------- customers
  const customers = newBatch('customers', nameOf('customers'));
  const balancesFromCustomers = newBatch('balances', nameOf('customers'));
  const externalOf = new Map<string, string>();
  for (const r of customersSrc) {
    const c = asObject(r);
    if (typeof c === 'string') {
      customers.errors.push(problem(r, null, c));
      continue;
    }
    const id = str(c.id);
    if (!id) {
      customers.errors.push(problem(r, null, 'id is missing'));
      continue;
    }
    if (c.deleted === true) {
      customers.skipped.push(problem(r, id, 'deleted customer'));
      continue;
    }
    const meta = (c.metadata && typeof c.metadata === 'object' ? c.metadata : {}) as Record<string, unknown>;
    const external = str(meta.tollgate_external_id) ?? str(meta.external_id) ?? id;
    externalOf.set(id, external);
    const currency = str(c.currency)?.toUpperCase() ?? null;
    if (currency && currencyScale(currency) === null) {
      customers.errors.push(problem(r, external, `currency ${currency} is not an ISO 4217 currency code`));
      continue;
    }
    const address = (c.address ?? {}) as Record<string, unknown>;
    const lines = [str(address.line1), str(address.line2), [str(address.postal_code), str(address.city)].filter(Boolean).join(' ') || null, str(address.state)].filter((x): x is string => !!x);
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(meta)) if (k !== 'tollgate_external_id') metadata[k] = String(v);
    metadata.stripe_customer_id = id;
    const exempt = str(c.tax_exempt);
    customers.rows.push({
      file: r.file,
      line: r.line,
      data: compact({
        external_id: external,
        name: str(c.name),
        email: str(c.email),
        address: lines.length ? lines : null,
        country: str(address.country)?.toUpperCase() ?? null,
        currency,
        language: Array.isArray(c.preferred_locales) && c.preferred_locales.length ? String(c.preferred_locales[0]).slice(0, 16) : null,
        tax_treatment: exempt === 'exempt' ? 'exempt' : exempt === 'reverse' ? 'reverse_charge' : null,
        metadata,
      }),
    });
    if (currency) useCurrency(currency, r);
    // The invoice balance: negative is credit the customer holds, positive is owed.
    const balance = c.balance;
    if (balance !== undefined && balance !== null && Number(balance) !== 0) {
      if (!currency) balancesFromCustomers.errors.push(problem(r, id, `balance ${String(balance)} has no currency`));
      else if (!/^-?\d+$/.test(String(balance))) balancesFromCustomers.errors.push(problem(r, id, `balance ${String(balance)} is not a whole number of minor units`));
      else {
        const n = BigInt(String(balance));
        balancesFromCustomers.rows.push({
          file: r.file,
          line: r.line,
          data: { reference: `stripe:customer_balance:${id}`, customer: external, asset: currency, kind: n < 0n ? 'paid' : 'debt', amount: String(n < 0n ? -n : n), note: 'Stripe customer balance' },
        });
      }
    }
  }

  // ---------------------------------------------------------------- cash balances
  const cash = newBatch('balances', nameOf('cash_balances'));
  for (const r of cashSrc) {
    const o = asObject(r);
    if (typeof o === 'string') {
      cash.errors.push(problem(r, null, o));
      continue;
    }
    const cus = str(o.customer);
    const external = cus ? externalOf.get(cus) : undefined;
    if (!cus || !external) {
      cash.errors.push(problem(r, cus, `customer ${cus ?? '(missing)'} is not in the customers file`));
      continue;
    }
    for (const [cur, value] of Object.entries((o.available ?? {}) as Record<string, unknown>)) {
      const currency = cur.toUpperCase();
      if (!/^\d+$/.test(String(value))) {
        cash.errors.push(problem(r, cus, `available ${cur} ${String(value)} is not a whole number of minor units`));
        continue;
      }
      if (String(value) === '0') continue;
      useCurrency(currency, r);
      cash.rows.push({ file: r.file, line: r.line, data: { reference: `stripe:cash_balance:${cus}:${currency}`, customer: external, asset: currency, kind: 'paid', amount: String(value), note: 'Stripe cash balance' } });
    }
  }

  // ---------------------------------------------------------------- credit grants
  const grants = newBatch('balances', nameOf('credit_grants'));
  const used = new Map<string, bigint>();
  for (const r of txSrc) {
    const t = asObject(r);
    if (typeof t === 'string') continue;
    const grant = typeof t.credit_grant === 'string' ? t.credit_grant : str((t.credit_grant as Record<string, unknown> | undefined)?.id);
    if (!grant) continue;
    const side = str(t.type);
    const detail = (side === 'debit' ? t.debit : t.credit) as Record<string, unknown> | undefined;
    if (!detail || str(detail.type) === 'credits_granted') continue;
    const value = (detail.amount as Record<string, unknown> | undefined)?.monetary as Record<string, unknown> | undefined;
    if (!value || !/^\d+$/.test(String(value.value))) continue;
    const v = BigInt(String(value.value));
    used.set(grant, (used.get(grant) ?? 0n) + (side === 'debit' ? v : -v));
  }
  if (grantsSrc.length && !txSrc.length) notes.push('No credit_balance_transactions in the export: each credit grant is imported whole (what was already applied cannot be subtracted).');
  for (const r of grantsSrc) {
    const g = asObject(r);
    if (typeof g === 'string') {
      grants.errors.push(problem(r, null, g));
      continue;
    }
    const id = str(g.id);
    const cus = typeof g.customer === 'string' ? g.customer : str((g.customer as Record<string, unknown> | undefined)?.id);
    if (!id || !cus) {
      grants.errors.push(problem(r, id, 'id and customer are required'));
      continue;
    }
    const external = externalOf.get(cus);
    if (!external) {
      grants.errors.push(problem(r, id, `customer ${cus} is not in the customers file`));
      continue;
    }
    if (g.voided_at) {
      grants.skipped.push(problem(r, id, 'voided'));
      continue;
    }
    const expires = typeof g.expires_at === 'number' ? g.expires_at * 1000 : null;
    if (expires !== null && expires <= now) {
      grants.skipped.push(problem(r, id, `expired on ${new Date(expires).toISOString()}`));
      continue;
    }
    if (typeof g.effective_at === 'number' && g.effective_at * 1000 > now) {
      grants.skipped.push(problem(r, id, `effective only from ${new Date(g.effective_at * 1000).toISOString()}: grant it in Tollgate then`));
      continue;
    }
    const amount = (g.amount ?? {}) as Record<string, unknown>;
    if (str(amount.type) !== 'monetary' || !amount.monetary) {
      grants.errors.push(problem(r, id, `amount of type ${String(amount.type)} is not supported (monetary only)`));
      continue;
    }
    const monetary = amount.monetary as Record<string, unknown>;
    const currency = str(monetary.currency)?.toUpperCase();
    if (!currency || currencyScale(currency) === null) {
      grants.errors.push(problem(r, id, `currency ${String(monetary.currency)} is not an ISO 4217 currency`));
      continue;
    }
    if (!/^\d+$/.test(String(monetary.value))) {
      grants.errors.push(problem(r, id, `value ${String(monetary.value)} is not a whole number of minor units`));
      continue;
    }
    const remaining = BigInt(String(monetary.value)) - (used.get(id) ?? 0n);
    if (remaining <= 0n) {
      grants.skipped.push(problem(r, id, 'used up'));
      continue;
    }
    const category = str(g.category) ?? 'paid';
    if (category !== 'paid' && category !== 'promotional') {
      grants.errors.push(problem(r, id, `category ${category} is not paid or promotional`));
      continue;
    }
    useCurrency(currency, r);
    grants.rows.push({
      file: r.file,
      line: r.line,
      data: compact({
        reference: `stripe:credit_grant:${id}`,
        customer: external,
        asset: currency,
        kind: category === 'paid' ? 'paid' : 'granted',
        amount: String(remaining),
        expires_at: expires !== null ? new Date(expires).toISOString() : null,
        priority: typeof g.priority === 'number' ? g.priority : null,
        note: str(g.name) ?? 'Stripe credit grant',
      }),
    });
  }

  for (const [code, where] of currencies) assets.rows.push({ file: where.file, line: where.line, data: { code } });
  const batches: Batch[] = [assets, customers, balancesFromCustomers, cash, grants].filter((b) => b.rows.length || b.errors.length || b.skipped.length);
  return { source: 'stripe', batches, notes };
}

function problem(r: SourceRecord, key: string | null, reason: string): Problem {
  return { file: r.file, line: r.line, key, reason };
}
