/**
 * HTTP input fuzzing. Proves that no request, however malformed, makes the server fail (a 5xx),
 * change anything when it refuses (the digest of every ledger table is the same before and after
 * each refused request), or stop serving.
 *
 * Thousands of requests over every operation of the contract, each built from a valid request of
 * that operation and then, most of the time, mutated: broken JSON (truncated, stray characters,
 * trailing commas, NaN, a byte-order mark), JSON that is not an object, wrong content types, wrong
 * types for a field, huge and non-integer numbers, long strings, unicode (emoji, right-to-left
 * override, lone surrogates, NUL), nesting thousands of levels deep, bodies over the size limit,
 * `__proto__` keys, duplicate and unknown keys, missing fields, odd path parameters and query
 * strings, missing, malformed and under-scoped API keys, wrong methods, and raw bytes that are not
 * HTTP at all. Every refusal must carry the error shape with a code from the closed list. The
 * server must answer a health check throughout, and the ledger check must pass at the end.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/contract/errors';
import { OPERATION_LIST, type Operation } from '../../shared/contract/operations';
import { ManualClock } from '../../src-main/engine/clock';
import { ADMIN_KEY, ledgerDigest, type ServerFixture, startApi, tempDir } from '../helpers/harness';
import { pick, rand } from './support';

const REQUESTS = Number(process.env.FUZZ_N ?? pick(3000, 30_000));

let fx: ServerFixture;
const sandbox = tempDir('tollgate-fuzz-files-');
afterAll(async () => {
  await fx?.close();
  rmSync(sandbox, { recursive: true, force: true });
});

const oneOf = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
let seq = 0;
const uniq = (p: string) => `${p}-${++seq}`;

/** Values that replace a field: wrong types, edge numbers, hostile strings. */
const NASTY: (() => unknown)[] = [
  () => null,
  () => true,
  () => 0,
  () => -1,
  () => 1.5,
  () => 1e308,
  () => -1e308,
  () => 2 ** 53 + 2,
  () => Number.MIN_VALUE,
  () => '99999999999999999999999999999',
  () => '-0',
  () => '1e3',
  () => '0x10',
  () => 'NaN',
  () => '',
  () => ' ',
  () => 'a'.repeat(100_000),
  () => 'é💥\u202e\u0000\u200b',
  () => '\ud800',
  () => '\udfff\ud800',
  () => "' OR 1=1 --",
  () => '../../../../etc/passwd',
  () => [],
  () => ({}),
  () => [1, 'two', null],
  () => ({ $gt: '' }),
  () => ({ __proto__: { admin: true } }),
  () => deep(200),
];

function deep(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Keys whose strings name files on the server: mutated to other types only, or kept in the sandbox. */
const PATH_KEYS = new Set(['folder', 'dir', 'path', 'file']);

interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

describe('HTTP input fuzzing', () => {
  it(`${REQUESTS} mutated requests: never a 5xx, never a change on a refusal, still serving`, async () => {
    fx = await startApi({ clock: new ManualClock(Date.parse('2026-06-15T12:00:00Z')) });
    const { api, engine, url } = fx;
    // A small world for valid requests to act on.
    await api('POST', '/v1/assets', { code: 'USD' });
    await api('POST', '/v1/metrics', { code: 'tokens', aggregation: 'sum', property: 'tokens' });
    await api('POST', '/v1/plans', { code: 'tok', name: 'Tokens', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] });
    for (const c of ['acme', 'victim1', 'victim2', 'victim3']) {
      await api('POST', '/v1/customers', { external_id: c, name: c });
      await api('POST', `/v1/customers/${c}/top-ups`, { asset: 'USD', amount: '1000000', kind: 'granted' });
    }
    const sub = (await api('POST', '/v1/subscriptions', { customer: 'acme', plan: 'tok' })).body.id;
    const victimSub = (await api('POST', '/v1/subscriptions', { customer: 'victim1', plan: 'tok' })).body.id;
    const topUp = (await api('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '50000' })).body.id;
    const auth = (await api('POST', '/v1/authorizations', { customer: 'acme', asset: 'USD', amount: '100', ttl_seconds: 86_400 })).body.id;
    const meteredAuth = (await api('POST', '/v1/authorizations', { customer: 'acme', metric: 'tokens', quantity: '5', ttl_seconds: 86_400 })).body.id;
    await api('POST', '/v1/events', { transaction_id: 'ev-1', customer: 'acme', code: 'tokens', properties: { tokens: 3 } });
    await api('POST', '/v1/coupons', { code: 'c0', name: 'C', kind: 'fixed', asset: 'USD', amount: '100', frequency: 'once' });
    const spareKey = (await api('POST', '/v1/api-keys', { name: 'spare', scopes: ['read'] })).body;
    const readKey = spareKey.key as string;
    mkdirSync(join(sandbox, 'empty-import'), { recursive: true });
    await engine.documents.renderPending();

    const event = () => ({ transaction_id: uniq('tx'), customer: 'acme', code: 'tokens', properties: { tokens: 1 + rand(5) } });
    /** A valid request per operation (unknown ones: an empty body, placeholder parameters). */
    const valid: Record<string, () => { params?: Record<string, string>; body?: Record<string, unknown>; query?: Record<string, string> }> = {
      createAsset: () => ({ body: { code: `F${String.fromCharCode(65 + rand(26))}${String.fromCharCode(65 + rand(26))}` } }),
      getAsset: () => ({ params: { code: 'USD' } }),
      addAssetRate: () => ({ params: { code: 'USD' }, body: { currency: 'USD', rate: '1' } }),
      createCustomer: () => ({ body: { external_id: uniq('f'), name: 'Fuzz' } }),
      listCustomers: () => ({ query: { limit: '5', search: 'ac' } }),
      getCustomer: () => ({ params: { external_id: 'acme' } }),
      updateCustomer: () => ({ params: { external_id: 'acme' }, body: { name: 'Acme' } }),
      getBalances: () => ({ params: { external_id: 'acme' } }),
      createTopUp: () => ({ params: { external_id: 'acme' }, body: { asset: 'USD', amount: '100', kind: 'granted' } }),
      listTopUps: () => ({ params: { external_id: 'acme' }, query: { limit: '3' } }),
      getTopUp: () => ({ params: { id: topUp } }),
      refundTopUp: () => ({ params: { id: topUp }, body: { amount: '1', idempotency_key: uniq('r') } }),
      reverseTopUp: () => ({ params: { id: topUp }, body: { reason: 'fuzz' } }),
      confirmTopUp: () => ({ params: { id: topUp } }),
      failTopUp: () => ({ params: { id: topUp } }),
      createAdjustment: () => ({ params: { external_id: 'acme' }, body: { asset: 'USD', amount: String(rand(2) ? 5 : -5), reason: 'fuzz', idempotency_key: uniq('adj') } }),
      createMetric: () => ({ body: { code: uniq('m'), aggregation: 'sum', property: 'x' } }),
      createPlan: () => ({ body: { code: uniq('p'), name: 'P', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] } }),
      getPlan: () => ({ params: { code: 'tok' } }),
      createSubscription: () => ({ body: { customer: 'victim2', plan: 'tok' } }),
      getSubscription: () => ({ params: { id: sub } }),
      updateSubscription: () => ({ params: { id: sub }, body: { entitlements: {} } }),
      terminateSubscription: () => ({ params: { id: victimSub }, body: { at: 'period_end' } }),
      getEntitlements: () => ({ params: { external_id: 'acme' } }),
      getUsage: () => ({ params: { external_id: 'acme' } }),
      createCoupon: () => ({ body: { code: uniq('c'), name: 'C', kind: 'fixed', asset: 'USD', amount: '100', frequency: 'once' } }),
      applyCoupon: () => ({ params: { external_id: 'acme' }, body: { coupon: 'c0' } }),
      listAppliedCoupons: () => ({ params: { external_id: 'acme' } }),
      updateSettings: () => ({ body: { grace_period_hours: 1 } }),
      createQuote: () => ({ body: { customer: 'acme', metric: 'tokens', quantity: '10' } }),
      createAuthorization: () => (rand(2) ? { body: { customer: 'acme', asset: 'USD', amount: '10', idempotency_key: uniq('a') } } : { body: { customer: 'acme', metric: 'tokens', quantity: 3, idempotency_key: uniq('a') } }),
      getAuthorization: () => ({ params: { id: auth } }),
      captureAuthorization: () => ({ params: { id: auth }, body: { amount: '1', final_capture: false } }),
      incrementAuthorization: () => (rand(2) ? { params: { id: auth }, body: { amount: '1' } } : { params: { id: meteredAuth }, body: { quantity: 1 } }),
      extendAuthorization: () => ({ params: { id: auth }, body: { ttl_seconds: 3600 } }),
      voidAuthorization: () => ({ params: { id: auth } }),
      ingestEvent: () => ({ body: event() }),
      ingestBatch: () => ({ body: { events: [event(), event(), event()] } }),
      listEvents: () => ({ query: { customer: 'acme', limit: '5' } }),
      getEvent: () => ({ params: { transaction_id: 'ev-1' }, query: { customer: 'acme' } }),
      reverseEvent: () => ({ params: { transaction_id: 'ev-1' }, body: { customer: 'acme', reason: 'fuzz' } }),
      listRefusals: () => ({ query: { customer: 'acme' } }),
      listTransfers: () => ({ query: { customer: 'acme', limit: '5' } }),
      listInvoices: () => ({ query: { limit: '5' } }),
      previewInvoice: () => ({ params: { external_id: 'acme' } }),
      exportInvoices: () => ({ body: { formats: ['csv'], folder: join(sandbox, uniq('inv')) } }),
      createWebhookEndpoint: () => ({ body: { url: 'http://127.0.0.1:9/hook' } }),
      createApiKey: () => ({ body: { name: 'fuzz', scopes: ['read'] } }),
      updateApiKey: () => ({ params: { id: spareKey.id }, body: { name: 'spare' } }),
      createReadToken: () => ({ params: { external_id: 'acme' }, body: {} }),
      closeCustomer: () => ({ params: { external_id: 'victim3' }, body: { reason: 'fuzz' } }),
      eraseCustomer: () => ({ params: { external_id: 'victim3' }, body: { reason: 'fuzz' } }),
      exportCustomerData: () => ({ params: { external_id: 'acme' } }),
      createImport: () => ({ body: { folder: join(sandbox, 'empty-import'), dry_run: true } }),
      createFullExport: () => ({ body: { folder: join(sandbox, uniq('full')) } }),
      updateBackupSettings: () => ({ body: { keep: 3 } }),
      listAuditLog: () => ({ query: { limit: '5' } }),
    };
    // Operations a fuzzer must not run for real over and over (they end the world it acts on).
    const neverValid = new Set(['revokeApiKey', 'rotateApiKey']);

    const build = (op: Operation): { params: Record<string, string>; body: Record<string, unknown> | undefined; query: Record<string, string> } => {
      const v = valid[op.id]?.() ?? {};
      const params: Record<string, string> = { ...v.params };
      for (const m of op.path.matchAll(/\{([a-z_]+)\}/g)) params[m[1]!] ??= neverValid.has(op.id) ? 'key_does_not_exist' : 'x';
      const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : (v.body ?? {});
      return { params, body, query: v.query ?? {} };
    };

    const paths = (obj: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
      if (obj === null || typeof obj !== 'object') return [prefix];
      const out: (string | number)[][] = prefix.length ? [prefix] : [];
      for (const [k, v] of Object.entries(obj)) out.push(...paths(v, [...prefix, Array.isArray(obj) ? Number(k) : k]));
      return out;
    };
    const setAt = (obj: any, path: (string | number)[], value: unknown, del = false) => {
      let o = obj;
      for (const k of path.slice(0, -1)) o = o[k];
      const last = path[path.length - 1]!;
      if (del) {
        if (Array.isArray(o)) o.splice(Number(last), 1);
        else delete o[last];
      } else o[last] = value;
    };

    const bearer = { authorization: `Bearer ${ADMIN_KEY}` };
    const json = { ...bearer, 'content-type': 'application/json' };
    const toPath = (op: Operation, params: Record<string, string>) => op.path.replace(/\{([a-z_]+)\}/g, (_, n: string) => encodeURIComponent(params[n]!));
    const qs = (q: Record<string, string>) => (Object.keys(q).length ? `?${new URLSearchParams(q)}` : '');
    
    function request(): { req: Req; op: Operation; kind: string } {
      const op = oneOf(OPERATION_LIST);
      const { params, body, query } = build(op);
      const path = toPath(op, params);
      const text = body === undefined ? undefined : JSON.stringify(body);
      const base: Req = { method: op.method, path: path + qs(query), headers: body === undefined ? bearer : json, body: text };
      const r = rand(100);
      if (r < 8 || neverValid.has(op.id)) return neverValid.has(op.id) ? { req: { ...base, path: toPath(op, { ...params, id: 'nope' }) }, op, kind: 'unknown id' } : { req: base, op, kind: 'valid' };
      // ------------------------------------------------------------ body text
      if (r < 30 && text !== undefined) {
        const broken = oneOf([
          () => text.slice(0, rand(text.length)),
          () => text.slice(0, rand(text.length)) + oneOf(['"', '}', ']', ',', ':', '\\', '\u0000', 'x']) + text.slice(rand(text.length)),
          () => text.replace(/}$/, ',}'),
          () => text.replace(/"[0-9]+"/, 'NaN'),
          () => text.replace(/"/g, "'"),
          () => '\ufeff' + text,
          () => '[]',
          () => '"a string"',
          () => '12',
          () => 'null',
          () => 'true',
          () => '',
          () => text + text,
          () => `{"__proto__": {"admin": true}, ${text.slice(1)}`,
          () => `{"constructor": {"prototype": {"x": 1}}, ${text.slice(1)}`,
          () => text.replace(/^\{/, '{"dup": 1, "dup": 2, '),
          () => '{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}',
          () => '{"a":' + '{"b":'.repeat(5000) + '1' + '}'.repeat(5000) + '}',
          () => '{"amount": 1' + '0'.repeat(400) + '}',
          () => '{"amount": -1e400}',
          () => '{"amount": 0.' + '1'.repeat(1000) + '}',
        ])();
        return { req: { ...base, body: broken }, op, kind: 'broken json' };
      }
      // ------------------------------------------------------------ fields
      if (r < 60 && body !== undefined) {
        const copy = structuredClone(body) as Record<string, unknown>;
        const ps = paths(copy);
        const choice = rand(10);
        if (choice < 2 || !ps.length) {
          copy[oneOf(['unknown_key', '__proto__', 'constructor', 'prototype', '', ' ', '💥', 'a'.repeat(300)])] = oneOf(NASTY)();
        } else {
          const p = oneOf(ps);
          if (choice < 4) setAt(copy, p, undefined, true);
          else {
            const last = String(p[p.length - 1]);
            setAt(copy, p, PATH_KEYS.has(last) ? oneOf([null, 12, true, [], {}, join(sandbox, '💥', uniq('x'))]) : oneOf(NASTY)());
          }
        }
        return { req: { ...base, body: JSON.stringify(copy) }, op, kind: 'field' };
      }
      // ------------------------------------------------------------ content type
      if (r < 66 && text !== undefined) {
        const type = oneOf(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/jsonx', '']);
        const h: Record<string, string> = { ...bearer };
        if (type) h['content-type'] = type;
        return { req: { ...base, headers: h }, op, kind: 'content type' };
      }
      // ------------------------------------------------------------ path parameters and query strings
      if (r < 76) {
        const weird = oneOf(['', '%00', '%ZZ', '..', '%2e%2e', 'a'.repeat(5000), '%F0%9F%92%A5', "'%20OR%201=1", '%ED%A0%80', '%2F', 'null', '-1']);
        let p = path;
        if (/\{/.test(op.path)) {
          const names = [...op.path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
          const target = oneOf(names);
          p = op.path.replace(/\{([a-z_]+)\}/g, (_, n: string) => (n === target ? weird : encodeURIComponent(params[n]!)));
        }
        const q = oneOf([`?limit=-1`, `?limit=1e9`, `?limit=abc`, `?cursor=${'!'.repeat(50)}`, `?cursor=${'a'.repeat(10_000)}`, `?unknown=1`, `?limit=1&limit=2`, `?search=%00`, `?customer=${weird}`, `?since=yesterday`, `?order=sideways`, '']);
        return { req: { ...base, path: p + q }, op, kind: 'path and query' };
      }
      // ------------------------------------------------------------ keys
      if (r < 88) {
        const h = oneOf<Record<string, string>>([
          {},
          { authorization: 'Bearer' },
          { authorization: 'Basic YWRtaW46YWRtaW4=' },
          { authorization: `Bearer ${ADMIN_KEY}x` },
          { authorization: `Bearer ${ADMIN_KEY.replace(/.$/, '0')}` },
          { authorization: `Bearer tg_${'a'.repeat(4000)}_b` },
          { authorization: `Bearer ${readKey}` },
          { authorization: `bearer ${ADMIN_KEY}` },
          { authorization: `Bearer ${ADMIN_KEY} ${ADMIN_KEY}` },
          { authorization: 'Bearer tgr_not_a_token' },
        ]);
        return { req: { ...base, headers: { ...(base.body !== undefined ? { 'content-type': 'application/json' } : {}), ...h } }, op, kind: 'keys' };
      }
      // ------------------------------------------------------------ methods and unknown routes
      if (r < 99) {
        return oneOf([
          () => ({ req: { ...base, method: oneOf(['GET', 'POST', 'PATCH', 'DELETE', 'PUT'].filter((m) => m !== op.method)) }, op, kind: 'method' }),
          () => ({ req: { ...base, path: `/v1/${uniq('nowhere')}` }, op, kind: 'unknown route' }),
          () => ({ req: { ...base, path: '/v1/../v1/health' }, op, kind: 'dot segments' }),
        ])();
      }
      // ------------------------------------------------------------ over the size limit
      return { req: { ...base, method: 'POST', path: '/v1/events/batch', headers: json, body: Buffer.alloc(9 * 1024 * 1024, 0x20) }, op, kind: 'oversized' };
    }

    /**
     * Before the random part: every operation, every top-level field of its valid body replaced by
     * JSON nested 20,000 levels deep, a number of 400 digits, 1e308, 5e-324 and a lone surrogate; and its whole
     * body wrapped that deep. Written as text (the test's own JSON.stringify could not nest that deep).
     */
    function specialRequests(): { req: Req; op: Operation; kind: string }[] {
      const out: { req: Req; op: Operation; kind: string }[] = [];
      const deepArray = '['.repeat(20_000) + ']'.repeat(20_000);
      const deepObject = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
      for (const op of OPERATION_LIST) {
        if (neverValid.has(op.id)) continue;
        const { params, body, query } = build(op);
        if (body === undefined) continue;
        const path = toPath(op, params) + qs(query);
        const keys = Object.keys(body);
        for (const key of keys) {
          for (const [name, raw] of [
            ['deep array', deepArray],
            ['deep object', deepObject],
            ['400 digits', '1' + '0'.repeat(400)],
            ['1e308', '1e308'],
            ['5e-324', '5e-324'],
            ['lone surrogate', '"\\ud800x"'],
          ] as const) {
            const rest = keys.filter((k) => k !== key).map((k) => `${JSON.stringify(k)}:${JSON.stringify(body[k])}`);
            out.push({ req: { method: op.method, path, headers: json, body: `{${[...rest, `${JSON.stringify(key)}:${raw}`].join(',')}}` }, op, kind: `${name} in ${key}` });
          }
          // and one level down, inside objects such as event properties
          const v = body[key];
          if (v && typeof v === 'object' && !Array.isArray(v)) {
            const inner = JSON.stringify(v).replace(/^\{/, `{"deep":${deepArray}${Object.keys(v).length ? ',' : ''}`);
            const rest = keys.filter((k) => k !== key).map((k) => `${JSON.stringify(k)}:${JSON.stringify(body[k])}`);
            out.push({ req: { method: op.method, path, headers: json, body: `{${[...rest, `${JSON.stringify(key)}:${inner}`].join(',')}}` }, op, kind: `deep inside ${key}` });
          }
          if (Array.isArray(v) && v.length && typeof v[0] === 'object') {
            const first = JSON.stringify(v[0]).replace(/"properties":\{/, `"properties":{"deep":${deepArray},`);
            out.push({ req: { method: op.method, path, headers: json, body: JSON.stringify({ ...body, [key]: ['__FIRST__'] }).replace('"__FIRST__"', first) }, op, kind: `deep inside ${key}[0]` });
          }
        }
        out.push({ req: { method: op.method, path, headers: json, body: '['.repeat(20_000) + JSON.stringify(body) + ']'.repeat(20_000) }, op, kind: 'deep body' });
      }
      return out;
    }

    const failures: string[] = [];
    const byStatus = new Map<number, number>();
    const timeByKind = new Map<string, number>();
    let refusedChecked = 0;
    // The digest of every table is recomputed whenever the connection changed a row (SQLite's
    // total_changes(), which also counts rows a refused operation wrote and then rolled back).
    const totalChanges = () => (engine.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    let digest = ledgerDigest(engine);
    let changes = totalChanges();
    const specials = specialRequests();
    const total = specials.length + REQUESTS;
    for (let i = 0; i < total; i++) {
      const { req, op, kind } = i < specials.length ? specials[i]! : request();
      const t0 = performance.now();
      let status = 0;
      let text = '';
      try {
        const res = await fetch(url + req.path, { method: req.method, headers: req.headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : typeof req.body === 'string' || req.body === undefined ? req.body : new Uint8Array(req.body) });
        status = res.status;
        text = await res.text();
      } catch (err) {
        failures.push(`${op.id} [${kind}] ${req.method} ${req.path.slice(0, 120)}: no answer (${(err as Error).message})`);
        continue;
      }
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      const what = `${op.id} [${kind}] ${req.method} ${req.path.slice(0, 120)} ${typeof req.body === 'string' ? req.body.slice(0, 160) : ''}`;
      if (status >= 500) failures.push(`${what} -> ${status} ${text.slice(0, 300)}`);
      await engine.documents.renderPending();
      const nowChanges = totalChanges();
      const after = nowChanges === changes ? digest : ledgerDigest(engine);
      changes = nowChanges;
      if (status >= 400) {
        refusedChecked++;
        if (after !== digest) failures.push(`${what} -> ${status} but the ledger changed`);
        if (status !== 431) {
          let code: unknown;
          try {
            code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
          } catch {
            code = undefined;
          }
          if (typeof code !== 'string' || !(code in ERROR_CODES)) failures.push(`${what} -> ${status} without an error code: ${text.slice(0, 200)}`);
        }
      }
      digest = after;
      timeByKind.set(kind.replace(/ (in|inside) .*$/, ''), (timeByKind.get(kind.replace(/ (in|inside) .*$/, '')) ?? 0) + performance.now() - t0);
      if (i % 250 === 0) {
        const h = await fetch(`${url}/v1/health`);
        if (h.status !== 200) failures.push(`health answered ${h.status} after request ${i}`);
      }
      if (failures.length > 30) break;
    }

    // Bytes that are not HTTP: the server drops the connection and keeps serving.
    for (const junk of ['GARBAGE\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', `POST /v1/events HTTP/1.1\r\nContent-Length: -5\r\n\r\n`, `POST /v1/events HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`, '\u0000\u0001\u0002'.repeat(1000)]) {
      await new Promise<void>((resolve) => {
        const s = connect(Number(new URL(url).port), '127.0.0.1', () => s.end(junk));
        s.on('data', () => undefined);
        s.on('error', () => resolve());
        s.on('close', () => resolve());
      });
    }
    expect((await fetch(`${url}/v1/health`)).status).toBe(200);

    // eslint-disable-next-line no-console
    console.log(`fuzz: ${specials.length} targeted and ${REQUESTS} random requests; answers ${JSON.stringify(Object.fromEntries([...byStatus].sort((a, b) => a[0] - b[0])))}; ${refusedChecked} refusals checked against the ledger digest; ms by kind ${JSON.stringify(Object.fromEntries([...timeByKind].map(([k, v]) => [k, Math.round(v)])))}`);
    expect(failures).toEqual([]);
    expect(refusedChecked).toBeGreaterThan(REQUESTS / 2);
    const verify = (await api('GET', '/v1/ledger/verify')).body;
    expect(verify.problems).toEqual([]);
  }, 30 * 60_000);
});
