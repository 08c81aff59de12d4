import { Alert, Badge, Button, Card, Checkbox, Code, Group, ScrollArea, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { CheckCircle2, FolderInput, FolderOutput, TriangleAlert } from 'lucide-react';
import { useState } from 'react';
import { type ApiError, call, type OutputOf, toApiError } from '../../api';
import { CopyValueButton } from '../../components/common';
import { InlineError } from '../../components/states';
import { formatCount } from '../../lib/format';
import { useAssets } from '../../state/assets';

type Report = OutputOf<'createImport'>;

const FILE_STATUS: Record<string, { color: string; label: string }> = {
  imported: { color: 'teal', label: 'imported' },
  unchanged: { color: 'gray', label: 'unchanged' },
  failed: { color: 'red', label: 'failed' },
  would_import: { color: 'blue', label: 'would import' },
  would_fail: { color: 'red', label: 'would fail' },
};

function ImportReport({ report }: { report: Report }) {
  return (
    <Stack gap="sm" data-testid="import-report" data-ok={report.ok} data-dry-run={report.dry_run}>
      <Alert color={report.ok ? 'teal' : 'red'} variant="light" icon={report.ok ? <CheckCircle2 size={18} /> : <TriangleAlert size={18} />}>
        <Text size="sm">
          {report.dry_run ? 'Dry run: nothing was written. ' : ''}
          {report.ok ? (report.dry_run ? 'Every file would import' : 'Every file imported') : `${formatCount(report.errors.length)} row${report.errors.length === 1 ? '' : 's'} could not be imported`} from a {report.source} export in <Code>{report.folder}</Code>. Ledger check:{' '}
          {report.ledger.ok ? 'passes' : `${report.ledger.problems} problems`}.
        </Text>
      </Alert>
      <Table.ScrollContainer minWidth={720}>
        <Table aria-label="Import report by file" verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>File</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th className="tg-right">Rows</Table.Th>
              <Table.Th className="tg-right">Created</Table.Th>
              <Table.Th className="tg-right">Unchanged</Table.Th>
              <Table.Th className="tg-right">Errors</Table.Th>
              <Table.Th className="tg-right">Skipped</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.files.map((f) => {
              const s = FILE_STATUS[f.status] ?? { color: 'gray', label: f.status };
              return (
                <Table.Tr key={f.file} data-testid="import-file" data-status={f.status}>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {f.file}
                    </Text>
                  </Table.Td>
                  <Table.Td>{f.kind}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={s.color}>
                      {s.label}
                    </Badge>
                  </Table.Td>
                  <Table.Td className="tg-right tg-num">{formatCount(f.rows)}</Table.Td>
                  <Table.Td className="tg-right tg-num">{formatCount(f.created)}</Table.Td>
                  <Table.Td className="tg-right tg-num">{formatCount(f.unchanged)}</Table.Td>
                  <Table.Td className="tg-right tg-num" c={f.errors.length ? 'red' : undefined}>
                    {formatCount(f.errors.length)}
                  </Table.Td>
                  <Table.Td className="tg-right tg-num">{formatCount(f.skipped.length)}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {report.errors.length > 0 && (
        <Card padding="sm">
          <Text size="sm" fw={600} mb={4}>
            Rows that could not be imported
          </Text>
          <ScrollArea.Autosize mah={240}>
            <Table fz="xs" verticalSpacing={2} aria-label="Import errors">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>File:line</Table.Th>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Reason</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.errors.map((e, i) => (
                  <Table.Tr key={i}>
                    <Table.Td ff="monospace">
                      {e.file}:{e.line}
                    </Table.Td>
                    <Table.Td ff="monospace">{e.key ?? '—'}</Table.Td>
                    <Table.Td>{e.reason}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </Card>
      )}
      {report.notes.length > 0 && (
        <Stack gap={2}>
          {report.notes.map((n, i) => (
            <Text key={i} size="xs" c="dimmed">
              {n}
            </Text>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

/** Moving in (imports from a folder, dry run first) and moving out (a full export). */
export function DataTab() {
  const [folder, setFolder] = useState('');
  const [source, setSource] = useState<string | null>('auto');
  const [dryRun, setDryRun] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [exportFolder, setExportFolder] = useState('');
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<ApiError | null>(null);
  const [exported, setExported] = useState<OutputOf<'createFullExport'> | null>(null);

  const runImport = async (dry: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const r = await call('createImport', { folder: folder.trim(), source: (source ?? 'auto') as 'auto', dry_run: dry });
      setReport(r);
      if (!dry) {
        void useAssets.getState().load().catch(() => undefined);
        notifications.show({ color: r.ok ? 'teal' : 'red', message: r.ok ? 'Import finished' : 'Import finished with errors' });
      }
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack maw={1100} gap="lg">
      <Card>
        <Group gap={6} mb={4}>
          <FolderInput size={18} aria-hidden />
          <Title order={2} fz="md">
            Import
          </Title>
        </Group>
        <Text size="sm" c="dimmed" mb="sm">
          A folder on the machine running Tollgate: the import format (docs/import-format.md), a Lago export or a Stripe export. All or nothing per file; importing again changes nothing. Run it dry first.
        </Text>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void runImport(dryRun);
          }}
        >
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput label="Folder" placeholder="/home/me/lago-export" value={folder} onChange={(e) => setFolder(e.currentTarget.value)} required style={{ gridColumn: 'span 2' }} data-testid="import-folder" />
              <Select
                label="Source"
                data={[
                  { value: 'auto', label: 'Recognize from the files' },
                  { value: 'tollgate', label: 'Tollgate import format' },
                  { value: 'lago', label: 'Lago export' },
                  { value: 'stripe', label: 'Stripe export' },
                ]}
                value={source}
                onChange={setSource}
                allowDeselect={false}
              />
            </SimpleGrid>
            <Checkbox label="Dry run: validate and report everything, write nothing" checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} />
            <InlineError error={error} />
            <Group>
              <Button type="submit" loading={busy} disabled={!folder.trim()} data-testid="import-submit">
                {dryRun ? 'Check the folder (dry run)' : 'Import'}
              </Button>
              {report?.dry_run && report.ok && report.folder === folder.trim() && (
                <Button variant="filled" color="teal" loading={busy} onClick={() => runImport(false)} data-testid="import-for-real">
                  Import for real
                </Button>
              )}
            </Group>
          </Stack>
        </form>
        {report && (
          <Stack mt="md">
            <ImportReport report={report} />
          </Stack>
        )}
      </Card>
      <Card>
        <Group gap={6} mb={4}>
          <FolderOutput size={18} aria-hidden />
          <Title order={2} fz="md">
            Full export
          </Title>
        </Group>
        <Text size="sm" c="dimmed" mb="sm">
          Everything, to a folder on the engine&apos;s machine: every table as JSON lines (integers as strings) with a manifest, and CSV of transfers and invoices. <Code>tollgate import &lt;folder&gt; --data-dir &lt;empty dir&gt;</Code> rebuilds a data dir from it.
        </Text>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setExporting(true);
            setExportError(null);
            try {
              setExported(await call('createFullExport', exportFolder.trim() ? { folder: exportFolder.trim() } : {}));
            } catch (err) {
              setExportError(toApiError(err));
            } finally {
              setExporting(false);
            }
          }}
        >
          <Group align="flex-end">
            <TextInput label="Folder (optional)" placeholder="<data dir>/exports/full-<timestamp>" description="An empty or new folder, absolute path." value={exportFolder} onChange={(e) => setExportFolder(e.currentTarget.value)} style={{ flex: 1 }} />
            <Button type="submit" loading={exporting} data-testid="full-export">
              Export everything
            </Button>
          </Group>
        </form>
        <InlineError error={exportError} />
        {exported && (
          <Stack gap="xs" mt="md" data-testid="full-export-result">
            <Group gap={4} wrap="nowrap">
              <Code style={{ flex: 1, wordBreak: 'break-all' }}>{exported.folder}</Code>
              <CopyValueButton value={exported.folder} label="Copy the folder path" />
            </Group>
            <Text size="xs" c="dimmed">
              Schema v{exported.schema_version}, {formatCount(exported.tables.length)} tables, {formatCount(exported.files.length)} files.
            </Text>
            <ScrollArea.Autosize mah={260}>
              <Table fz="xs" verticalSpacing={2} aria-label="Exported tables">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Table</Table.Th>
                    <Table.Th className="tg-right">Rows</Table.Th>
                    <Table.Th>File</Table.Th>
                    <Table.Th>SHA-256</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {exported.tables.map((t) => (
                    <Table.Tr key={t.table}>
                      <Table.Td ff="monospace">{t.table}</Table.Td>
                      <Table.Td className="tg-right tg-num">{formatCount(t.rows)}</Table.Td>
                      <Table.Td ff="monospace">{t.file}</Table.Td>
                      <Table.Td ff="monospace">{t.sha256.slice(0, 16)}…</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea.Autosize>
          </Stack>
        )}
      </Card>
    </Stack>
  );
}
