import { humanCode } from './format';

/**
 * An accepted event may still have been priced differently than its sender meant: the engine says
 * so in `warnings` (see EventResult in shared/contract/ledger.ts). A mistyped event code is accepted
 * with `no_metric_for_event_code` and charges nothing, so the console shows every warning where the
 * event is listed, not only in its detail.
 */
export function describeWarning(warning: string, code: string): { short: string; title: string; text: string } {
  const d = explain(warning, code);
  const kind = warning.split(':', 1)[0]!;
  const short = SHORT[kind] ?? (kind.startsWith('authorization_') ? 'hold closed' : humanCode(kind).toLowerCase());
  return { short, ...d };
}

const SHORT: Record<string, string> = { no_metric_for_event_code: 'no metric', metric_property_missing: 'no property', filter_value_unknown: 'unknown value', no_charge_matched: 'no price', no_active_subscription: 'no subscription', late_usage: 'late usage' };

function explain(warning: string, code: string): { title: string; text: string } {
  const [kind, arg] = warning.split(':', 2) as [string, string | undefined];
  switch (kind) {
    case 'no_metric_for_event_code':
      return { title: 'No metric for this code', text: `No metric of the customer's plan counts events with code "${code}", so nothing was charged. Check the code the app sends (a typo?) or add a metric for it.` };
    case 'metric_property_missing':
      return { title: `Property missing for ${arg ?? 'a metric'}`, text: `The event lacks the property metric ${arg ?? '(unnamed)'} aggregates, so it did not feed that metric. Check the property names the app sends.` };
    case 'filter_value_unknown': {
      // filter_value_unknown:<metric>:<property>
      const [, metric, property] = warning.split(':');
      return {
        title: `Unknown ${property ?? 'filter'} value for ${metric ?? 'a metric'}`,
        text: `The event's ${property ?? 'filter property'} is none of the values metric ${metric ?? '(unnamed)'} declares for it, so no charge filtered on it priced the event (a charge without that filter did, if the plan has one). Check the values the app sends, or add this one to the metric.`,
      };
    }
    case 'no_charge_matched':
      return {
        title: `No charge matched for ${arg ?? 'a metric'}`,
        text: `Every charge on metric ${arg ?? '(unnamed)'} is filtered and the event fits none of them (a filter property missing, or a value no charge lists), so it was recorded and cost nothing there. Check the properties the app sends, or give the plan a charge without filters for everything else.`,
      };
    case 'no_active_subscription':
      return { title: 'No active subscription', text: 'The customer had no active subscription when the event happened, so nothing was priced.' };
    case 'late_usage':
      return { title: 'Late usage', text: "The event's own period was already finalized: it was priced in the current period." };
    case 'authorization_captured':
    case 'authorization_voided':
    case 'authorization_expired':
      return { title: `Hold ${kind.slice('authorization_'.length)}`, text: `The hold the event names was already ${kind.slice('authorization_'.length)}, so the event was charged like any other: from credit, within the overdraft limit and the customer's policy.` };
    default:
      return { title: humanCode(kind), text: warning };
  }
}
