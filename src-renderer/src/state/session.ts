import { create } from 'zustand';
import type { OutputOf, SessionKey } from '../api';

export type WhoAmI = OutputOf<'whoAmI'>;

interface SessionState {
  status: 'checking' | 'anonymous' | 'signed_in';
  key: SessionKey | null;
  /** `whoAmI` once signed in: a key (name, scopes, expiry) or the desktop's OS user, and the door. */
  me: WhoAmI | null;
  set(key: SessionKey | null): void;
  setMe(me: WhoAmI | null): void;
}

export const useSession = create<SessionState>()((set) => ({
  status: 'checking',
  key: null,
  me: null,
  set: (key) => set({ key, status: key ? 'signed_in' : 'anonymous', ...(key ? {} : { me: null }) }),
  setMe: (me) => set({ me }),
}));

/** Whether the signed-in key may do what `scope` allows (finance and support keys read everything). */
export function hasScope(key: SessionKey | null, scope: 'admin' | 'read' | 'ingest' | 'finance' | 'support'): boolean {
  if (!key) return false;
  if (key.scopes.includes('admin')) return true;
  if (scope === 'read') return key.scopes.some((s) => s === 'read' || s === 'finance' || s === 'support');
  return key.scopes.includes(scope);
}
