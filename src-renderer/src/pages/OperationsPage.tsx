import { Alert, Anchor, Badge, Button, Card, Code, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Activity, Archive, CheckCircle2, Database, HardDrive, MemoryStick, ShieldCheck, TriangleAlert, Webhook } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { type ApiError, call, type OutputOf, toApiError } from '../api';
import { InfoTip, PageHeader } from '../components/common';
import { CardsSkeleton, ErrorState, InlineError } from '../components/states';
import { formatBytes } from '../lib/bytes';
import { useTitle } from '../lib/chart';
import { formatCount, formatDateTime, humanCode, humanDuration } from '../lib/format';
import { useQuery } from '../lib/useQuery';

type Stats = OutputOf<'getRuntimeStats'>;

function StatCard({ icon, label, value, sub, info, tone, testId }: { icon: React.ReactNode; label: string; value: React.ReactNode; sub?: React.ReactNode; info: string; tone?: 'red' | 'yellow' | 'teal'; testId?: string }) {
  return (
    <Card data-testid={testId} style={tone === 'red' ? { borderColor: 'var(--mantine-color-red-6)' } : undefined}>
      <Group gap={6} mb={4}>
        {icon}
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {label}
        </Text>
        <InfoTip label={info} />
      </Group>
      <Text className="tg-card-value tg-num" c={tone === 'red' ? 'red' : undefined}>
        {value}
      </Text>
      {sub && (
        <Text size="sm" c="dimmed" mt={2} component="div">
          {sub}
        </Text>
      )}
    </Card>
  );
}

/** The figures an operator watches (the same as `GET /metrics` for Prometheus), health, and the ledger check on demand. */
export function OperationsPage() {
  useTitle('Operations');
  const stats = useQuery(() => call('getRuntimeStats', {}), [], { refreshMs: 5000 });
  const health = useQuery(() => call('health', {}), [], { refreshMs: 10_000 });
  const [verify, setVerify] = useState<OutputOf<'verifyLedger'> | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState<ApiError | null>(null);
  const s: Stats | undefined = stats.data;
  const h = health.data;
  const uptime = s ? s.uptime_seconds : h?.uptime_seconds;
  return (
    <>
      <PageHeader
        title="Operations"
        description={
          <>
            How the engine is doing, refreshed every few seconds. Prometheus scrapes the same figures at <Code>GET /metrics</Code> (a read key); the JSON is <Code>GET /v1/stats/runtime</Code>.
          </>
        }
      />
      {h && h.status === 'degraded' && (
        <Alert color="red" variant="light" icon={<TriangleAlert size={18} />} title="Writes are refused" mb="md" role="alert" data-testid="health-degraded">
          {h.storage.message ?? 'The database cannot take writes.'}
          {h.storage.since ? ` Since ${formatDateTime(h.storage.since)}.` : ''} Reads still work; writes resume by themselves once the disk takes them again.
        </Alert>
      )}
      {stats.error && !s ? (
        <ErrorState error={stats.error} onRetry={stats.reload} what="runtime stats" />
      ) : !s ? (
        <CardsSkeleton count={4} />
      ) : (
        <Stack gap="lg" data-testid="runtime-stats">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <StatCard
              testId="stat-health"
              icon={h?.status === 'degraded' ? <TriangleAlert size={16} aria-hidden /> : <CheckCircle2 size={16} aria-hidden />}
              label="Health"
              value={h ? (h.status === 'ok' ? 'OK' : 'Degraded') : '…'}
              tone={h?.status === 'degraded' ? 'red' : undefined}
              sub={h ? `Tollgate ${h.version} · schema v${h.schema_version} · up ${humanDuration(uptime ?? 0)}` : undefined}
              info="GET /v1/health: degraded when the disk refuses writes (full, read-only or failing)."
            />
            <StatCard testId="stat-events" icon={<Activity size={16} aria-hidden />} label="Events recorded" value={formatCount(s.events_recorded)} sub={`as of ${formatDateTime(s.as_of)}`} info="Every event ever recorded: a counter, so its rate is events per second." />
            <StatCard
              testId="stat-webhooks"
              icon={<Webhook size={16} aria-hidden />}
              label="Webhook queue"
              value={formatCount(s.webhooks.pending)}
              tone={s.webhooks.dead > 0 ? 'yellow' : undefined}
              sub={
                <>
                  {s.webhooks.oldest_pending_age_seconds !== null ? `oldest ${humanDuration(s.webhooks.oldest_pending_age_seconds)} · ` : ''}
                  {s.webhooks.dead > 0 ? (
                    <Anchor component={Link} to="/webhooks/deliveries?status=dead" size="sm">
                      {formatCount(s.webhooks.dead)} dead letter{s.webhooks.dead === 1 ? '' : 's'}
                    </Anchor>
                  ) : (
                    'no dead letters'
                  )}
                </>
              }
              info="Messages waiting to be delivered (retried with backoff for about 3.4 days) and dead letters (gave up; replay them from the delivery log)."
            />
            <StatCard
              testId="stat-backup"
              icon={<Archive size={16} aria-hidden />}
              label="Last backup"
              value={s.backup.last_age_seconds === null ? 'None' : `${humanDuration(s.backup.last_age_seconds)} ago`}
              tone={s.backup.overdue ? 'red' : undefined}
              sub={
                <>
                  {s.backup.overdue ? <Badge color="red" variant="light" mr={6}>overdue</Badge> : null}
                  <Anchor component={Link} to="/settings/backups" size="sm">
                    Backups
                  </Anchor>
                </>
              }
              info="The age of the last verified backup; overdue when a schedule is set and it is older than twice its interval."
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Card>
              <Group gap={6} mb="xs">
                <HardDrive size={16} aria-hidden />
                <Title order={2} fz="md">
                  Storage and memory
                </Title>
              </Group>
              <Table withRowBorders={false} verticalSpacing={4} aria-label="Storage and memory">
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Td>
                      <Group gap={6}>
                        <Database size={14} aria-hidden />
                        <Text size="sm">Database</Text>
                      </Group>
                    </Table.Td>
                    <Table.Td className="tg-right tg-num" data-testid="database-bytes">
                      {formatBytes(s.storage.database_bytes)}
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Td>
                      <Text size="sm" pl={20}>
                        Write-ahead log
                      </Text>
                    </Table.Td>
                    <Table.Td className="tg-right tg-num">{formatBytes(s.storage.wal_bytes)}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Td>
                      <Text size="sm" pl={20} title="Writes that shared one commit (one fsync), on average since the engine started">
                        Writes per commit
                      </Text>
                    </Table.Td>
                    <Table.Td className="tg-right tg-num" data-testid="writes-per-commit">
                      {s.writer.commits ? (s.writer.operations / s.writer.commits).toFixed(1) : '—'}
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Td>
                      <Group gap={6}>
                        <MemoryStick size={14} aria-hidden />
                        <Text size="sm">Memory (resident)</Text>
                      </Group>
                    </Table.Td>
                    <Table.Td className="tg-right tg-num">{formatBytes(s.memory.rss_bytes)}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Td>
                      <Text size="sm" pl={20}>
                        JavaScript heap in use
                      </Text>
                    </Table.Td>
                    <Table.Td className="tg-right tg-num">{formatBytes(s.memory.heap_used_bytes)}</Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
              {h && (
                <Text size="xs" c="dimmed" mt="xs">
                  SQLite {h.storage.sqlite_version}, journal {h.storage.journal_mode}, synchronous {h.storage.synchronous} · <Code fz="xs">{h.storage.path}</Code>
                </Text>
              )}
            </Card>
            <Card>
              <Group justify="space-between" mb="xs">
                <Title order={2} fz="md">
                  Refusals by reason
                </Title>
                <Text size="xs" c="dimmed">
                  last 90 days
                </Text>
              </Group>
              {s.refusals.length === 0 ? (
                <Text size="sm" c="dimmed">
                  Nothing refused.
                </Text>
              ) : (
                <Table verticalSpacing={4} aria-label="Refusals by reason">
                  <Table.Tbody>
                    {[...s.refusals]
                      .sort((a, b) => b.count - a.count)
                      .map((r) => (
                        <Table.Tr key={r.reason}>
                          <Table.Td>
                            <Text size="sm">{humanCode(r.reason)}</Text>
                            <Text size="xs" c="dimmed" ff="monospace">
                              {r.reason}
                            </Text>
                          </Table.Td>
                          <Table.Td className="tg-right tg-num">{formatCount(r.count)}</Table.Td>
                        </Table.Tr>
                      ))}
                  </Table.Tbody>
                </Table>
              )}
              <Anchor component={Link} to="/events/refused" size="sm" mt="xs" display="inline-block">
                Refused requests with samples and fixes
              </Anchor>
            </Card>
          </SimpleGrid>
          <Card>
            <Group justify="space-between" mb="xs">
              <Group gap={6}>
                <ShieldCheck size={16} aria-hidden />
                <Title order={2} fz="md">
                  Ledger check
                </Title>
              </Group>
              <Button
                size="xs"
                variant="default"
                loading={verifying}
                onClick={async () => {
                  setVerifying(true);
                  setVerifyError(null);
                  try {
                    setVerify(await call('verifyLedger', {}));
                  } catch (e) {
                    setVerifyError(toApiError(e));
                  } finally {
                    setVerifying(false);
                  }
                }}
                data-testid="verify-ledger"
              >
                Run the ledger check
              </Button>
            </Group>
            <Text size="sm" c="dimmed">
              Recomputes every balance from the transfer rows alone: postings sum to zero per asset, running totals and lots match, no consumption crossed its limit.
            </Text>
            <InlineError error={verifyError} />
            {verify && (
              <Alert mt="sm" color={verify.ok ? 'teal' : 'red'} variant="light" icon={verify.ok ? <CheckCircle2 size={18} /> : <TriangleAlert size={18} />} data-testid="verify-result" data-ok={verify.ok}>
                <Text size="sm">
                  {verify.ok ? 'The ledger checks out' : `${verify.problems.length} problem${verify.problems.length === 1 ? '' : 's'} found`}: {formatCount(verify.transfers)} transfers, {formatCount(verify.accounts)} accounts, {formatCount(verify.lots)} lots, at {formatDateTime(verify.checked_at)}.
                </Text>
                {verify.problems.slice(0, 10).map((p, i) => (
                  <Text key={i} size="xs" ff="monospace">
                    {p.check}: {p.message}
                  </Text>
                ))}
              </Alert>
            )}
          </Card>
        </Stack>
      )}
    </>
  );
}
