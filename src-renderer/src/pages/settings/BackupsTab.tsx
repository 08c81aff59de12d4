import { Alert, Badge, Button, Card, Code, Group, NumberInput, SimpleGrid, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Archive, CheckCircle2, TriangleAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import { type ApiError, call, toApiError } from '../../api';
import { CopyValueButton } from '../../components/common';
import { ErrorState, InlineError, NothingYet, TableSkeleton } from '../../components/states';
import { formatBytes } from '../../lib/bytes';
import { formatCount, formatDateTime, humanDuration, relative } from '../../lib/format';
import { useQuery } from '../../lib/useQuery';

const KIND_COLOR: Record<string, string> = { scheduled: 'blue', manual: 'brand', 'pre-restore': 'orange', 'pre-migration': 'grape' };

/** Online backups: the schedule, "back up now", and every backup with its verification and checksum. */
export function BackupsTab() {
  const q = useQuery(() => call('listBackups', {}), [], { refreshMs: 10_000 });
  const [interval, setInterval_] = useState('');
  const [keep, setKeep] = useState('');
  const [dir, setDir] = useState('');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<ApiError | null>(null);
  const settings = q.data?.settings;
  useEffect(() => {
    if (!settings) return;
    setInterval_(String(settings.interval_hours));
    setKeep(String(settings.keep));
    setDir(settings.dir ?? '');
  }, [settings?.interval_hours, settings?.keep, settings?.dir]); // eslint-disable-line react-hooks/exhaustive-deps
  if (q.error && !q.data) return <ErrorState error={q.error} onRetry={q.reload} what="backups" />;
  if (!q.data) return <TableSkeleton rows={4} cols={5} />;
  const { status } = q.data;
  const dirty = interval !== String(settings!.interval_hours) || keep !== String(settings!.keep) || dir !== (settings!.dir ?? '');
  const backupNow = async () => {
    setRunning(true);
    setRunError(null);
    try {
      const b = await call('createBackup', {});
      notifications.show({ color: 'teal', title: 'Backup written and verified', message: `${b.file} · ${formatBytes(b.size)}${b.took_ms !== null ? ` in ${formatCount(Math.round(b.took_ms))} ms` : ''}` });
      q.reload();
    } catch (e) {
      setRunError(toApiError(e));
    } finally {
      setRunning(false);
    }
  };
  return (
    <Stack maw={1100} gap="lg">
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card data-testid="backup-status">
          <Group justify="space-between" mb="xs">
            <Title order={2} fz="md">
              Last backup
            </Title>
            {status.overdue ? (
              <Badge color="red" variant="light" leftSection={<TriangleAlert size={12} />}>
                overdue
              </Badge>
            ) : status.last_at ? (
              <Badge color="teal" variant="light" leftSection={<CheckCircle2 size={12} />}>
                on schedule
              </Badge>
            ) : null}
          </Group>
          <Text className="tg-card-value">{status.last_at ? `${humanDuration(status.age_seconds ?? 0)} ago` : 'No backup yet'}</Text>
          <Text size="sm" c="dimmed">
            {status.last_at ? formatDateTime(status.last_at) : 'Take one now, or let the schedule take the first.'}
            {status.running ? ' · a backup is running' : ''}
          </Text>
          {status.last_error && (
            <Alert color="red" variant="light" mt="xs" py="xs" role="alert">
              The latest attempt failed: {status.last_error}
            </Alert>
          )}
          <InlineError error={runError} />
          <Group mt="md">
            <Button leftSection={<Archive size={16} />} onClick={backupNow} loading={running || status.running} data-testid="backup-now">
              Back up now
            </Button>
            <Text size="xs" c="dimmed" maw={300}>
              Online: writes continue. Verified after writing (integrity and ledger check), with its SHA-256.
            </Text>
          </Group>
        </Card>
        <Card>
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              setSaving(true);
              setSaveError(null);
              try {
                await call('updateBackupSettings', { interval_hours: Number(interval), keep: Number(keep), dir: dir.trim() ? dir.trim() : null });
                notifications.show({ color: 'teal', message: 'Backup schedule saved' });
                q.reload();
              } catch (err) {
                setSaveError(toApiError(err));
              } finally {
                setSaving(false);
              }
            }}
          >
            <Stack gap="sm">
              <Title order={2} fz="md">
                Schedule
              </Title>
              <SimpleGrid cols={2}>
                <NumberInput label="Every (hours)" description="0 turns the schedule off." min={0} max={24 * 366} value={interval} onValueChange={({ value }) => setInterval_(value)} allowNegative={false} />
                <NumberInput label="Keep" description="Scheduled and manual backups kept." min={1} max={1000} allowDecimal={false} allowNegative={false} value={keep} onValueChange={({ value }) => setKeep(value)} />
              </SimpleGrid>
              <TextInput label="Folder" placeholder={settings!.effective_dir} description="An absolute path on the engine's machine; empty: <data dir>/backups." value={dir} onChange={(e) => setDir(e.currentTarget.value)} />
              <Text size="xs" c="dimmed">
                Writing to <Code fz="xs">{settings!.effective_dir}</Code>
              </Text>
              <InlineError error={saveError} />
              <Group justify="flex-end">
                <Button type="submit" loading={saving} disabled={!dirty || !interval || !keep}>
                  Save schedule
                </Button>
              </Group>
            </Stack>
          </form>
        </Card>
      </SimpleGrid>
      <Stack gap="xs">
        <Title order={2} fz="md">
          Backups
        </Title>
        {q.data.data.length === 0 ? (
          <NothingYet icon={<Archive size={28} />} title="No backups yet" description="A backup is a verified copy of the live database, taken without stopping writes." />
        ) : (
          <Table.ScrollContainer minWidth={960}>
            <Table aria-label="Backups" data-testid="backups-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Taken</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>File</Table.Th>
                  <Table.Th className="tg-right">Size</Table.Th>
                  <Table.Th>Verified</Table.Th>
                  <Table.Th className="tg-right">Took</Table.Th>
                  <Table.Th>Restore</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.data.map((b) => {
                  const restore = `tollgate restore '${b.path}' --data-dir <data dir>`;
                  return (
                    <Table.Tr key={b.id} data-testid="backup-row">
                      <Table.Td>
                        <Tooltip label={formatDateTime(b.started_at)}>
                          <Text size="sm" tabIndex={0}>
                            {relative(b.started_at)}
                          </Text>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={KIND_COLOR[b.kind] ?? 'gray'} tt="none">
                          {b.kind}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace">
                          {b.file}
                        </Text>
                        {b.sha256 && (
                          <Text size="xs" c="dimmed" ff="monospace" title={b.sha256}>
                            sha256 {b.sha256.slice(0, 16)}…
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td className="tg-right tg-num">{formatBytes(b.size)}</Table.Td>
                      <Table.Td>
                        {b.error ? (
                          <Text size="xs" c="red">
                            {b.error}
                          </Text>
                        ) : b.verified ? (
                          <Badge color="teal" variant="light" leftSection={<CheckCircle2 size={12} />}>
                            integrity {b.integrity ?? 'ok'} · ledger {b.ledger_ok ? 'ok' : `${b.ledger_problems ?? '?'} problems`}
                          </Badge>
                        ) : (
                          <Badge color="yellow" variant="light">
                            not verified
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td className="tg-right tg-num">{b.took_ms !== null ? `${formatCount(Math.round(b.took_ms))} ms` : '—'}</Table.Td>
                      <Table.Td>
                        <CopyValueButton value={restore} label={`Copy the restore command for ${b.file}`} />
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Text size="xs" c="dimmed">
          To restore, stop the engine and run <Code fz="xs">tollgate restore &lt;backup-file&gt; --data-dir DIR</Code>: it checks the backup, keeps the current database as pre-restore-*.db, and records the restore in the audit log.
        </Text>
      </Stack>
    </Stack>
  );
}
