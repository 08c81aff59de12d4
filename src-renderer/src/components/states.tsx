import { Alert, Button, Code, EmptyState, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { Ban, RotateCw, SearchX, TriangleAlert } from 'lucide-react';
import type { ReactNode } from 'react';
import type { ApiError } from '../api';

/** A failed read: the server's code, its message, and Retry. A 403 is the "not allowed" empty state. */
export function ErrorState({ error, onRetry, what }: { error: ApiError; onRetry?: () => void; what?: string }) {
  if (error.status === 403 || error.code === 'forbidden') return <NotAllowed message={error.message} />;
  return (
    <Alert variant="light" color="red" icon={<TriangleAlert size={18} />} title={what ? `Could not load ${what}` : 'Something went wrong'} role="alert">
      <Stack gap="xs">
        <Text size="sm">
          <Code>{error.code}</Code> {error.message}
        </Text>
        {onRetry && (
          <Group>
            <Button size="xs" variant="light" color="red" leftSection={<RotateCw size={14} />} onClick={onRetry}>
              Retry
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

/** An inline error under a form: code + message. */
export function InlineError({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <Alert variant="light" color="red" icon={<TriangleAlert size={16} />} role="alert" py="xs">
      <Text size="sm">
        <Code>{error.code}</Code> {error.message}
      </Text>
    </Alert>
  );
}

export function NotAllowed({ message }: { message?: string }) {
  return (
    <EmptyState
      my="xl"
      icon={<Ban size={28} />}
      withIndicatorBackground
      title="You are not allowed to see this"
      description={message ?? 'The API key you signed in with lacks the scope this page needs. Sign in with a key that has the read or admin scope.'}
    />
  );
}

/** Nothing yet: one sentence saying what the object is, and the create button. */
export function NothingYet({ icon, title, description, action }: { icon: ReactNode; title: string; description: string; action?: ReactNode }) {
  return (
    <EmptyState my="xl" icon={icon} variant="light" title={title} description={description}>
      {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
    </EmptyState>
  );
}

/** Nothing matches the filters: say so and offer to clear them. */
export function NothingMatches({ onClear, what = 'results' }: { onClear: () => void; what?: string }) {
  return (
    <EmptyState my="xl" icon={<SearchX size={28} />} withIndicatorBackground title={`No ${what} match`} description="Try another search, or clear the filters.">
      <EmptyState.Actions>
        <Button variant="default" onClick={onClear}>
          Clear filters
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}

export function TableSkeleton({ rows = 8, cols = 5 }: { rows?: number; cols?: number }) {
  return (
    <Table aria-busy="true" aria-label="Loading">
      <Table.Tbody>
        {Array.from({ length: rows }, (_, r) => (
          <Table.Tr key={r}>
            {Array.from({ length: cols }, (_, c) => (
              <Table.Td key={c}>
                <Skeleton height={14} width={c === 0 ? '70%' : '50%'} ml={c === 0 ? 0 : 'auto'} />
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function CardsSkeleton({ count = 3, height = 140 }: { count?: number; height?: number }) {
  return (
    <Group grow align="stretch" aria-busy="true" aria-label="Loading">
      {Array.from({ length: count }, (_, i) => (
        <Skeleton key={i} height={height} radius="md" />
      ))}
    </Group>
  );
}
