import { createHttpDoor, createSseLiveSource } from './http';
import { createIpcDoor, createIpcLiveSource } from './ipc';
import type { Door, LiveSource } from './types';

export * from './types';

const unauthenticatedListeners = new Set<() => void>();
/** Called when the server says the session is gone (a revoked key, an expired cookie). */
export function onUnauthenticated(fn: () => void): () => void {
  unauthenticatedListeners.add(fn);
  return () => unauthenticatedListeners.delete(fn);
}

const bridge = typeof window !== 'undefined' ? window.tollgate : undefined;

/** The door the whole console uses: IPC in the desktop app, HTTP in a browser. */
export const door: Door = bridge ? createIpcDoor(bridge) : createHttpDoor(() => unauthenticatedListeners.forEach((fn) => fn()));
export const liveSource: LiveSource = bridge ? createIpcLiveSource(bridge) : createSseLiveSource();

/** Shorthand: `call('getOverview', {})`. */
export const call: Door['call'] = (id, input) => door.call(id, input);
