import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '../../shared/client';
import { operations } from '../../shared/contract/operations';
import type { Clock } from '../../src-main/engine/clock';
import type { EngineSettings } from '../../src-main/engine/context';
import { Engine } from '../../src-main/engine/engine';
import { createHandlers } from '../../src-main/engine/handlers';
import { startServer } from '../../src-main/http/server';
import { assertMatchesOpenApi } from './openapi-validator';

export const ADMIN_KEY = 'tg_testadmin_0123456789abcdefghijklmnop';

export function tempDir(prefix = 'tollgate-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface EngineFixture {
  engine: Engine;
  dataDir: string;
  /** Calls operations through the same handlers the doors use (inputs validated by the contract). */
  op: <T = any>(id: string, input: Record<string, unknown>) => Promise<T>;
  close(): Promise<void>;
}

/** A fresh engine on a fresh data dir. */
export function openEngine(opts: { clock?: Clock; settings?: Partial<EngineSettings>; dataDir?: string } = {}): EngineFixture {
  const dataDir = opts.dataDir ?? tempDir();
  const engine = Engine.open({ dataDir, clock: opts.clock, settings: opts.settings, adminKey: ADMIN_KEY, timers: false, synchronous: 'NORMAL' });
  const handlers = createHandlers(engine) as unknown as Record<string, (i: unknown, c: unknown) => unknown>;
  return {
    engine,
    dataDir,
    op: async (id, input) => {
      const schema = (operations as Record<string, { input: { parse(x: unknown): unknown } }>)[id]!.input;
      return (await handlers[id]!(schema.parse(input), { door: 'ipc', keyId: null, keyName: 'test', remoteAddress: null, requestId: 'test' })) as any;
    },
    close: async () => {
      await engine.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ServerFixture extends EngineFixture {
  url: string;
  client: ReturnType<typeof createClient>;
  /** A raw request; every answer is checked against the OpenAPI document. */
  api: <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiResponse<T>>;
}

export async function startApi(opts: { clock?: Clock; settings?: Partial<EngineSettings> } = {}): Promise<ServerFixture> {
  const fx = openEngine(opts);
  const server = await startServer(fx.engine, { port: 0, log: (line) => line.level === 'error' && console.error(line.error) });
  const api = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> => {
    const h: Record<string, string> = { authorization: `Bearer ${ADMIN_KEY}`, ...headers };
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    for (const k of Object.keys(h)) if (h[k] === '') delete h[k];
    const res = await fetch(server.url + path, { method, headers: h, body: payload });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as T) : (null as T);
    assertMatchesOpenApi(method, path, res.status, parsed);
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    ...fx,
    url: server.url,
    client: createClient({ baseUrl: server.url, apiKey: ADMIN_KEY }),
    api,
    close: async () => {
      await server.close();
      await fx.close();
    },
  };
}

/**
 * A digest of every ledger table (all rows, all columns). Refusal statistics are left out: a
 * refused request is counted there by design, and has no ledger effect.
 */
export function ledgerDigest(engine: Engine): string {
  const h = createHash('sha256');
  for (const table of engine.store.tableNames()) {
    if (table.startsWith('refusal_')) continue;
    h.update(`#${table}\n`);
    for (const row of engine.store.iterateTable(table)) h.update(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v)) + '\n');
  }
  return h.digest('hex');
}

/** Creates USD (scale 2), a customer, optionally a top-up, a token metric and a plan at `unitPrice` per token. */
export async function seedTokens(op: EngineFixture['op'], o: { customer?: string; topUp?: string; unitPrice?: string; overdraft?: string } = {}) {
  const customer = o.customer ?? 'acme';
  await op('createAsset', { code: 'USD' }).catch(() => undefined);
  await op('createCustomer', { external_id: customer, name: 'Acme', ...(o.overdraft ? { overdraft_limits: [{ asset: 'USD', amount: o.overdraft }] } : {}) });
  if (o.topUp) await op('createTopUp', { external_id: customer, asset: 'USD', amount: o.topUp });
  await op('createMetric', { code: 'tokens', aggregation: 'sum', property: 'tokens' }).catch(() => undefined);
  await op('createPlan', { code: 'tok', name: 'Tokens', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: o.unitPrice ?? '0.000002' } }] }).catch(() => undefined);
  await op('createSubscription', { customer, plan: 'tok' });
  return customer;
}

/** Moves a test's manual clock to `iso` and runs billing as the engine's timer would: periods close, drafts past their grace finalize. */
export async function advanceBilling(engine: Engine, clock: { set(ms: number): void }, iso: string): Promise<void> {
  clock.set(Date.parse(iso));
  await engine.runBilling();
}

/** Closes the period ending at `end`, then goes 25 h past it (past the 24 h grace the tests set): its invoice finalizes. */
export async function finishBillingPeriod(engine: Engine, clock: { set(ms: number): void }, end: string): Promise<void> {
  await advanceBilling(engine, clock, end);
  await advanceBilling(engine, clock, new Date(Date.parse(end) + 25 * 3600_000).toISOString());
}
