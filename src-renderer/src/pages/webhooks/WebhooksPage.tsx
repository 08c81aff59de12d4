import { ActionIcon, Alert, Badge, Box, Button, Code, Collapse, Group, Menu, Modal, MultiSelect, SegmentedControl, Select, Stack, Switch, Table, Tabs, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { WEBHOOK_EVENT_TYPES } from '@shared/contract/notify';
import { ChevronDown, ChevronRight, MoreHorizontal, Plus, RotateCw, Send, Webhook } from 'lucide-react';
import { Fragment, useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { type ApiError, call, type OutputOf, toApiError } from '../../api';
import { CopyId, PageHeader } from '../../components/common';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { SecretShownOnce } from '../../components/SecretShownOnce';
import { ErrorState, InlineError, NothingMatches, NothingYet, TableSkeleton } from '../../components/states';
import { useTitle } from '../../lib/chart';
import { formatCount, formatDateTime, relative } from '../../lib/format';
import { useQuery } from '../../lib/useQuery';
import { useLive } from '../../state/live';
import { AlertEventsTable, ruleText } from '../customers/AlertsTab';

type Endpoint = OutputOf<'listWebhookEndpoints'>['data'][number];
type Delivery = OutputOf<'listWebhookDeliveries'>['data'][number];

/** Typed by the contract's list, so a new type cannot reach the picker without its words. */
const TYPE_HELP: Record<(typeof WEBHOOK_EVENT_TYPES)[number], string> = {
  'wallet.low_balance': 'a balance alert fell below its threshold',
  'wallet.depleted': 'a wallet reached zero',
  'wallet.topped_up': 'a top-up or grant credited a wallet',
  'credit.expired': 'unused credit of a top-up or grant expired',
  'authorization.declined': 'authorizations declined (coalesced per minute)',
  'event.refused': 'events refused (coalesced per minute)',
  'spend_cap.reached': 'a spend cap refused something (coalesced)',
  'top_up.requested': 'auto top-up asks your payment system to charge',
  'top_up.expired': 'a requested top-up was never confirmed',
  'invoice.finalized': 'an invoice was finalized',
  'invoice.overdue': 'an invoice passed its due date unpaid',
  'credit_note.created': 'a credit note was issued',
  'usage.threshold_reached': 'a usage alert reached its threshold',
  'webhook.endpoint_disabled': 'an endpoint was disabled after failing for too long',
};
const TYPE_OPTIONS = [{ value: '*', label: 'Every event type (*)' }, ...WEBHOOK_EVENT_TYPES.map((t) => ({ value: t, label: `${t} — ${TYPE_HELP[t]}` }))];

/** The signing secret, shown once: copy it and confirm it is stored. */
function SecretOnce({ secret, what, onDone }: { secret: string; what: string; onDone: () => void }) {
  const [stored, setStored] = useState(false);
  return (
    <SecretShownOnce
      secret={secret}
      notice={
        <>
          This is the only time the signing secret of {what} is shown. Verify each message&apos;s <Code>Tollgate-Signature</Code> with it.
        </>
      }
      copyLabel="Copy the secret"
      testId="webhook-secret"
      stored={stored}
      setStored={setStored}
      onDone={onDone}
    />
  );
}

function EndpointDialog({ opened, onClose, onSaved, editing }: { opened: boolean; onClose: () => void; onSaved: () => void; editing: Endpoint | null }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<string[]>(['*']);
  const [enabled, setEnabled] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  useEffect(() => {
    if (!opened) return;
    setUrl(editing?.url ?? '');
    setDescription(editing?.description ?? '');
    setTypes(editing?.event_types ?? ['*']);
    setEnabled(editing?.enabled ?? true);
    setError(null);
    setSecret(null);
  }, [opened, editing]);
  const urlOk = /^https?:\/\/[^\s]+$/.test(url.trim());
  return (
    <Modal opened={opened} onClose={() => (!secret ? onClose() : undefined)} withCloseButton={!secret} closeOnEscape={!secret} closeOnClickOutside={!secret} title={<Text fw={600}>{secret ? 'Store the signing secret now' : editing ? 'Edit the endpoint' : 'New webhook endpoint'}</Text>} size="lg">
      {secret ? (
        <SecretOnce secret={secret} what={url} onDone={onSaved} />
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            try {
              const event_types = types as ('*' | (typeof WEBHOOK_EVENT_TYPES)[number])[];
              if (editing) {
                await call('updateWebhookEndpoint', { id: editing.id, url: url.trim(), description: description.trim() || null, event_types });
                onSaved();
              } else {
                const created = await call('createWebhookEndpoint', { url: url.trim(), event_types, enabled, ...(description.trim() ? { description: description.trim() } : {}) });
                setSecret(created.secret);
              }
            } catch (err) {
              setError(toApiError(err));
            } finally {
              setBusy(false);
            }
          }}
        >
          <Stack>
            <TextInput label="URL" placeholder="https://billing.example.com/tollgate" value={url} onChange={(e) => setUrl(e.currentTarget.value)} required data-autofocus error={url && !urlOk ? 'An http(s) URL' : undefined} />
            <TextInput label="Description (optional)" placeholder="Payment service" value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
            <MultiSelect
              label="Event types"
              description="What this endpoint receives. Delivery is at least once and may be out of order: keep the ids you processed."
              data={TYPE_OPTIONS}
              value={types}
              onChange={(v) => setTypes(v.includes('*') && !types.includes('*') ? ['*'] : v.filter((x) => x !== '*' || v.length === 1))}
              searchable
              required
              maxDropdownHeight={300}
            />
            {!editing && <Switch label="Enabled (send messages from now on)" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />}
            <InlineError error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={busy} disabled={!urlOk || types.length === 0} data-testid="endpoint-submit">
                {editing ? 'Save changes' : 'Create endpoint'}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function RotateSecretDialog({ endpoint, onClose, onDone }: { endpoint: Endpoint | null; onClose: () => void; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  useEffect(() => {
    setBusy(false);
    setError(null);
    setSecret(null);
  }, [endpoint]);
  return (
    <Modal opened={!!endpoint} onClose={() => (!secret ? onClose() : undefined)} withCloseButton={!secret} closeOnEscape={!secret} title={<Text fw={600}>{secret ? 'Store the new secret now' : 'Rotate the signing secret'}</Text>} size="lg">
      {secret ? (
        <SecretOnce secret={secret} what={endpoint?.url ?? 'the endpoint'} onDone={onDone} />
      ) : (
        <Stack>
          <Text size="sm">
            Give <b>{endpoint?.url}</b> a new signing secret?
          </Text>
          <Text size="sm" c="dimmed">
            Messages are signed with the new secret from now on, retries included; the old one stops verifying at once. Deploy the new secret to the receiver right after.
          </Text>
          <InlineError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} data-autofocus>
              Cancel
            </Button>
            <Button
              color="red"
              loading={busy}
              onClick={async () => {
                setBusy(true);
                setError(null);
                try {
                  const r = await call('updateWebhookEndpoint', { id: endpoint!.id, rotate_secret: true });
                  setSecret(r.secret ?? null);
                } catch (e) {
                  setError(toApiError(e));
                } finally {
                  setBusy(false);
                }
              }}
            >
              Rotate the secret
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function EndpointsTab() {
  const q = useQuery(() => call('listWebhookEndpoints', {}), [], { refreshMs: 15_000 });
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Endpoint | null>(null);
  const [rotating, setRotating] = useState<Endpoint | null>(null);
  const [deleting, setDeleting] = useState<Endpoint | null>(null);
  const toggle = async (e: Endpoint, enabled: boolean) => {
    try {
      await call('updateWebhookEndpoint', { id: e.id, enabled });
      q.reload();
      notifications.show({ message: `${e.url} ${enabled ? 'enabled: pending messages resume' : 'disabled: messages wait until it is enabled again'}` });
    } catch (err) {
      const x = toApiError(err);
      notifications.show({ color: 'red', title: x.code, message: x.message });
    }
  };
  // A signed `webhook.test` posted now; the endpoint's answer shown as it came (nothing is logged or retried).
  const sendTest = async (e: Endpoint) => {
    const id = notifications.show({ loading: true, autoClose: false, withCloseButton: false, message: `Posting a test message to ${e.url}…` });
    try {
      const r = await call('testWebhookEndpoint', { id: e.id });
      notifications.update({
        id,
        loading: false,
        autoClose: r.delivered ? 5000 : 12000,
        withCloseButton: true,
        color: r.delivered ? 'teal' : 'red',
        title: r.delivered ? 'Test message delivered' : 'Test message not delivered',
        message: `${e.url} answered ${r.status === null ? `nothing (${r.error})` : `HTTP ${r.status}${r.delivered ? '' : ': only 2xx counts as delivered'}`} in ${r.latency_ms} ms. Message ${r.message_id}.`,
      });
    } catch (err) {
      const x = toApiError(err);
      notifications.update({ id, loading: false, autoClose: 8000, withCloseButton: true, color: 'red', title: x.code, message: x.message });
    }
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={680}>
          Each endpoint gets the event types it asks for, signed with its own secret (<Code>Tollgate-Signature: t=…,v1=…</Code>). Failed deliveries retry for about 3.4 days, then become dead letters.
        </Text>
        <Button leftSection={<Plus size={16} />} onClick={() => setCreating(true)} data-testid="new-endpoint">
          New endpoint
        </Button>
      </Group>
      {q.error ? (
        <ErrorState error={q.error} onRetry={q.reload} what="webhook endpoints" />
      ) : q.loading ? (
        <TableSkeleton rows={3} cols={5} />
      ) : q.data!.data.length === 0 ? (
        <NothingYet
          icon={<Webhook size={28} />}
          title="No webhook endpoints"
          description="A webhook endpoint is a URL of yours that Tollgate calls the moment something happens: a low balance, a top-up to charge, an invoice finalized."
          action={
            <Button leftSection={<Plus size={16} />} onClick={() => setCreating(true)}>
              New endpoint
            </Button>
          }
        />
      ) : (
        <Table.ScrollContainer minWidth={860}>
          <Table aria-label="Webhook endpoints" data-testid="webhook-endpoints">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Endpoint</Table.Th>
                <Table.Th>Event types</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data!.data.map((e) => (
                <Table.Tr key={e.id} data-testid="endpoint-row" data-endpoint={e.id} data-enabled={e.enabled}>
                  <Table.Td>
                    <Text size="sm" fw={500} ff="monospace" style={{ wordBreak: 'break-all' }}>
                      {e.url}
                    </Text>
                    <Group gap={6}>
                      {e.description && (
                        <Text size="xs" c="dimmed">
                          {e.description} ·
                        </Text>
                      )}
                      <CopyId value={e.id} label="endpoint id" />
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} maw={320}>
                      {e.event_types.includes('*') ? (
                        <Badge variant="light" tt="none">
                          every type
                        </Badge>
                      ) : (
                        e.event_types.map((t) => (
                          <Badge key={t} variant="outline" color="gray" tt="none" size="sm">
                            {t}
                          </Badge>
                        ))
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={2}>
                      <Switch size="sm" checked={e.enabled} onChange={(ev) => toggle(e, ev.currentTarget.checked)} label={e.enabled ? 'Enabled' : 'Disabled'} aria-label={`${e.url} ${e.enabled ? 'enabled' : 'disabled'}`} />
                      {e.failing_since && (
                        <Text size="xs" c="red">
                          failing since {relative(e.failing_since)}
                        </Text>
                      )}
                      {e.disabled_reason && (
                        <Text size="xs" c="dimmed" maw={280}>
                          {e.disabled_reason}
                        </Text>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td>{formatDateTime(e.created_at)}</Table.Td>
                  <Table.Td className="tg-right">
                    <Menu position="bottom-end">
                      <Menu.Target>
                        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${e.url}`}>
                          <MoreHorizontal size={16} />
                        </ActionIcon>
                      </Menu.Target>
                      <Menu.Dropdown>
                        <Menu.Item onClick={() => sendTest(e)}>Send a test message</Menu.Item>
                        <Menu.Item onClick={() => setEditing(e)}>Edit…</Menu.Item>
                        <Menu.Item onClick={() => navigate(`/webhooks/deliveries?endpoint=${encodeURIComponent(e.id)}`)}>Deliveries</Menu.Item>
                        <Menu.Item color="red" onClick={() => setRotating(e)}>
                          Rotate secret…
                        </Menu.Item>
                        <Menu.Item color="red" onClick={() => setDeleting(e)}>
                          Delete…
                        </Menu.Item>
                      </Menu.Dropdown>
                    </Menu>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <EndpointDialog
        opened={creating || !!editing}
        editing={editing}
        onClose={() => {
          setCreating(false);
          setEditing(null);
        }}
        onSaved={() => {
          notifications.show({ color: 'teal', message: editing ? 'Endpoint saved' : 'Endpoint created' });
          setCreating(false);
          setEditing(null);
          q.reload();
        }}
      />
      <ConfirmDialog
        opened={!!deleting}
        onClose={() => setDeleting(null)}
        title="Delete the webhook endpoint"
        object={
          <>
            Delete <b>{deleting?.url}</b>?
          </>
        }
        consequences={['Messages still waiting for it are not sent.', 'Its delivery log is deleted with it.', 'To pause it and keep both, disable it instead.']}
        confirmLabel="Delete the endpoint"
        onConfirm={async () => {
          const r = await call('deleteWebhookEndpoint', { id: deleting!.id });
          q.reload();
          notifications.show({ message: `${deleting!.url} deleted with ${formatCount(r.deliveries_removed)} ${r.deliveries_removed === 1 ? 'delivery' : 'deliveries'}` });
        }}
      />
      <RotateSecretDialog
        endpoint={rotating}
        onClose={() => setRotating(null)}
        onDone={() => {
          setRotating(null);
          q.reload();
        }}
      />
    </Stack>
  );
}

const DELIVERY_STATUS: Record<Delivery['status'], { label: string; color: string }> = {
  pending: { label: 'Pending', color: 'blue' },
  delivered: { label: 'Delivered', color: 'teal' },
  dead: { label: 'Dead letter', color: 'red' },
};

function DeliveriesTab() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'all';
  const endpoint = params.get('endpoint');
  const endpoints = useQuery(() => call('listWebhookEndpoints', {}), []);
  const [rows, setRows] = useState<Delivery[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [replaying, setReplaying] = useState<string | null>(null);
  const seq = useRef(0);
  const epoch = useLive((s) => s.epoch);
  const filters = { ...(status !== 'all' ? { status: status as Delivery['status'] } : {}), ...(endpoint ? { endpoint } : {}) };
  const key = JSON.stringify(filters);
  const load = useCallback(
    (quiet = false) => {
      const mine = ++seq.current;
      if (!quiet) setError(null);
      call('listWebhookDeliveries', { limit: 50, ...JSON.parse(key) })
        .then((p) => {
          if (mine !== seq.current) return;
          // A refresh replaces the first page and keeps what was loaded beyond it.
          setRows((old) => {
            if (!quiet || p.data.length === 0) return p.data;
            const fresh = new Set(p.data.map((n) => n.id));
            const oldest = Number(p.data[p.data.length - 1]!.id);
            return [...p.data, ...old.filter((o) => !fresh.has(o.id) && Number(o.id) < oldest)];
          });
          if (!quiet) setCursor(p.next_cursor);
          setLoading(false);
        })
        .catch((e: unknown) => {
          if (mine !== seq.current) return;
          setError(toApiError(e));
          setLoading(false);
        });
    },
    [key],
  );
  useEffect(() => {
    setLoading(true);
    load();
  }, [load, epoch]);
  // Deliveries are not on the live feed: refresh the first page every 3 s while the page is visible.
  useEffect(() => {
    const t = setInterval(() => document.visibilityState === 'visible' && load(true), 3000);
    return () => clearInterval(t);
  }, [load]);
  const loadMore = async () => {
    if (!cursor) return;
    setMore(true);
    try {
      const p = await call('listWebhookDeliveries', { limit: 50, cursor, ...filters });
      setRows((r) => [...r, ...p.data]);
      setCursor(p.next_cursor);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setMore(false);
    }
  };
  const setFilter = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v && v !== 'all') next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const replay = async (d: Delivery) => {
    setReplaying(d.id);
    try {
      await call('replayWebhookDelivery', { id: d.id });
      notifications.show({ color: 'teal', message: `Delivery ${d.message_id} queued again (same message id)` });
      load(true);
    } catch (e) {
      const x = toApiError(e);
      notifications.show({ color: 'red', title: x.code, message: x.message });
    } finally {
      setReplaying(null);
    }
  };
  const epName = (id: string) => endpoints.data?.data.find((e) => e.id === id)?.url ?? id;
  return (
    <Stack>
      <Group gap="sm" align="flex-end">
        <SegmentedControl
          value={status}
          onChange={(v) => setFilter('status', v)}
          data={[
            { value: 'all', label: 'All' },
            { value: 'pending', label: 'Pending' },
            { value: 'delivered', label: 'Delivered' },
            { value: 'dead', label: 'Dead letters' },
          ]}
          aria-label="Delivery status"
          data-testid="delivery-status-filter"
        />
        <Select placeholder="Every endpoint" aria-label="Endpoint" clearable data={(endpoints.data?.data ?? []).map((e) => ({ value: e.id, label: e.url }))} value={endpoint} onChange={(v) => setFilter('endpoint', v)} w={360} />
      </Group>
      {error && rows.length === 0 ? (
        <ErrorState error={error} onRetry={() => load()} what="deliveries" />
      ) : loading ? (
        <TableSkeleton rows={6} cols={7} />
      ) : rows.length === 0 ? (
        status !== 'all' || endpoint ? (
          <NothingMatches onClear={() => setParams(new URLSearchParams(), { replace: true })} what="deliveries" />
        ) : (
          <NothingYet icon={<Send size={28} />} title="No deliveries yet" description="Every message sent to an endpoint is logged here with its attempts, the last response and its latency." />
        )
      ) : (
        <Table.ScrollContainer minWidth={980}>
          <Table aria-label="Webhook deliveries" data-testid="webhook-deliveries" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={30} />
                <Table.Th>Created</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Endpoint</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th className="tg-right">Attempts</Table.Th>
                <Table.Th>Last response</Table.Th>
                <Table.Th className="tg-right">Latency</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((d) => {
                const s = DELIVERY_STATUS[d.status];
                const expanded = !!open[d.id];
                return (
                  <Fragment key={d.id}>
                    <Table.Tr data-testid="delivery-row" data-status={d.status} data-type={d.type} data-delivery={d.id}>
                      <Table.Td>
                        <ActionIcon variant="subtle" color="gray" size="sm" onClick={() => setOpen((o) => ({ ...o, [d.id]: !o[d.id] }))} aria-expanded={expanded} aria-label={`${expanded ? 'Hide' : 'Show'} the message ${d.message_id}`}>
                          {expanded ? <ChevronDown size={14} /> : <ChevronRight size={14} />}
                        </ActionIcon>
                      </Table.Td>
                      <Table.Td>
                        <Tooltip label={formatDateTime(d.created_at)}>
                          <Text size="sm" tabIndex={0}>
                            {relative(d.created_at)}
                          </Text>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {d.type}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace" truncate maw={240}>
                          {epName(d.endpoint)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={s.color}>
                          {s.label}
                        </Badge>
                        {d.status === 'pending' && d.next_attempt_at && d.attempts > 0 && (
                          <Text size="xs" c="dimmed">
                            retry {relative(d.next_attempt_at)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td className="tg-right tg-num">{d.attempts}</Table.Td>
                      <Table.Td>
                        {d.last_status !== null ? (
                          <Badge variant="outline" color={d.last_status >= 200 && d.last_status < 300 ? 'teal' : 'red'} className="tg-num" data-testid="last-status">
                            HTTP {d.last_status}
                          </Badge>
                        ) : d.last_error ? (
                          <Text size="xs" c="red" truncate maw={220}>
                            {d.last_error}
                          </Text>
                        ) : (
                          <Text size="sm" c="dimmed">
                            —
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td className="tg-right tg-num">{d.last_latency_ms !== null ? `${formatCount(d.last_latency_ms)} ms` : '—'}</Table.Td>
                      <Table.Td className="tg-right">
                        {d.status !== 'pending' && (
                          <Button size="compact-xs" variant="light" leftSection={<RotateCw size={12} />} loading={replaying === d.id} onClick={() => replay(d)} aria-label={`Replay ${d.type} ${d.message_id}`}>
                            Replay
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                    {expanded && (
                      <Table.Tr>
                        <Table.Td colSpan={9}>
                          <Collapse expanded>
                            <Stack gap={6}>
                              <Group gap="lg">
                                <Text size="xs">
                                  message <Code>{d.message_id}</Code>
                                </Text>
                                {d.delivered_at && <Text size="xs">delivered {formatDateTime(d.delivered_at)}</Text>}
                                {d.last_attempt_at && <Text size="xs">last attempt {formatDateTime(d.last_attempt_at)}</Text>}
                                {d.last_error && (
                                  <Text size="xs" c="red">
                                    {d.last_error}
                                  </Text>
                                )}
                              </Group>
                              <pre className="tg-pre" style={{ maxHeight: 280, overflow: 'auto' }}>
                                {JSON.stringify(d.body, null, 2)}
                              </pre>
                            </Stack>
                          </Collapse>
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
                Load older deliveries
              </Button>
            </Group>
          )}
        </Table.ScrollContainer>
      )}
      {error && rows.length > 0 && <InlineError error={error} />}
    </Stack>
  );
}

function AlertsOverviewTab() {
  const alertSeq = useLive((s) => s.alerts.length);
  const q = useQuery(() => call('listAlerts', {}), [alertSeq]);
  if (q.error) return <ErrorState error={q.error} onRetry={q.reload} what="alerts" />;
  if (q.loading) return <TableSkeleton rows={4} cols={4} />;
  const { rules, events } = q.data!;
  return (
    <Stack gap="xl">
      <Box>
        <Title order={2} fz="lg" mb={4}>
          Recent alerts
        </Title>
        <AlertEventsTable events={events} showCustomer />
      </Box>
      <Box>
        <Title order={2} fz="lg" mb={4}>
          Alert rules
        </Title>
        <Text size="sm" c="dimmed" mb="xs">
          Rules are set per customer, on the customer&apos;s Alerts &amp; auto top-up tab.
        </Text>
        {rules.length === 0 ? (
          <Text size="sm" c="dimmed">
            No alert rules yet.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table aria-label="Every alert rule">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>Rule</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Last fired</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rules.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Link to={`/customers/${encodeURIComponent(r.customer)}/alerts`}>{r.customer}</Link>
                    </Table.Td>
                    <Table.Td>{r.name ? `${r.name}: ${ruleText(r)}` : ruleText(r)}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={r.fired ? 'yellow' : 'teal'}>
                        {r.fired ? 'fired' : 'armed'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{r.last_fired_at ? relative(r.last_fired_at) : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Box>
    </Stack>
  );
}

export function WebhooksPage() {
  const { tab = 'endpoints' } = useParams();
  const navigate = useNavigate();
  useTitle('Webhooks & alerts');
  const dead = useQuery(() => call('listWebhookDeliveries', { status: 'dead', limit: 1 }), [], { refreshMs: 15_000 });
  const hasDead = (dead.data?.data.length ?? 0) > 0;
  return (
    <>
      <PageHeader title="Webhooks & alerts" description="Tell your systems what happened the moment it happens: signed webhooks written in the same transaction as the change, retried for days, replayable." />
      <Tabs value={tab} onChange={(v) => v && navigate(`/webhooks/${v}`)} keepMounted={false}>
        <Tabs.List mb="lg">
          <Tabs.Tab value="endpoints">Endpoints</Tabs.Tab>
          <Tabs.Tab value="deliveries" rightSection={hasDead ? <Badge size="xs" color="red" variant="filled">dead letters</Badge> : undefined}>
            Delivery log
          </Tabs.Tab>
          <Tabs.Tab value="alerts">Alerts</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="endpoints">
          <EndpointsTab />
        </Tabs.Panel>
        <Tabs.Panel value="deliveries">
          <DeliveriesTab />
        </Tabs.Panel>
        <Tabs.Panel value="alerts">
          <AlertsOverviewTab />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

