/**
 * Operability: the Prometheus endpoint (events, refusals by reason, the authorization latency
 * histogram, request counters by route template, webhook queue, storage, backup age) behind a read
 * key; structured JSON-lines logs in the data dir that name routes as templates and never carry
 * keys, customers' ids or event properties; log rotation by size.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RotatingLog } from '../../src-main/runtime/log-file';
import { ADMIN_KEY, tempDir } from '../helpers/harness';
import { kill9, startServe } from '../helpers/serve-process';

describe('metrics and logs', () => {
  it('exposes Prometheus metrics and writes safe structured logs', async () => {
    const dataDir = tempDir();
    const p = await startServe(dataDir);
    const api = (method: string, path: string, body?: unknown, key = ADMIN_KEY) =>
      fetch(p.url + path, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    try {
      await api('POST', '/v1/assets', { code: 'USD' });
      await api('POST', '/v1/customers', { external_id: 'cust-secret-42' });
      await api('POST', '/v1/customers/cust-secret-42/top-ups', { asset: 'USD', amount: '1000' });
      expect((await api('POST', '/v1/authorizations', { customer: 'cust-secret-42', asset: 'USD', amount: '10' })).status).toBe(201);
      expect((await api('POST', '/v1/authorizations', { customer: 'cust-secret-42', asset: 'USD', amount: '999999' })).status).toBe(402);
      expect((await api('POST', '/v1/events', { transaction_id: 'e1', customer: 'cust-secret-42', code: 'x', properties: { prompt: 'very private words' } })).status).toBe(201);
      expect((await api('POST', '/v1/events', { transaction_id: 'e2', customer: 'nobody-here', code: 'x' })).status).toBe(404);
      await api('GET', '/v1/customers/cust-secret-42/balances');
      await new Promise((r) => setTimeout(r, 1500)); // refusal counts are flushed every second

      const reader = (await (await api('POST', '/v1/api-keys', { name: 'prometheus', scopes: ['read'] })).json()) as { key: string };
      const unauth = await fetch(`${p.url}/metrics`);
      expect(unauth.status).toBe(401);
      // GET /v1/metrics is also the billable metrics list: JSON clients get that, a scraper gets Prometheus text.
      const list = await fetch(`${p.url}/v1/metrics`, { headers: { authorization: `Bearer ${reader.key}`, accept: 'application/json' } });
      expect(((await list.json()) as { data: unknown[] }).data).toEqual([]);
      const scrape = await fetch(`${p.url}/metrics`, { headers: { authorization: `Bearer ${reader.key}` } });
      expect(await scrape.text()).toMatch(/^# HELP tollgate_events_recorded_total/m);
      const res = await fetch(`${p.url}/v1/metrics`, { headers: { authorization: `Bearer ${reader.key}`, accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/plain/);
      const text = await res.text();
      const value = (re: RegExp) => Number(re.exec(text)?.[1]);
      expect(value(/^tollgate_events_recorded_total (\d+)$/m)).toBe(1);
      expect(value(/^tollgate_authorization_duration_seconds_count (\d+)$/m)).toBe(2);
      expect(value(/^tollgate_authorization_duration_seconds_bucket\{le="\+Inf"\} (\d+)$/m)).toBe(2);
      expect(value(/^tollgate_refusals_total\{reason="customer_not_found"\} (\d+)$/m)).toBe(1);
      expect(value(/^tollgate_refusals_total\{reason="insufficient_funds"\} (\d+)$/m)).toBe(1);
      expect(text).toMatch(/^tollgate_http_requests_total\{method="GET",route="\/v1\/customers\/\{external_id\}\/balances",status="200"\} 1$/m);
      expect(value(/^tollgate_database_bytes (\d+)$/m) + value(/^tollgate_wal_bytes (\d+)$/m)).toBeGreaterThan(10_000);
      expect(text).toMatch(/^tollgate_webhook_queue_depth 0$/m);
      // Every commit carries at least one write; the counters only grow from what ran.
      const commits = value(/^tollgate_writer_commits_total (\d+)$/m);
      expect(commits).toBeGreaterThan(0);
      expect(value(/^tollgate_writer_operations_total (\d+)$/m)).toBeGreaterThanOrEqual(commits);
      expect(text).toMatch(/^tollgate_last_backup_age_seconds /m);
      expect(text).not.toContain('cust-secret-42');
    } finally {
      p.child.kill('SIGTERM');
      await new Promise((r) => p.child.once('exit', r));
      await kill9(p);
    }
    const log = readFileSync(join(dataDir, 'logs', 'tollgate.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log.length).toBeGreaterThan(8);
    const balances = log.find((l) => l.route === '/v1/customers/{external_id}/balances');
    expect(balances).toMatchObject({ level: 'info', method: 'GET', status: 200 });
    expect(typeof balances!.latency_ms).toBe('number');
    expect(typeof balances!.request_id).toBe('string');
    expect(balances!.key_id).toBe('testadmin');
    const raw = readFileSync(join(dataDir, 'logs', 'tollgate.log'), 'utf8');
    expect(raw).not.toContain('cust-secret-42');
    expect(raw).not.toContain('very private words');
    expect(raw).not.toContain(ADMIN_KEY.split('_')[2]!);
  }, 60_000);

  it('rotates the log by size and keeps a bounded number of files', () => {
    const dir = tempDir();
    const log = new RotatingLog({ dir, maxBytes: 2000, keep: 3 });
    for (let i = 0; i < 200; i++) {
      log.write({ level: 'info', i, route: '/v1/events' });
      if (i % 10 === 0) log.flush();
    }
    log.close();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['tollgate.log', 'tollgate.log.1', 'tollgate.log.2', 'tollgate.log.3']);
    const last = readFileSync(join(dir, 'tollgate.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { i: number });
    expect(last[last.length - 1]!.i).toBe(199);
  });
});
