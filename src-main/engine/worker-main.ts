/**
 * The engine thread: opens the engine and answers the door's messages. Every write of the ledger
 * happens on this thread; the door's thread parses, validates and serializes in parallel.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { OperationId } from '../../shared/contract/operations';
import { Engine } from './engine';
import { LocalGateway } from './gateway';
import { toWireError } from './gateway-wire';
import type { FromEngine, ToEngine, WorkerOptions } from './worker-protocol';

const port = parentPort!;
const send = (m: FromEngine) => port.postMessage(m);

let engine: Engine;
try {
  engine = Engine.open(workerData as WorkerOptions);
} catch (err) {
  const e = err as Error;
  send({ t: 'fatal', name: e.name, message: e.message });
  process.exit(0);
}
const gateway = new LocalGateway(engine);
engine.live.add((changes) => send({ t: 'live', changes }));
engine.keys.onChange = () => send({ t: 'keys_changed' });
send({ t: 'ready', initialAdminKey: engine.initialAdminKey, migration: engine.migration, sessionSecret: engine.sessionSecret, instanceId: engine.store.getMeta('instance_id') ?? 'unknown' });

port.on('message', (m: ToEngine) => {
  engine.waiting?.didRead(m);
  switch (m.t) {
    case 'call':
      gateway.call(m.op as OperationId, m.input, m.call).then(
        (r) => send({ t: 'result', id: m.id, value: r.value, replayed: r.replayed }),
        (err: unknown) => send({ t: 'error', id: m.id, error: toWireError(err) }),
      );
      return;
    case 'auth':
      // Structured clone carries the principal's Set, Map and bigints as they are.
      send({ t: 'auth', id: m.id, principal: engine.keys.authenticate(m.key) });
      return;
    case 'key_by_id':
      send({ t: 'auth', id: m.id, principal: engine.keys.byId(m.keyId) });
      return;
    case 'catch_up':
      engine.catchUp().then(
        () => send({ t: 'result', id: m.id, value: null, replayed: false }),
        (err: unknown) => send({ t: 'error', id: m.id, error: toWireError(err) }),
      );
      return;
    case 'refusal':
      engine.refusals.note(null, m.reason, m.body, m.message, null);
      return;
    case 'close':
      void engine.close().then(() => {
        send({ t: 'closed' });
        port.close();
      });
      return;
  }
});
