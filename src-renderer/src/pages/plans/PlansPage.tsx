import { Anchor, Badge, Button, Group, Table, Text, TextInput } from '@mantine/core';
import { Plus, Search, Tags } from 'lucide-react';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { call } from '../../api';
import { PageHeader } from '../../components/common';
import { ErrorState, NothingMatches, NothingYet, TableSkeleton } from '../../components/states';
import { useTitle } from '../../lib/chart';
import { formatDate } from '../../lib/format';
import { useListKeys } from '../../lib/keys';
import { Money } from '../../lib/money';
import { useQuery } from '../../lib/useQuery';
import { MODEL_INFO } from './draft';

export function PlansPage() {
  useTitle('Plans');
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const plans = useQuery(() => call('listPlans', { limit: 500 }), []);
  const [active, setActive] = useState(-1);
  const all = plans.data?.data ?? [];
  const shown = all.filter((p) => !q || `${p.name} ${p.code} ${p.description ?? ''}`.toLowerCase().includes(q.toLowerCase()));
  useListKeys(shown.length, active, setActive, (i) => navigate(`/plans/${encodeURIComponent(shown[i]!.code)}`));
  const setQ = (v: string) => setParams(v ? { q: v } : {}, { replace: true });
  return (
    <>
      <PageHeader
        title="Plans"
        count={plans.data ? all.length : null}
        description="A plan is what a customer subscribes to: a fixed fee, usage charges priced by Lago's models, and the features it grants. Saving a plan with an existing code creates a new version."
        actions={
          <Button leftSection={<Plus size={16} />} component={Link} to="/plans/new">
            New plan
          </Button>
        }
      >
        <TextInput data-page-search mt="sm" w={320} placeholder="Filter plans" aria-label="Filter plans" leftSection={<Search size={16} />} value={q} onChange={(e) => setQ(e.currentTarget.value)} />
      </PageHeader>
      {plans.error ? (
        <ErrorState error={plans.error} onRetry={plans.reload} what="plans" />
      ) : plans.loading ? (
        <TableSkeleton rows={5} cols={6} />
      ) : all.length === 0 ? (
        <NothingYet
          icon={<Tags size={28} />}
          title="No plans yet"
          description="A plan prices usage: pick a metric, a charge model (standard, graduated, volume, package, percentage, dynamic) and preview the price as you type."
          action={
            <Button leftSection={<Plus size={16} />} component={Link} to="/plans/new">
              New plan
            </Button>
          }
        />
      ) : shown.length === 0 ? (
        <NothingMatches onClear={() => setQ('')} what="plans" />
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table aria-label="Plans" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Plan</Table.Th>
                <Table.Th>Interval</Table.Th>
                <Table.Th>Charges</Table.Th>
                <Table.Th className="tg-right">Fixed fee</Table.Th>
                <Table.Th className="tg-right">Version</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((p, i) => (
                <Table.Tr key={p.code} onClick={() => navigate(`/plans/${encodeURIComponent(p.code)}`)} style={{ cursor: 'pointer' }} bg={i === active ? 'var(--mantine-primary-color-light)' : undefined}>
                  <Table.Td>
                    <Anchor component={Link} to={`/plans/${encodeURIComponent(p.code)}`} fw={600} c="inherit" size="sm">
                      {p.name}
                    </Anchor>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {p.code}
                    </Text>
                  </Table.Td>
                  <Table.Td tt="capitalize">{p.interval}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {p.charges.length === 0 && (
                        <Text size="sm" c="dimmed">
                          none
                        </Text>
                      )}
                      {p.charges.map((c) => (
                        <Badge key={c.id} variant="light" color="gray" tt="none">
                          {c.metric} · {MODEL_INFO[c.model].label.toLowerCase()}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td className="tg-right">{p.fixed_fee ? <Money amount={p.fixed_fee.amount} asset={p.fixed_fee.asset} size="sm" /> : <Text size="sm" c="dimmed">—</Text>}</Table.Td>
                  <Table.Td className="tg-right tg-num">v{p.version}</Table.Td>
                  <Table.Td>{formatDate(p.created_at)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
