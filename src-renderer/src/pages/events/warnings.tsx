import { Alert, Badge, Code, Group, List, Stack, Text, Tooltip } from '@mantine/core';
import { TriangleAlert } from 'lucide-react';
import { humanCode } from '../../lib/format';

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

const SHORT: Record<string, string> = { no_metric_for_event_code: 'no metric', metric_property_missing: 'no property', no_active_subscription: 'no subscription', late_usage: 'late usage' };

function explain(warning: string, code: string): { title: string; text: string } {
  const [kind, arg] = warning.split(':', 2) as [string, string | undefined];
  switch (kind) {
    case 'no_metric_for_event_code':
      return { title: 'No metric for this code', text: `No metric of the customer's plan counts events with code "${code}", so nothing was charged. Check the code the app sends (a typo?) or add a metric for it.` };
    case 'metric_property_missing':
      return { title: `Property missing for ${arg ?? 'a metric'}`, text: `The event lacks the property metric ${arg ?? '(unnamed)'} aggregates, so it did not feed that metric. Check the property names the app sends.` };
    case 'no_active_subscription':
      return { title: 'No active subscription', text: 'The customer had no active subscription when the event happened, so nothing was priced.' };
    case 'late_usage':
      return { title: 'Late usage', text: "The event's own period was already finalized: it was priced in the current period." };
    case 'authorization_captured':
    case 'authorization_voided':
    case 'authorization_expired':
      return { title: `Hold ${kind.slice('authorization_'.length)}`, text: `The hold the event names was already ${kind.slice('authorization_'.length)}, so the event was debited from credit instead.` };
    default:
      return { title: humanCode(kind), text: warning };
  }
}

/** The list's marker: an amber badge with the count, the warnings in its tooltip. */
export function WarningBadge({ warnings, code }: { warnings: string[]; code: string }) {
  if (warnings.length === 0) return null;
  const label = (
    <Stack gap={4} maw={320}>
      {warnings.map((w) => {
        const d = describeWarning(w, code);
        return (
          <Text key={w} size="xs">
            <b>{d.title}.</b> {d.text}
          </Text>
        );
      })}
    </Stack>
  );
  return (
    <Tooltip label={label} multiline withArrow position="left">
      <Badge size="xs" variant="light" color="yellow" tt="none" leftSection={<TriangleAlert size={11} aria-hidden />} tabIndex={0} data-testid="event-warning" aria-label={`Warnings: ${warnings.join(', ')}`} style={{ flexShrink: 0 }}>
        {warnings.length === 1 ? describeWarning(warnings[0]!, code).short : `${warnings.length} warnings`}
      </Badge>
    </Tooltip>
  );
}

/** The detail's explanation: each warning with its code and what to do. */
export function WarningsAlert({ warnings, code }: { warnings: string[]; code: string }) {
  if (warnings.length === 0) return null;
  return (
    <Alert color="yellow" variant="light" icon={<TriangleAlert size={16} />} title={warnings.length === 1 ? 'Accepted with a warning' : `Accepted with ${warnings.length} warnings`} data-testid="event-warnings">
      <List size="sm" spacing={4}>
        {warnings.map((w) => {
          const d = describeWarning(w, code);
          return (
            <List.Item key={w}>
              <Group gap={6} wrap="wrap">
                <Code fz={11}>{w}</Code>
                <Text size="sm">{d.text}</Text>
              </Group>
            </List.Item>
          );
        })}
      </List>
    </Alert>
  );
}
