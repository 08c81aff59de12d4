import { EventInput } from '../../shared/contract/ledger';
import { inputIssues, issuesText } from '../../shared/contract/input-issues';
import type { EventIn } from './events';

export type BatchItem = { ok: true; event: EventIn } | { ok: false; message: string; issues: { path: (string | number)[]; message: string }[] };

/**
 * Validates each event of a batch on its own (a bad event is answered 422 while the others go on).
 * A door runs this on its own thread before handing the batch to the engine.
 */
export function prepareBatch(events: unknown[]): BatchItem[] {
  return events.map((raw, index) => {
    const parsed = EventInput.safeParse(raw);
    if (parsed.success) return { ok: true, event: parsed.data };
    const issues = inputIssues(parsed.error, raw);
    return { ok: false, message: `events[${index}]: ${issuesText(issues, '(event)')}`, issues };
  });
}

/**
 * The batch input once a door has checked it. A door that prepared the batch sends `prepared` and
 * an empty `events`: the engine needs only the checked events, and copying the raw ones to its
 * thread as well would cost the engine (the busier thread) their deserialization.
 */
export interface PreparedBatch {
  events: unknown[];
  prepared?: BatchItem[];
}
