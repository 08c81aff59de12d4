import { create } from 'zustand';
import type { AssetLike } from '@shared/money';
import { call } from '../api';
import type { OutputOf } from '../api';

export type Asset = OutputOf<'getAsset'>;

interface AssetState {
  assets: Record<string, Asset>;
  loaded: boolean;
  load(): Promise<void>;
}

export const useAssets = create<AssetState>()((set) => ({
  assets: {},
  loaded: false,
  async load() {
    const all: Record<string, Asset> = {};
    let cursor: string | undefined;
    do {
      const page = await call('listAssets', { limit: 500, ...(cursor ? { cursor } : {}) });
      for (const a of page.data) all[a.code] = a;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    set({ assets: all, loaded: true });
  },
}));

const ISO = new Set(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : ['USD', 'EUR', 'GBP', 'JPY']);

/** An ISO 4217 currency code (what the engine accepts as a fiat asset). */
export const isIsoCurrency = (code: string): boolean => ISO.has(code);

/** The asset's scale and kind for formatting; a guess (fiat 2 / custom 0) until the list is loaded. */
export function assetLike(code: string, known?: Record<string, Asset>, scale?: number): AssetLike {
  const a = (known ?? useAssets.getState().assets)[code];
  if (a) return { code: a.code, scale: a.scale, kind: a.kind };
  const fiat = ISO.has(code);
  return { code, scale: scale ?? (fiat ? 2 : 0), kind: fiat ? 'fiat' : 'custom' };
}

export function useAsset(code: string, scale?: number): AssetLike {
  const a = useAssets((s) => s.assets[code]);
  if (a) return { code: a.code, scale: a.scale, kind: a.kind };
  return assetLike(code, {}, scale);
}
