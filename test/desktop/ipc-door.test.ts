/**
 * The IPC door on its own (the engine in this thread): every operation of the contract is reachable
 * through it, inputs are validated by the contract's schemas before anything runs, errors cross as
 * the API's body with status and code, and the caller is recorded as the desktop's OS user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_LIST } from '../../shared/contract/operations';
import { LocalGateway } from '../../src-main/engine/gateway';
import { ipcCall } from '../../src-main/runtime/ipc-door';
import { type EngineFixture, ledgerDigest, openEngine } from '../helpers/harness';

let fx: EngineFixture;
let gw: LocalGateway;
const who = { osUser: 'alice', requestId: 'ipc-test' };
beforeAll(() => {
  fx = openEngine();
  gw = new LocalGateway(fx.engine);
});
afterAll(async () => {
  await fx?.close();
});

describe('the IPC door', () => {
  it('reaches every operation of the contract and validates its input first', async () => {
    const before = ledgerDigest(fx.engine);
    for (const op of OPERATION_LIST) {
      const answer = await ipcCall(gw, op.id, { __not_a_field__: true }, who);
      // Every input schema is strict: an unknown field is refused before the handler runs.
      expect(answer, op.id).toMatchObject({ ok: false, error: { status: 422, code: 'validation_failed' } });
    }
    expect(ledgerDigest(fx.engine)).toBe(before);
  });

  it('runs operations, carries errors with their code, and refuses what is not an operation', async () => {
    expect(await ipcCall(gw, 'createAsset', { code: 'USD' }, who)).toMatchObject({ ok: true, value: { code: 'USD', scale: 2 } });
    expect(await ipcCall(gw, 'createAsset', { code: 'USD' }, who)).toMatchObject({ ok: false, error: { status: 409, code: 'already_exists' } });
    expect(await ipcCall(gw, 'getCustomer', { external_id: 'nobody' }, who)).toMatchObject({ ok: false, error: { status: 404, code: 'customer_not_found', details: { customer: 'nobody' } } });
    expect(await ipcCall(gw, 'createTopUp', { external_id: 'x', asset: 'USD', amount: 0.5 }, who)).toMatchObject({ ok: false, error: { status: 422, code: 'validation_failed' } });
    expect(await ipcCall(gw, 'constructor', {}, who)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await ipcCall(gw, 42, {}, who)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await ipcCall(gw, 'createAsset', ['USD'], who)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('records the OS user as the actor of audited changes', async () => {
    await ipcCall(gw, 'createCustomer', { external_id: 'acme' }, who);
    const log = await ipcCall(gw, 'listAuditLog', { action: 'customer.create' }, who);
    expect(log).toMatchObject({ ok: true });
    expect((log as { value: { data: unknown[] } }).value.data[0]).toMatchObject({ door: 'ipc', actor: { kind: 'os_user', id: 'alice', name: 'alice' }, request_id: 'ipc-test' });
    expect(await ipcCall(gw, 'whoAmI', {}, who)).toMatchObject({ ok: true, value: { kind: 'os_user', name: 'alice', door: 'ipc', scopes: ['admin'] } });
  });
});
