import { create } from 'zustand';
import type { SessionKey } from '../api';

interface SessionState {
  status: 'checking' | 'anonymous' | 'signed_in';
  key: SessionKey | null;
  set(key: SessionKey | null): void;
}

export const useSession = create<SessionState>()((set) => ({
  status: 'checking',
  key: null,
  set: (key) => set({ key, status: key ? 'signed_in' : 'anonymous' }),
}));

/** Whether the signed-in key may do what `scope` allows (finance and support keys read everything). */
export function hasScope(key: SessionKey | null, scope: 'admin' | 'read' | 'ingest' | 'finance' | 'support'): boolean {
  if (!key) return false;
  if (key.scopes.includes('admin')) return true;
  if (scope === 'read') return key.scopes.some((s) => s === 'read' || s === 'finance' || s === 'support');
  return key.scopes.includes(scope);
}
