/**
 * The authorization load of the benchmark, in a process of its own: an open loop of
 * `POST /v1/authorizations` at a fixed offered rate, printing one JSON line of latencies.
 * Run by bench/run.ts (`lib/auth-load.ts`), not by hand: URL, KEY, RATE, MS, CUSTOMERS in the env.
 *
 * Why a process of its own: the benchmark's own process carries the batch phase's million event
 * bodies (about 450 MB of heap). Measured from there, its garbage collections paused the clock
 * that times each request and their helper threads took the second core from the server: the same
 * build gave a p99 of 72–114 ms at 1,000 a second (the server's own log: 53–61 ms) against 17.7 ms
 * (server: 13–15 ms) from a lean process. Latency is the server's, not the load generator's.
 */
import { Client, openLoop, percentile } from './lib/http';
import { authorizationBody, zipfSampler } from './lib/workload';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`auth-load: ${name} is not set`);
  return v;
};
const api = new Client(env('URL'), env('KEY'), 64);
const sample = zipfSampler(Number(env('CUSTOMERS')));
const r = await openLoop(Number(env('RATE')), Number(env('MS')), async (i) => (await api.send('POST', '/v1/authorizations', authorizationBody(sample, i))).status);
api.close();
process.stdout.write(JSON.stringify({ p50_ms: percentile(r.latenciesMs, 50), p99_ms: percentile(r.latenciesMs, 99), p999_ms: percentile(r.latenciesMs, 99.9), statuses: r.statuses }) + '\n');
