import { ERROR_CODES, type ErrorCode } from '../../shared/contract/errors';
import { inputIssues, issuesText } from '../../shared/contract/input-issues';
import { operations, type Operation, type OperationId } from '../../shared/contract/operations';
import type { EngineGateway } from '../engine/gateway-wire';
import { TollgateError } from '../engine/errors';
import type { CallContext } from '../engine/handlers';

/** What crosses IPC: a value, or the API's error body with its status (never a thrown Error, whose fields IPC drops). */
export type IpcAnswer = { ok: true; value: unknown } | { ok: false; error: { status: number; code: string; message: string; details: Record<string, unknown> } };

const refuse = (code: ErrorCode, message: string, details: Record<string, unknown> = {}): IpcAnswer => ({ ok: false, error: { status: ERROR_CODES[code].status, code, message, details } });

/**
 * The desktop app's door: the same operations and handlers as HTTP, with the same run-time
 * validation of inputs by the contract's schemas. The caller is the desktop's OS user (an admin:
 * whoever can open the app can open its database), recorded as such in the audit log.
 */
export async function ipcCall(gateway: Pick<EngineGateway, 'call'>, opId: unknown, input: unknown, who: { osUser: string; requestId: string }): Promise<IpcAnswer> {
  if (typeof opId !== 'string' || !Object.hasOwn(operations, opId)) return refuse('not_found', `No operation ${String(opId)}.`);
  const op = operations[opId as OperationId] as Operation;
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) return refuse('validation_failed', 'The input must be an object.', { issues: [{ path: [], message: 'expected an object' }] });
  const parsed = op.input.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = inputIssues(parsed.error, input ?? {});
    return refuse('validation_failed', issuesText(issues, '(input)'), { issues });
  }
  const call: CallContext = { door: 'ipc', keyId: null, keyName: null, osUser: who.osUser, remoteAddress: null, requestId: who.requestId };
  try {
    const out = await gateway.call(opId as OperationId, parsed.data, call);
    return { ok: true, value: out.value };
  } catch (err) {
    if (err instanceof TollgateError) return { ok: false, error: { status: err.status, ...err.toBody().error } };
    return refuse('internal_error', `Internal error (request ${who.requestId}); nothing was written.`);
  }
}
