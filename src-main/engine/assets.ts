import type { z } from 'zod';
import { cmp, dec } from '../../shared/decimal';
import type { AddAssetRate, Asset, CreateAsset } from '../../shared/contract/ledger';
import type { AssetRow } from '../storage/store';
import type { EngineContext } from './context';
import { fail } from './errors';
import { decodeCursor, encodeCursor, iso } from './format';
import { parseTimestampField } from './timestamps';

const ISO_CURRENCIES = new Set(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : []);

function currencyScale(code: string): number | null {
  if (!ISO_CURRENCIES.has(code)) return null;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return null;
  }
}

/** Assets are few and never change after creation (rates aside), so they are cached for good. */
export class Assets {
  private readonly cache = new Map<string, AssetRow>();

  constructor(private readonly ctx: EngineContext) {
    ctx.registerCache(() => this.cache.clear());
  }

  find(code: string): AssetRow | undefined {
    let a = this.cache.get(code);
    if (!a) {
      a = this.ctx.store.getAsset(code);
      if (a) this.cache.set(code, a);
    }
    return a;
  }

  require(code: string): AssetRow {
    return this.find(code) ?? fail('asset_not_found', `No asset has code ${code}. Create it first with POST /v1/assets.`, { asset: code });
  }

  create(input: z.output<typeof CreateAsset>): z.output<typeof Asset> {
    const { store } = this.ctx;
    const now = this.ctx.now();
    if (this.find(input.code)) fail('already_exists', `Asset ${input.code} exists already.`, { asset: input.code });
    const isoScale = currencyScale(input.code);
    const kind = input.kind ?? (isoScale !== null ? 'fiat' : 'custom');
    if (kind === 'fiat' && isoScale === null) fail('validation_failed', `${input.code} is not an ISO 4217 currency; create it with kind "custom".`, { issues: [{ path: ['kind'], message: 'not an ISO 4217 currency' }] });
    if (kind === 'custom' && input.scale === undefined) fail('validation_failed', 'scale is required for a custom asset (decimal places of its minor unit, e.g. 0 for TOKENS, 6 for GPU_HOURS).', { issues: [{ path: ['scale'], message: 'required for a custom asset' }] });
    const row: AssetRow = { code: input.code, scale: input.scale ?? isoScale ?? 2, kind, name: input.name ?? input.code, created_at: now };
    store.insertAsset(row);
    this.ctx.onUndo(() => this.cache.delete(row.code));
    this.cache.set(row.code, row);
    for (const r of input.rates ?? []) this.insertRate(row, r.currency, r.rate, r.effective_from, now);
    return this.toApi(row);
  }

  addRate(input: z.output<typeof AddAssetRate>): z.output<typeof Asset> {
    const asset = this.require(input.code);
    this.insertRate(asset, input.currency, input.rate, input.effective_from, this.ctx.now());
    return this.toApi(asset);
  }

  private insertRate(asset: AssetRow, currency: string, rate: string, effectiveFrom: string | number | undefined, now: number): void {
    if (asset.kind !== 'custom') fail('validation_failed', `Rates belong to custom assets; ${asset.code} is fiat.`, { issues: [{ path: ['rates'], message: 'only custom assets have rates' }] });
    const fiat = this.require(currency);
    if (fiat.kind !== 'fiat') fail('validation_failed', `A rate is quoted in a fiat asset; ${currency} is custom.`, { issues: [{ path: ['currency'], message: 'must be a fiat asset' }] });
    if (cmp(dec(rate), dec(0)) < 0) fail('validation_failed', 'A rate must not be negative.', { issues: [{ path: ['rate'], message: 'must not be negative' }] });
    const from = parseTimestampField(effectiveFrom, 'effective_from', now) ?? now;
    this.ctx.store.insertAssetRate({ asset: asset.code, currency, rate, effective_from: from, created_at: now });
  }

  /** The rate of `asset` in `currency` in force at `at`, or null. */
  rateAt(asset: string, currency: string, at: number): string | null {
    let best: { rate: string; effective_from: number } | null = null;
    for (const r of this.ctx.store.listAssetRates(asset)) {
      if (r.currency === currency && r.effective_from <= at && (!best || r.effective_from > best.effective_from)) best = r;
    }
    return best?.rate ?? null;
  }

  get(code: string): z.output<typeof Asset> {
    return this.toApi(this.require(code));
  }

  list(limit: number, cursor: string | undefined): { data: z.output<typeof Asset>[]; next_cursor: string | null } {
    const rows = this.ctx.store.listAssets(decodeCursor(cursor), limit + 1);
    const page = rows.slice(0, limit);
    return { data: page.map((r) => this.toApi(r)), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.code) : null };
  }

  toApi(row: AssetRow): z.output<typeof Asset> {
    return {
      code: row.code,
      scale: row.scale,
      kind: row.kind,
      name: row.name,
      rates: this.ctx.store.listAssetRates(row.code).map((r) => ({ currency: r.currency, rate: r.rate, effective_from: iso(r.effective_from) })),
      created_at: iso(row.created_at),
    };
  }
}
