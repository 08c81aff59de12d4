import type { z } from 'zod';
import type { BillingRun } from '../../../shared/contract/invoicing';
import type { Engine } from '../engine';
import { fail } from '../errors';
import { iso, isoOrNull } from '../format';
import { newId } from '../ids';

type Run = z.output<typeof BillingRun>;

/**
 * Billing runs on demand: the same work the billing clock does every few seconds (advance each
 * due subscription, finalize drafts past their grace, render documents), for one customer or all,
 * in the background with progress. Each subscription is its own operation, so a run never holds
 * the writer long and the console stays live; a run's cost grows with subscriptions, not events.
 * Running twice, or again after a crash, bills nothing twice: every step is recorded as it is done.
 */
export class BillingRuns {
  private readonly runs = new Map<string, Run>();

  constructor(private readonly engine: Engine) {}

  start(customerExternalId: string | undefined): Run {
    const engine = this.engine;
    const customer = customerExternalId ? engine.customers.require(customerExternalId) : null;
    const now = engine.now();
    const subs = customer ? engine.store.listSubscriptions({ customerId: customer.id, status: null, after: null, limit: 1000 }).filter((s) => s.status !== 'terminated').map((s) => s.id) : engine.store.listLiveSubscriptionIds();
    const run: Run = { id: newId('run', now), customer: customer?.external_id ?? null, status: 'running', subscriptions: subs.length, processed: 0, invoices_finalized: 0, documents_rendered: 0, error: null, started_at: iso(now), finished_at: null };
    this.runs.set(run.id, run);
    void this.work(run, subs, customer?.id ?? null);
    return { ...run };
  }

  private async work(run: Run, subs: string[], customerId: number | null): Promise<void> {
    const engine = this.engine;
    try {
      for (let i = 0; i < subs.length; i += 200) {
        const slice = subs.slice(i, i + 200);
        await engine.writer.runEach(slice.map((id) => () => engine.billing.advance(id, engine.now())), 'bulk');
        run.processed += slice.length;
      }
      const drafts = engine.store.listDraftsDue(engine.now(), 100_000).filter((id) => customerId === null || engine.store.getInvoice(id)?.customer_id === customerId);
      const results = await engine.writer.runEach(drafts.map((id) => () => engine.invoices.finalize(id)), 'bulk');
      run.invoices_finalized = results.filter((r) => r.ok).length;
      const failed = results.find((r) => !r.ok);
      if (failed && !failed.ok) throw failed.error;
      run.documents_rendered = await engine.documents.renderPending();
      run.status = 'done';
    } catch (err) {
      run.status = 'failed';
      run.error = (err as Error)?.message ?? String(err);
    }
    run.finished_at = isoOrNull(engine.now());
  }

  get(id: string): Run {
    const run = this.runs.get(id) ?? fail('not_found', `No billing run ${id} (runs are kept until the engine restarts).`, { run: id });
    return { ...run };
  }
}
