import type { LiveChange } from './context';
import type { EngineOptions } from './engine';
import type { WireError } from './gateway-wire';
import type { CallContext } from './handlers';
import type { KeyPrincipal } from './keys';
import type { MigrationReport } from '../storage/migrate';

/** Messages between a door's thread and the engine thread. */
export type ToEngine =
  | { t: 'call'; id: number; op: string; input: unknown; call: CallContext }
  | { t: 'auth'; id: number; key: string }
  | { t: 'key_by_id'; id: number; keyId: string }
  | { t: 'refusal'; reason: string; body: unknown; message: string }
  | { t: 'catch_up'; id: number }
  | { t: 'close' };

export type FromEngine =
  | { t: 'ready'; initialAdminKey: string | null; migration: MigrationReport; sessionSecret: string; instanceId: string }
  | { t: 'fatal'; name: string; message: string }
  | { t: 'result'; id: number; value: unknown; replayed: boolean }
  | { t: 'error'; id: number; error: WireError }
  | { t: 'auth'; id: number; principal: KeyPrincipal | null }
  | { t: 'keys_changed' }
  | { t: 'live'; changes: LiveChange[] }
  | { t: 'closed' };

export type WorkerOptions = Omit<EngineOptions, 'clock'>;
export type { KeyPrincipal };
