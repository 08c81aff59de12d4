/**
 * Profiling aid (not part of `npm run bench`): serve mode under one kind of load, with CPU
 * profiles of both threads (the HTTP door and the engine) written to PROFILE_DIR.
 * Run: node scripts/run-ts.js bench/profile-serve.ts, with LOAD=auth|single|batch, RATE (auth,
 * per second), SECONDS, CUSTOMERS. Open the .cpuprofile files in Chrome's DevTools.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, closedLoop, openLoop, percentile } from './lib/http';
import { backgroundBatches } from './lib/background-batches';
import { startServe } from './lib/processes';
import { loggedRequests } from './lib/server-log';
import { authorizationBody, makeEvents, setUpWorkload, zipfSampler } from './lib/workload';

const ADMIN = 'tg_benchadmin_0123456789abcdefghijklmnop';
const load = process.env.LOAD ?? 'auth';
const seconds = Number(process.env.SECONDS ?? 8);
const customers = Number(process.env.CUSTOMERS ?? 1000);
const profileDir = process.env.PROFILE_DIR ?? join(tmpdir(), 'tollgate-profiles');
mkdirSync(profileDir, { recursive: true });

const dataDir = join(mkdtempSync(join(tmpdir(), 'tollgate-prof-serve-')), 'data');
const nodeArgs = [...(process.env.NO_PROFILE ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]), ...(process.env.NODE_ARGS ?? '').split(' ').filter(Boolean)];
const serve = await startServe(dataDir, ADMIN, (process.env.SERVE_ARGS ?? '').split(' ').filter(Boolean), nodeArgs);
// SERVE_LOG=file keeps what the server prints (e.g. NODE_ARGS=--trace-gc).
if (process.env.SERVE_LOG) for (const stream of [serve.child.stdout!, serve.child.stderr!]) stream.on('data', (c: Buffer) => appendFileSync(process.env.SERVE_LOG!, c));
const api = new Client(serve.url, ADMIN, 64);
await setUpWorkload(api, customers);
// The server's CPU time (all its threads) over the load alone: steadier than a rate on a shared machine.
const cpuSeconds = () => {
  const fields = readFileSync(`/proc/${serve.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const cpuBefore = cpuSeconds();
type Writer = { commits: number; operations: number };
const writerStats = async () => (await api.json<{ writer: Writer }>('GET', '/v1/stats/runtime')).writer;
const writerBefore = await writerStats();
const sample = zipfSampler(customers);
const summary = (ms: number[]) => ({ p50: percentile(ms, 50), p99: percentile(ms, 99), p999: percentile(ms, 99.9) });

if (load === 'auth') {
  const rate = Number(process.env.RATE ?? 1000);
  const r = await openLoop(rate, seconds * 1000, async (i) => (await api.send('POST', '/v1/authorizations', authorizationBody(sample, i))).status);
  console.log(JSON.stringify({ load, rate, statuses: r.statuses, ...summary(r.latenciesMs) }));
} else if (load === 'mixed') {
  // Authorizations at RATE while batches arrive at BATCH_RATE events a second (as the benchmark's "during batch").
  const rate = Number(process.env.RATE ?? 1000);
  const batchRate = Number(process.env.BATCH_RATE ?? 2000);
  const background = backgroundBatches(api, sample, batchRate);
  await new Promise((r) => setTimeout(r, 500));
  const r = await openLoop(rate, seconds * 1000, async (i) => (await api.send('POST', '/v1/authorizations', authorizationBody(sample, i))).status);
  await background.stop();
  console.log(JSON.stringify({ load, rate, batch_rate: batchRate, statuses: r.statuses, ...summary(r.latenciesMs) }));
} else if (load === 'single') {
  const events = makeEvents(400_000, 's', sample);
  const r = await closedLoop(64, seconds * 1000, async (i) => (await api.send('POST', '/v1/events', events[i]!.body)).status);
  console.log(JSON.stringify({ load, per_second: Math.round(r.done / r.seconds), statuses: r.statuses }));
} else {
  const events = makeEvents(Number(process.env.EVENTS ?? 100_000), 'b', sample);
  const bodies: string[] = [];
  for (let i = 0; i < events.length; i += 1000) bodies.push(`{"events":[${events.slice(i, i + 1000).map((e) => e.body).join(',')}]}`);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let b = next++; b < bodies.length; b = next++) {
        const res = await api.send('POST', '/v1/events/batch', bodies[b]!);
        if (b === 0) console.log(JSON.stringify({ first_batch_response_bytes: res.body.length }));
      }
    }),
  );
  console.log(JSON.stringify({ load, per_second: Math.round(events.length / ((performance.now() - t0) / 1000)) }));
}
const writerAfter = await writerStats();
const commits = writerAfter.commits - writerBefore.commits;
console.log(JSON.stringify({ server_cpu_seconds_during_load: Math.round((cpuSeconds() - cpuBefore) * 100) / 100, commits, writes_per_commit: Math.round(((writerAfter.operations - writerBefore.operations) / commits) * 10) / 10 }));
const status = readFileSync(`/proc/${serve.child.pid}/status`, 'utf8');
// SMAPS=file keeps the server's memory map, to see which mappings the RSS sits in.
if (process.env.SMAPS) appendFileSync(process.env.SMAPS, readFileSync(`/proc/${serve.child.pid}/smaps`, 'utf8'));
const kb = (field: string) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
console.log(JSON.stringify({ rss_mb: Math.round(serve.rssBytes() / 2 ** 20), peak_rss_mb: kb('VmHWM'), rss_anon_mb: kb('RssAnon'), rss_file_mb: kb('RssFile'), rss_shmem_mb: kb('RssShmem'), engine: (await api.json<{ memory: unknown }>('GET', '/v1/stats/runtime')).memory }));
api.close();
await serve.stop();
// The same requests as the server saw them (from its request log): what is left of the client's
// tail beyond these figures was spent outside the server (the load generator, scheduling).
const logged: Record<string, number[]> = {};
for (const entry of loggedRequests(dataDir)) (logged[`${entry.method} ${entry.route}`] ??= []).push(entry.latency_ms);
for (const [route, ms] of Object.entries(logged)) if (ms.length >= 100) console.log(JSON.stringify({ server_side: route, count: ms.length, ...summary(ms) }));
if (!process.env.KEEP_DATA) rmSync(join(dataDir, '..'), { recursive: true, force: true });
console.log(`profiles in ${profileDir}`);
