import { createClient } from '../../shared/client/index';
const api = createClient({ baseUrl: process.argv[2]!, apiKey: 'tg_e2eadmin_0123456789abcdefghijklmnop' });
const id = 'post-' + Date.now().toString(36);
const ensure = <T,>(p: Promise<T>) => p.catch((e) => { if (e.code !== 'already_exists') throw e; return null; });
await ensure(api.call('createAsset', { code: 'USD' }));
await ensure(api.call('createMetric', { code: 'inv_calls', name: 'API calls', aggregation: 'count' }));
await api.call('createPlan', { code: 'inv-plan', name: 'Scale', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '2900' }, minimum_commitment: { asset: 'USD', amount: '10000' },
  charges: [{ metric: 'inv_calls', asset: 'USD', model: 'graduated', properties: { graduated_ranges: [ { from_value: 0, to_value: 10, per_unit_amount: '0.50', flat_amount: '0' }, { from_value: 11, to_value: null, per_unit_amount: '0.25', flat_amount: '1' } ] } }] });
await api.call('createCustomer', { external_id: id, name: 'Postpaid Co', billing_mode: 'postpaid', tax_rate: '20', overdraft_limits: [{ asset: 'USD', amount: '10000000' }], on_insufficient_funds: 'record_as_debt' } as never);
const now = new Date();
const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
const sub = await api.call('createSubscription', { customer: id, plan: 'inv-plan', start_at: start.toISOString() });
console.log('sub', sub.id, sub.started_at, sub.current_period_start ?? '', JSON.stringify(sub).slice(0, 400));
const ts = new Date(start.getTime() + 3 * 86400_000).toISOString();
const r = await api.call('ingestBatch', { events: Array.from({ length: 25 }, (_, i) => ({ transaction_id: `${id}-${i}`, customer: id, code: 'inv_calls', timestamp: ts })) });
console.log('batch', r.accepted, r.refused, JSON.stringify(r.results?.[0] ?? r).slice(0, 300));
const run = await api.call('createBillingRun', { customer: id });
let rr = run;
while (rr.status === 'running') { await new Promise((r) => setTimeout(r, 300)); rr = await api.call('getBillingRun', { id: run.id }); }
console.log('run', JSON.stringify(rr));
const list = await api.call('listInvoices', { customer: id, order: 'desc' });
console.log(JSON.stringify(list.data.map((i) => ({ id: i.id, number: i.number, status: i.status, total: i.total, lines: i.lines.map((l) => [l.kind, l.description, l.amount, l.tiers.length]), taxes: i.taxes, actions: i.allowed_actions, grace: i.grace_until })), null, 1));
