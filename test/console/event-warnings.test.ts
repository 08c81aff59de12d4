/**
 * The console names every warning the engine can put on an accepted event (EventResult.warnings in
 * shared/contract/ledger.ts), arguments included, instead of showing its raw code.
 */
import { describe, expect, it } from 'vitest';
import { describeWarning } from '../../src-renderer/src/lib/event-warnings';

describe('describeWarning', () => {
  it('reads both arguments of filter_value_unknown:<metric>:<property>', () => {
    const d = describeWarning('filter_value_unknown:gpu_seconds:gpu_model', 'gpu');
    expect(d.short).toBe('unknown value');
    expect(d.title).toBe('Unknown gpu_model value for gpu_seconds');
    expect(d.text).toContain('metric gpu_seconds declares');
  });

  it('names the metric of metric_property_missing and the code of no_metric_for_event_code', () => {
    expect(describeWarning('metric_property_missing:tokens', 'llm').title).toBe('Property missing for tokens');
    expect(describeWarning('no_metric_for_event_code', 'api_cals').text).toContain('"api_cals"');
  });

  it('says a closed hold leaves the event to the ordinary funds rules', () => {
    const d = describeWarning('authorization_expired', 'gpu');
    expect([d.short, d.title]).toEqual(['hold closed', 'Hold expired']);
    expect(d.text).toContain("within the overdraft limit and the customer's policy");
  });

  it('every warning code the API document lists has its own wording', () => {
    for (const w of ['no_metric_for_event_code', 'metric_property_missing:m', 'filter_value_unknown:m:p', 'no_charge_matched:m', 'no_active_subscription', 'late_usage', 'authorization_captured', 'authorization_voided', 'authorization_expired']) {
      expect(describeWarning(w, 'c').text, w).not.toBe(w);
    }
  });
});
