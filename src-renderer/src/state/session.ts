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

export function hasScope(key: SessionKey | null, scope: 'admin' | 'read' | 'ingest'): boolean {
  if (!key) return false;
  if (key.scopes.includes('admin')) return true;
  if (scope === 'read') return key.scopes.includes('read');
  return key.scopes.includes(scope);
}
