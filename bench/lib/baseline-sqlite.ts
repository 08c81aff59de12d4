import Database from 'better-sqlite3';
import { join } from 'node:path';

/**
 * The baseline for batch ingestion: better-sqlite3 alone, with Tollgate's journal settings (WAL,
 * synchronous FULL), inserting the same event rows and one transfer per event and updating the two
 * balances it moves, in transactions of `batchSize`. No validation, pricing, lots, holds, caps or
 * idempotency: the floor of what any SQLite ledger pays per event.
 */
export function bareSqliteEventsPerSecond(dir: string, events: { customer: number; tokens: number; body: string }[], batchSize: number, customers: number): number {
  const db = new Database(join(dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL) STRICT;
    CREATE TABLE events (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, transaction_id TEXT NOT NULL, properties TEXT NOT NULL, result TEXT NOT NULL, UNIQUE (customer_id, transaction_id)) STRICT;
    CREATE TABLE transfers (id INTEGER PRIMARY KEY, debit INTEGER NOT NULL, credit INTEGER NOT NULL, amount INTEGER NOT NULL, event_id INTEGER) STRICT;
  `);
  const insertAccount = db.prepare('INSERT INTO accounts (id, balance) VALUES (?, 1000000000)');
  db.transaction(() => {
    for (let c = 0; c <= customers; c++) insertAccount.run(c);
  })();
  const insertEvent = db.prepare('INSERT INTO events (customer_id, transaction_id, properties, result) VALUES (?, ?, ?, ?)');
  const insertTransfer = db.prepare('INSERT INTO transfers (debit, credit, amount, event_id) VALUES (?, 0, ?, ?)');
  const debit = db.prepare('UPDATE accounts SET balance = balance - ? WHERE id = ?');
  const credit = db.prepare('UPDATE accounts SET balance = balance + ? WHERE id = 0');
  const run = db.transaction((slice: typeof events, offset: number) => {
    slice.forEach((e, k) => {
      const id = insertEvent.run(e.customer, `b-${offset + k}`, e.body, '{"status":"accepted"}').lastInsertRowid;
      insertTransfer.run(e.customer, e.tokens, id);
      debit.run(e.tokens, e.customer);
      credit.run(e.tokens);
    });
  });
  const start = performance.now();
  for (let i = 0; i < events.length; i += batchSize) run(events.slice(i, i + batchSize), i);
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return events.length / seconds;
}
