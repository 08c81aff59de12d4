/**
 * The README, docs/ and examples/README.md name only routes that exist, and send Prometheus to
 * `GET /metrics` (`GET /v1/metrics` is the list of billable metrics for a JSON client).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { operations } from '../../shared/contract/operations';

const root = join(import.meta.dirname, '..', '..');
const files = ['README.md', 'examples/README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md') && f !== 'performance.md').map((f) => `docs/${f}`)];

/** The routes the HTTP door answers besides the contract's operations (src-main/http/server.ts). */
const DOOR_ROUTES = ['/metrics', '/v1/audit-log.csv', '/v1/live', '/v1/openapi.json'];
const known = [...Object.values(operations).map((o) => o.path), ...DOOR_ROUTES].map((p) => new RegExp(`^${p.replace(/\./g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`));

describe('routes in the documentation', () => {
  for (const file of files) {
    it(`${file} names routes that exist`, () => {
      const text = readFileSync(join(root, file), 'utf8');
      const unknown: string[] = [];
      for (const m of text.matchAll(/(?<![\w/])(\/v1\/[A-Za-z0-9_{}/.-]*|\/metrics\b)/g)) {
        const path = m[1]!.replace(/[.,]+$/, '').replace(/\/\.\.\.?$/, '').replace(/\/$/, '');
        if (path.startsWith('/v1/billing/')) continue; // Stripe's API (docs/import-format.md)
        const concrete = path.replace(/\{[^}]+\}/g, 'x').replace(/\.\.\./g, 'x');
        if (!known.some((r) => r.test(concrete))) unknown.push(path);
      }
      expect(unknown).toEqual([]);
    });

    it(`${file} sends Prometheus to GET /metrics`, () => {
      const lines = readFileSync(join(root, file), 'utf8').split('\n');
      const wrong = lines.filter((l) => /prometheus/i.test(l) && /\/v1\/metrics/.test(l) && !/GET \/metrics`/.test(l) && !/list of billable metrics|billable metrics;/.test(l));
      expect(wrong).toEqual([]);
    });
  }
});
