import { Alert, Anchor, Badge, Box, Table, Text, Title } from '@mantine/core';
import { History } from 'lucide-react';
import { Link } from 'react-router';
import type { OutputOf } from '../../api';
import { formatCount, formatDateTime, plural } from '../../lib/format';

type Plan = OutputOf<'getPlanVersion'>;

/**
 * A plan's page, on one version: the latest is the plain page; an older one adds `?version=N`, so a
 * customer's subscription can link to the prices it is billed on.
 */
export function planVersionPath(code: string, version?: number | null): string {
  const base = `/plans/${encodeURIComponent(code)}`;
  return version ? `${base}?version=${version}` : base;
}

/** The `version` search param when it names a version (a positive integer), else null: the latest. */
export function versionParam(value: string | null): number | null {
  return value && /^[1-9]\d{0,8}$/.test(value) ? Number(value) : null;
}

/** "3 subscriptions still on it", "1 subscription still on it", "none still on it". */
export function stillOn(live: number): string {
  return live === 0 ? 'none still on it' : `${plural(live, 'subscription')} still on it`;
}

/**
 * Shown above an older version: its prices still bill whoever is on it (the title says how many:
 * pending or active subscriptions), but nothing here changes them (versions are never edited; a
 * change is a new version).
 */
export function OlderVersionNote({ plan, latest }: { plan: Plan; latest: number }) {
  return (
    <Alert variant="light" color="yellow" icon={<History size={16} />} mb="lg" data-testid="older-version-note" title={`Version ${plan.version} of ${latest} · read only · ${stillOn(plan.live_subscriptions)}`}>
      <Text size="sm">
        Subscriptions still on version {plan.version} are billed with these charges until they move to another version.{' '}
        {plan.scheduled_subscriptions > 0 && `${plural(plan.scheduled_subscriptions, 'subscription is', 'subscriptions are')} scheduled to move onto it at the end of the period. `}
        <Anchor component={Link} to={planVersionPath(plan.code)} size="sm">
          See the latest version (v{latest})
        </Anchor>
      </Text>
    </Alert>
  );
}

/** Every version of the plan, newest first, the one on screen marked. */
export function PlanVersionList({ versions, viewing, more }: { versions: Plan[]; viewing: number; more: boolean }) {
  const latest = versions[0]?.version;
  return (
    <Box>
      <Title order={2} fz="lg" mt="md" mb="xs">
        Versions
      </Title>
      <Table aria-label="Versions" data-testid="plan-versions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th className="tg-right">Live subscriptions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {versions.map((v) => (
            <Table.Tr key={v.version} aria-current={v.version === viewing ? 'page' : undefined}>
              <Table.Td>
                {v.version === viewing ? (
                  <Text size="sm" fw={650} span>
                    v{v.version}
                  </Text>
                ) : (
                  <Anchor component={Link} to={planVersionPath(v.code, v.version === latest ? null : v.version)} size="sm">
                    v{v.version}
                  </Anchor>
                )}{' '}
                {v.version === latest && (
                  <Badge variant="light" size="sm" ml={4}>
                    latest
                  </Badge>
                )}
                {v.version === viewing && (
                  <Badge variant="outline" color="gray" size="sm" ml={4}>
                    shown
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>{v.name}</Table.Td>
              <Table.Td>{formatDateTime(v.created_at)}</Table.Td>
              <Table.Td className="tg-right" data-testid={`live-subscriptions-v${v.version}`}>
                {formatCount(v.live_subscriptions)}
                {v.scheduled_subscriptions > 0 && (
                  <Text span size="xs" c="dimmed" ml={6}>
                    +{v.scheduled_subscriptions} scheduled
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {more && (
        <Text size="xs" c="dimmed" mt={4}>
          The {versions.length} newest versions.
        </Text>
      )}
    </Box>
  );
}
