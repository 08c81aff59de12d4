import { ActionIcon, Autocomplete, Badge, Box, Button, Code, Group, SimpleGrid, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ChevronDown, ChevronRight, Download, ScrollText } from 'lucide-react';
import { Fragment, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { type ApiError, call, door, type OutputOf, toApiError } from '../../api';
import { CopyId, PageHeader } from '../../components/common';
import { CustomerPicker } from '../../components/CustomerPicker';
import { ErrorState, NothingMatches, NothingYet, TableSkeleton } from '../../components/states';
import { saveBytes } from '../../lib/bytes';
import { useTitle } from '../../lib/chart';
import { formatCount, formatDateTime, relative } from '../../lib/format';
import { useQuery } from '../../lib/useQuery';
import { useLive } from '../../state/live';

type Entry = OutputOf<'listAuditLog'>['data'][number];

/** The actions the engine records (src-main/engine/audit-actions.ts), grouped by the prefix the filter takes. */
const ACTIONS = [
  'adjustment.create', 'alert_rule.create', 'alert_rule.delete', 'api_key.create', 'api_key.revoke', 'api_key.rotate', 'api_key.update', 'asset.create', 'asset.rate_add',
  'auto_top_up.set', 'auto_top_up.update', 'backup.create', 'backup.settings_update', 'billing_run.start', 'coupon.apply', 'coupon.create', 'coupon.remove', 'credit_note.create',
  'customer.close', 'customer.create', 'customer.erase', 'customer.export', 'customer.update', 'event.reverse', 'export.full', 'import.run', 'invoice.finalize',
  'invoice.payment', 'invoice.reissue', 'invoice.settle_from_credit', 'invoice.void', 'invoices.export', 'metric.create', 'plan.create', 'settings.update',
  'subscription.create', 'subscription.terminate', 'subscription.update', 'top_up.chargeback', 'top_up.confirm', 'top_up.create', 'top_up.fail', 'top_up.refund',
  'webhook_delivery.replay', 'webhook_endpoint.create', 'webhook_endpoint.update',
];
const PREFIXES = [...new Set(ACTIONS.map((a) => `${a.split('.')[0]}.`))];
const ACTION_OPTIONS = [
  { group: 'Every action of', items: PREFIXES },
  { group: 'One action', items: ACTIONS },
];

function actionColor(action: string): string {
  if (/erase|close|revoke|void|chargeback|delete/.test(action)) return 'red';
  if (/^(invoice|credit_note|invoices|billing_run)\./.test(action)) return 'orange';
  if (/^(top_up|adjustment)\./.test(action)) return 'teal';
  if (/^(api_key|settings|backup|import|export)\./.test(action)) return 'grape';
  return 'gray';
}

// ---------------------------------------------------------------- diff

type Flat = Map<string, string>;
/** An object as `path → JSON value` rows (nested objects and arrays spelled out), for a field-by-field diff. */
function flatten(v: unknown, prefix = '', out: Flat = new Map()): Flat {
  if (v !== null && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) out.set(prefix || '(value)', Array.isArray(v) ? '[]' : '{}');
    for (const [k, x] of entries) flatten(x, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  out.set(prefix || '(value)', JSON.stringify(v));
  return out;
}

/** Before and after, field by field: changed fields first, unchanged ones folded away. */
export function DiffView({ before, after }: { before: unknown; after: unknown }) {
  const [showSame, setShowSame] = useState(false);
  const b = before === null || before === undefined ? new Map<string, string>() : flatten(before);
  const a = after === null || after === undefined ? new Map<string, string>() : flatten(after);
  const keys = [...new Set([...b.keys(), ...a.keys()])];
  const rows = keys.map((k) => ({ k, b: b.get(k), a: a.get(k) }));
  const changed = rows.filter((r) => r.b !== r.a);
  const same = rows.filter((r) => r.b === r.a);
  if (rows.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No object recorded.
      </Text>
    );
  const mode = before == null ? 'created' : after == null ? 'removed' : 'edited';
  return (
    <Box data-testid="audit-diff">
      <Text size="xs" c="dimmed" mb={4}>
        {mode === 'created' ? `Created: ${changed.length} field${changed.length === 1 ? '' : 's'}` : mode === 'removed' ? 'Removed' : `${changed.length} field${changed.length === 1 ? '' : 's'} changed, ${same.length} unchanged`}
      </Text>
      <Table fz="xs" verticalSpacing={2} withTableBorder aria-label="Before and after">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="30%">Field</Table.Th>
            <Table.Th w="35%">Before</Table.Th>
            <Table.Th w="35%">After</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...changed, ...(showSame ? same : [])].map((r) => (
            <Table.Tr key={r.k} data-changed={r.b !== r.a}>
              <Table.Td ff="monospace">{r.k}</Table.Td>
              <Table.Td ff="monospace" className={r.b !== r.a && r.b !== undefined ? 'tg-diff-removed' : undefined} style={{ wordBreak: 'break-all' }}>
                {r.b === undefined ? <Text span c="dimmed" size="xs">—</Text> : r.b}
              </Table.Td>
              <Table.Td ff="monospace" className={r.b !== r.a && r.a !== undefined ? 'tg-diff-added' : undefined} style={{ wordBreak: 'break-all' }}>
                {r.a === undefined ? <Text span c="dimmed" size="xs">—</Text> : r.a}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {same.length > 0 && mode === 'edited' && (
        <Button size="compact-xs" variant="subtle" mt={4} onClick={() => setShowSame((s) => !s)}>
          {showSame ? 'Hide unchanged fields' : `Show ${same.length} unchanged field${same.length === 1 ? '' : 's'}`}
        </Button>
      )}
    </Box>
  );
}

// ---------------------------------------------------------------- page

/** `datetime-local` text to an ISO instant (the server takes offsets or Unix seconds). */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

export function AuditLogPage() {
  useTitle('Audit log');
  const [params, setParams] = useSearchParams();
  const action = params.get('action') ?? '';
  const actor = params.get('actor') ?? '';
  const customer = params.get('customer');
  const since = params.get('since') ?? '';
  const until = params.get('until') ?? '';
  const [actionText, setActionText] = useState(action);
  const [actorText, setActorText] = useState(actor);
  useEffect(() => setActionText(action), [action]);
  useEffect(() => setActorText(actor), [actor]);
  const setParam = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  // Free text applies after a pause, like a search box.
  useEffect(() => {
    const t = setTimeout(() => {
      if (actionText.trim() !== action) setParam('action', actionText.trim() || null);
    }, 400);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [actionText]);
  useEffect(() => {
    const t = setTimeout(() => {
      if (actorText.trim() !== actor) setParam('actor', actorText.trim() || null);
    }, 400);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [actorText]);

  const keys = useQuery(() => call('listApiKeys', {}), [], { reloadOnHello: false });
  const actorOptions = useMemo(() => (keys.data?.data ?? []).map((k) => k.id), [keys.data]);
  const keyName = (id: string) => keys.data?.data.find((k) => k.id === id)?.name;

  const filters = useMemo(
    () => ({ ...(action ? { action } : {}), ...(actor ? { actor } : {}), ...(customer ? { customer } : {}), ...(since ? { since: toIso(since) } : {}), ...(until ? { until: toIso(until) } : {}) }),
    [action, actor, customer, since, until],
  );
  const filtered = Object.keys(filters).length > 0;
  const [rows, setRows] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [downloading, setDownloading] = useState(false);
  const seq = useRef(0);
  const epoch = useLive((s) => s.epoch);
  const load = useCallback(() => {
    const mine = ++seq.current;
    setError(null);
    call('listAuditLog', { limit: 50, ...filters })
      .then((p) => {
        if (mine !== seq.current) return;
        setRows(p.data);
        setCursor(p.next_cursor);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (mine !== seq.current) return;
        setError(toApiError(e));
        setLoading(false);
      });
  }, [filters]);
  useEffect(() => {
    setLoading(true);
    load();
  }, [load, epoch]);
  const loadMore = async () => {
    if (!cursor) return;
    setMore(true);
    try {
      const p = await call('listAuditLog', { limit: 50, cursor, ...filters });
      setRows((r) => [...r, ...p.data]);
      setCursor(p.next_cursor);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setMore(false);
    }
  };
  const download = async () => {
    setDownloading(true);
    try {
      const f = await door.auditCsv(filters);
      saveBytes(f.bytes, f.filename, f.contentType);
      notifications.show({ color: 'teal', message: `${f.filename} downloaded${f.rows !== null && f.rows !== undefined ? ` (${formatCount(f.rows)} rows)` : ''}` });
    } catch (e) {
      const x = toApiError(e);
      notifications.show({ color: 'red', title: `CSV export failed: ${x.code}`, message: x.message });
    } finally {
      setDownloading(false);
    }
  };
  const clear = () => {
    setActionText('');
    setActorText('');
    setParams(new URLSearchParams(), { replace: true });
  };

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made outside the ingest path, written in the same transaction as the change: who, through which door, from where, what before and after, and why."
        actions={
          <Button variant="default" leftSection={<Download size={16} />} onClick={download} loading={downloading} data-testid="audit-csv">
            Download CSV
          </Button>
        }
      >
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} mt="sm" spacing="sm">
          <Autocomplete label="Action" placeholder="invoice. or invoice.void" data={ACTION_OPTIONS} value={actionText} onChange={setActionText} onOptionSubmit={(v) => setParam('action', v)} data-page-search data-testid="audit-action" clearable limit={60} maxDropdownHeight={320} />
          <Autocomplete
            label="Actor"
            placeholder="Key id or OS user"
            data={actorOptions.map((id) => ({ value: id, label: `${id}${keyName(id) ? ` · ${keyName(id)}` : ''}` }))}
            value={actorText}
            onChange={setActorText}
            onOptionSubmit={(v) => setParam('actor', v)}
            clearable
          />
          <CustomerPicker value={customer} onChange={(v) => setParam('customer', v)} />
          <TextInput label="Since" type="datetime-local" value={since} onChange={(e) => setParam('since', e.currentTarget.value || null)} />
          <TextInput label="Until" type="datetime-local" value={until} onChange={(e) => setParam('until', e.currentTarget.value || null)} error={since && until && until <= since ? 'After Since' : undefined} />
        </SimpleGrid>
        {filtered && (
          <Group>
            <Button variant="subtle" size="xs" onClick={clear}>
              Clear filters
            </Button>
          </Group>
        )}
      </PageHeader>
      {error && rows.length === 0 ? (
        <ErrorState error={error} onRetry={load} what="the audit log" />
      ) : loading ? (
        <TableSkeleton rows={10} cols={6} />
      ) : rows.length === 0 ? (
        filtered ? (
          <NothingMatches onClear={clear} what="audit entries" />
        ) : (
          <NothingYet icon={<ScrollText size={28} />} title="Nothing recorded yet" description="Top-ups, invoices, keys, settings, customers: every change an operator or an app makes outside event ingestion is recorded here, append-only." />
        )
      ) : (
        <Table.ScrollContainer minWidth={1000} type="native" className="tg-hscroll">
          <Table aria-label="Audit log" data-testid="audit-table" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={30} />
                <Table.Th>When</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Target</Table.Th>
                <Table.Th>Customer</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => {
                const expanded = !!open[r.id];
                return (
                  <Fragment key={r.id}>
                    <Table.Tr data-testid="audit-row" data-action={r.action} data-customer={r.customer ?? ''}>
                      <Table.Td>
                        <ActionIcon variant="subtle" color="gray" size="sm" onClick={() => setOpen((o) => ({ ...o, [r.id]: !o[r.id] }))} aria-expanded={expanded} aria-label={`${expanded ? 'Hide' : 'Show'} the change ${r.action} at ${formatDateTime(r.at)}`} data-testid="audit-toggle">
                          {expanded ? <ChevronDown size={14} /> : <ChevronRight size={14} />}
                        </ActionIcon>
                      </Table.Td>
                      <Table.Td>
                        <Tooltip label={relative(r.at)}>
                          <Text size="sm" className="tg-num" tabIndex={0}>
                            {formatDateTime(r.at)}
                          </Text>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={actionColor(r.action)} tt="none" ff="monospace" maw="none" styles={{ label: { overflow: 'visible' } }}>
                          {r.action}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace" truncate maw={240}>
                          {r.target ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>{r.customer ? <Link to={`/customers/${encodeURIComponent(r.customer)}/activity`}>{r.customer}</Link> : <Text span size="sm" c="dimmed">—</Text>}</Table.Td>
                      <Table.Td>
                        <Text size="sm" truncate maw={220} title={r.actor.name ?? r.actor.id ?? r.actor.kind}>
                          {r.actor.name ?? r.actor.id ?? r.actor.kind}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {r.actor.kind === 'key' ? 'API key' : r.actor.kind === 'os_user' ? 'desktop user' : 'system'} · {r.door}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" lineClamp={2} maw={260}>
                          {r.reason ?? <Text span size="sm" c="dimmed">—</Text>}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                    {expanded && (
                      <Table.Tr>
                        <Table.Td colSpan={7}>
                          <Stack gap="xs" py={4}>
                            <Group gap="lg">
                              <Text size="xs">
                                entry <CopyId value={r.id} label="audit entry id" />
                              </Text>
                              {r.request_id && (
                                <Text size="xs">
                                  request <Code>{r.request_id}</Code>
                                </Text>
                              )}
                              {r.remote_address && (
                                <Text size="xs">
                                  from <Code>{r.remote_address}</Code>
                                </Text>
                              )}
                              {r.actor.id && (
                                <Text size="xs">
                                  actor id <Code>{r.actor.id}</Code>
                                </Text>
                              )}
                            </Group>
                            <DiffView before={r.before} after={r.after} />
                          </Stack>
                        </Table.Td>
                      </Table.Tr>
                    )}
                  </Fragment>
                );
              })}
            </Table.Tbody>
          </Table>
          {cursor && (
            <Group justify="center" py="xs">
              <Button variant="subtle" size="xs" onClick={loadMore} loading={more}>
                Load older entries
              </Button>
            </Group>
          )}
        </Table.ScrollContainer>
      )}
    </>
  );
}
