/**
 * Profiling aid (not part of `npm run bench`): where SQLite's share of batch ingestion goes,
 * statement by statement. Wraps every prepared statement's run/get/all and `exec` with a timer,
 * then runs bench/profile-ingest.ts (same env: CUSTOMERS, EVENTS, HOLDS) and prints, for the
 * ingestion alone, microseconds and executions per event of each statement, COMMIT included.
 * Run: node scripts/run-ts.js bench/profile-statements.ts
 */
import Database from 'better-sqlite3';
const stats = new Map<string, { n: number; ms: number }>();
// `any`: the wrapper patches better-sqlite3's own prototype, which its types do not expose.
const origPrepare = (Database.prototype as any).prepare;
(Database.prototype as any).prepare = function (sql: string) {
  const st = origPrepare.call(this, sql);
  const text = sql.replace(/\s+/g, ' ').slice(0, 110);
  for (const m of ['run', 'get', 'all', 'iterate']) {
    const f = st[m];
    if (typeof f !== 'function') continue;
    // One counter per statement and method, made here: the wrapper itself must cost next to nothing.
    const k = `${m} ${text}`;
    const s = stats.get(k) ?? { n: 0, ms: 0 };
    stats.set(k, s);
    st[m] = function (...a: unknown[]) {
      const t = performance.now();
      try { return f.apply(this, a); } finally {
        s.n++;
        s.ms += performance.now() - t;
      }
    };
  }
  return st;
};
const origExec = (Database.prototype as any).exec;
(Database.prototype as any).exec = function (sql: string) {
  const t = performance.now();
  try { return origExec.call(this, sql); } finally {
    const k = `exec ${sql.replace(/\s+/g, ' ').slice(0, 60)}`;
    const s = stats.get(k) ?? { n: 0, ms: 0 }; s.n++; s.ms += performance.now() - t; stats.set(k, s);
  }
};
(globalThis as any).__stmtStats = stats;
(globalThis as any).__stmtReset = () => { for (const s of stats.values()) { s.n = 0; s.ms = 0; } };
(globalThis as any).__stmtPrint = (events: number) => {
  const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30);
  let tot = 0; for (const [, s] of stats) tot += s.ms;
  console.log(`total sqlite ${(tot * 1000 / events).toFixed(1)} µs/event`);
  for (const [k, s] of rows) console.log(`${(s.ms * 1000 / events).toFixed(1).padStart(6)} µs/ev ${(s.n / events).toFixed(2).padStart(5)}/ev ${k}`);
};
await import('./profile-ingest');
