import { Alert, Badge, Code, Group, List, Stack, Text, Tooltip } from '@mantine/core';
import { TriangleAlert } from 'lucide-react';
import { describeWarning } from '../../lib/event-warnings';

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
