import { ActionIcon, Alert, Anchor, Badge, Box, Button, Card, Checkbox, Code, Group, Menu, Modal, NumberInput, Select, SimpleGrid, Stack, Table, Tabs, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { KeyRound, MoreHorizontal, Plus, TriangleAlert } from 'lucide-react';
import { parseAmountInput } from '../../lib/amountInput';
import { assetLike, useAssets } from '../../state/assets';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { type ApiError, call, door, type OutputOf } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { SecretShownOnce } from '../../components/SecretShownOnce';
import { CopyValueButton, PageHeader } from '../../components/common';
import { ErrorState, InlineError, TableSkeleton } from '../../components/states';
import { useTitle } from '../../lib/chart';
import { formatDateTime, relative } from '../../lib/format';
import { useQuery } from '../../lib/useQuery';
import { useSession } from '../../state/session';
import { useEndpoint } from '../../state/endpoint';
import { AssetsTab } from './AssetsTab';
import { BackupsTab } from './BackupsTab';
import { CompanyLogoField } from './CompanyLogoField';
import { DataTab } from './DataTab';
import { DesktopTab } from './DesktopTab';

type ApiKey = OutputOf<'listApiKeys'>['data'][number];

const SCOPES = ['ingest', 'read', 'finance', 'support', 'admin'] as const;
type ScopeName = (typeof SCOPES)[number];
const SCOPE_HELP: Record<ScopeName, string> = {
  ingest: 'events, authorizations, balance reads: what an app on the request path needs',
  read: 'every read (dashboards, exports)',
  finance: 'top-ups, refunds, adjustments, invoices, payments, credit notes, exports, and every read',
  support: 'every read, plus grants and adjustments up to per-asset caps',
  admin: 'everything, including keys and settings',
};
const SCOPE_COLOR: Record<string, string> = { admin: 'red', finance: 'orange', support: 'grape', read: 'blue', ingest: 'teal' };

/** A new key, shown once, with its name, scopes and expiry. */
function ShowOnce({ created, stored, setStored, onDone }: { created: OutputOf<'createApiKey'>; stored: boolean; setStored: (v: boolean) => void; onDone: () => void }) {
  return (
    <SecretShownOnce
      secret={created.key}
      notice="This is the only time the key is shown. Tollgate keeps only a hash of it."
      copyLabel="Copy the key"
      testId="new-key"
      details={
        <Text size="sm">
          <b>{created.name}</b> · scopes {created.scopes.join(', ')}
          {created.expires_at ? ` · expires ${formatDateTime(created.expires_at)}` : ''}
        </Text>
      }
      stored={stored}
      setStored={setStored}
      onDone={onDone}
    />
  );
}

function CreateKeyDialog({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: () => void }) {
  const assetMap = useAssets((s) => s.assets);
  const assets = useMemo(() => Object.keys(assetMap).sort(), [assetMap]);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['ingest']);
  const [caps, setCaps] = useState<{ asset: string | null; amount: string }[]>([]);
  const [rate, setRate] = useState<string>('');
  const [expires, setExpires] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState<OutputOf<'createApiKey'> | null>(null);
  const [stored, setStored] = useState(false);
  useEffect(() => {
    if (opened) {
      setName('');
      setScopes(['ingest']);
      setCaps([]);
      setRate('');
      setExpires('');
      setError(null);
      setCreated(null);
      setStored(false);
    }
  }, [opened]);
  const support = scopes.includes('support');
  useEffect(() => {
    if (support && caps.length === 0) setCaps([{ asset: assets.includes('USD') ? 'USD' : (assets[0] ?? null), amount: '' }]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [support]);
  const parsedCaps = caps.map((c) => (c.asset ? parseAmountInput(c.amount, assetLike(c.asset)) : { ok: false as const, error: 'Choose an asset' }));
  const capsOk = !support || (caps.length > 0 && parsedCaps.every((p) => p.ok));
  const close = () => {
    if (created && !stored) return;
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={<Text fw={600}>{created ? 'Store this key now' : 'New API key'}</Text>} size="lg" closeOnClickOutside={!created} closeOnEscape={!created} withCloseButton={!created || stored}>
      {created ? (
        <ShowOnce created={created} stored={stored} setStored={setStored} onDone={onCreated} />
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            try {
              setCreated(
                await call('createApiKey', {
                  name: name.trim(),
                  scopes: scopes as ScopeName[],
                  ...(support ? { support_caps: caps.map((c, i) => ({ asset: c.asset!, amount: (parsedCaps[i] as { minor: string }).minor })) } : {}),
                  ...(rate ? { rate_limit: { per_second: Number(rate) } } : {}),
                  ...(expires ? { expires_at: new Date(expires).toISOString() } : {}),
                }),
              );
            } catch (err) {
              setError(err as ApiError);
            } finally {
              setBusy(false);
            }
          }}
        >
          <Stack>
            <TextInput label="Name" placeholder="production-app" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus description="Where the key is used, so you know what breaks when you revoke it." />
            <Checkbox.Group label="Scopes" value={scopes} onChange={setScopes} required>
              <Stack gap={6} mt={6}>
                {SCOPES.map((s) => (
                  <Checkbox key={s} value={s} label={<Text size="sm"><b>{s}</b> — {SCOPE_HELP[s]}</Text>} />
                ))}
              </Stack>
            </Checkbox.Group>
            {support && (
              <Box>
                <Text size="sm" fw={500}>
                  Support caps
                </Text>
                <Text size="xs" c="dimmed" mb={4}>
                  The largest single grant or adjustment this key may make, per asset.
                </Text>
                {caps.map((c, i) => (
                  <Group key={i} wrap="nowrap" mt={4}>
                    <Select aria-label="Asset" data={assets} value={c.asset} onChange={(v) => setCaps(caps.map((x, j) => (j === i ? { ...x, asset: v } : x)))} w={140} />
                    <TextInput aria-label={`Cap in ${c.asset ?? 'asset'}`} placeholder="100.00" value={c.amount} onChange={(e) => setCaps(caps.map((x, j) => (j === i ? { ...x, amount: e.currentTarget.value } : x)))} error={parsedCaps[i]?.ok ? undefined : (parsedCaps[i] as { error: string | null }).error} className="tg-tier-input" style={{ flex: 1 }} />
                  </Group>
                ))}
                <Button size="compact-xs" variant="subtle" mt={6} onClick={() => setCaps([...caps, { asset: null, amount: '' }])}>
                  Add an asset
                </Button>
              </Box>
            )}
            <SimpleGrid cols={2}>
              <NumberInput label="Rate limit (requests/s, optional)" placeholder="no limit" min={1} allowDecimal={false} value={rate} onValueChange={({ value }) => setRate(value)} />
              <TextInput label="Expires (optional)" type="datetime-local" value={expires} onChange={(e) => setExpires(e.currentTarget.value)} />
            </SimpleGrid>
            <InlineError error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={busy} disabled={!name.trim() || scopes.length === 0 || !capsOk}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

const GRACE = [
  { value: '0', label: 'Now' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '24 hours' },
  { value: '172800', label: '48 hours' },
  { value: '604800', label: '7 days' },
];

/** Rotate: a new key with the same grants; the old one keeps working for the grace period chosen. */
function RotateDialog({ apiKey, onClose, onDone }: { apiKey: ApiKey | null; onClose: () => void; onDone: () => void }) {
  const [grace, setGrace] = useState('86400');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState<OutputOf<'createApiKey'> | null>(null);
  const [stored, setStored] = useState(false);
  useEffect(() => {
    if (apiKey) {
      setGrace('86400');
      setError(null);
      setCreated(null);
      setStored(false);
    }
  }, [apiKey]);
  return (
    <Modal opened={!!apiKey} onClose={() => (!created || stored ? onClose() : undefined)} title={<Text fw={600}>{created ? 'Store the new key now' : `Rotate ${apiKey?.name ?? ''}`}</Text>} size="lg" withCloseButton={!created || stored}>
      {created ? (
        <ShowOnce created={created} stored={stored} setStored={setStored} onDone={onDone} />
      ) : (
        <Stack>
          <Text size="sm">
            A new key replaces <b>{apiKey?.name}</b> (<Code>{apiKey?.prefix}…</Code>) with the same scopes, caps and limit. Deploy it, then let the old key stop.
          </Text>
          <Select label="The old key keeps working for" data={GRACE} value={grace} onChange={(v) => setGrace(v ?? '86400')} allowDeselect={false} />
          <InlineError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} data-autofocus>
              Cancel
            </Button>
            <Button
              loading={busy}
              onClick={async () => {
                setBusy(true);
                setError(null);
                try {
                  const r = await call('rotateApiKey', { id: apiKey!.id, grace_seconds: Number(grace) });
                  setCreated(r.created);
                } catch (e) {
                  setError(e as ApiError);
                } finally {
                  setBusy(false);
                }
              }}
            >
              Rotate {apiKey?.name}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function KeysTab() {
  const q = useQuery(() => call('listApiKeys', {}), []);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [rotating, setRotating] = useState<ApiKey | null>(null);
  const me = useSession((s) => s.key);
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={640}>
          Apps authenticate with <Code>Authorization: Bearer tg_…</Code>. Give each app its own key with the smallest scope it needs; the secret is shown once, then only its prefix.
        </Text>
        <Button leftSection={<Plus size={16} />} onClick={() => setCreating(true)}>
          New API key
        </Button>
      </Group>
      {q.error ? (
        <ErrorState error={q.error} onRetry={q.reload} what="API keys" />
      ) : q.loading ? (
        <TableSkeleton rows={3} cols={6} />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table aria-label="API keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Prefix</Table.Th>
                <Table.Th>Scopes</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data!.data.map((k) => (
                <Table.Tr key={k.id}>
                  <Table.Td>
                    <Group gap={6}>
                      <KeyRound size={14} aria-hidden />
                      <Text size="sm" fw={500}>
                        {k.name}
                      </Text>
                      {me?.id === k.id && (
                        <Badge size="xs" variant="light">
                          this session
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Code>{k.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {k.scopes.map((s) => (
                        <Badge key={s} size="sm" variant="outline" color={SCOPE_COLOR[s] ?? 'gray'}>
                          {s}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{formatDateTime(k.created_at)}</Table.Td>
                  <Table.Td>{k.last_used_at ? relative(k.last_used_at) : <Text size="sm" c="dimmed">never</Text>}</Table.Td>
                  <Table.Td>
                    {k.revoked_at ? (
                      <Badge color="gray" variant="light">
                        revoked {formatDateTime(k.revoked_at)}
                      </Badge>
                    ) : k.expires_at ? (
                      <Badge color="yellow" variant="light">
                        expires {relative(k.expires_at)}
                      </Badge>
                    ) : (
                      <Badge color="teal" variant="light">
                        active
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td className="tg-right">
                    {!k.revoked_at && (
                      <Menu position="bottom-end">
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${k.name}`}>
                            <MoreHorizontal size={16} />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item onClick={() => setRotating(k)}>Rotate…</Menu.Item>
                          <Menu.Item color="red" onClick={() => setRevoking(k)}>
                            Revoke…
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateKeyDialog
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          q.reload();
        }}
      />
      <RotateDialog
        apiKey={rotating}
        onClose={() => setRotating(null)}
        onDone={() => {
          setRotating(null);
          q.reload();
        }}
      />
      <ConfirmDialog
        opened={!!revoking}
        onClose={() => setRevoking(null)}
        title="Revoke the API key"
        object={
          <>
            Revoke <b>{revoking?.name}</b> (<Code>{revoking?.prefix}…</Code>, scopes {revoking?.scopes.join(', ')})?
          </>
        }
        consequences={['Every request with this key fails with 401 at once.', 'Console sessions opened with it end.', me?.id === revoking?.id ? 'This is the key of your own session: you will be signed out.' : 'Apps using it must switch to another key.', 'A revoked key cannot be restored.'].filter(Boolean)}
        confirmLabel={`Revoke ${revoking?.name ?? ''}`}
        onConfirm={async () => {
          await call('revokeApiKey', { id: revoking!.id });
          notifications.show({ message: `Key ${revoking!.name} revoked` });
          q.reload();
        }}
      />
    </Stack>
  );
}

function EndpointTab() {
  const { info, reload } = useEndpoint();
  const health = useQuery(() => call('health', {}), []);
  const url = info?.apiUrl ?? null;
  return (
    <Stack maw={820}>
      {info && !url && (
        <Alert color="red" variant="light" icon={<TriangleAlert size={18} />} title="The local endpoint is not listening" role="alert" data-testid="endpoint-error">
          <Stack gap="xs">
            <Text size="sm">
              {info.httpError ?? 'The desktop app did not start its HTTP endpoint.'} The console works; apps on this machine cannot post events or ask for authorizations until the port is free or changed.
            </Text>
            <Group gap="xs">
              {door.kind === 'ipc' && door.desktop && (
                <Button size="xs" variant="light" color="red" component={Link} to="/settings/desktop">
                  Choose another port
                </Button>
              )}
              <Button size="xs" variant="subtle" color="red" onClick={reload}>
                Check again
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      <Card>
        <Title order={2} fz="md" mb="sm">
          HTTP endpoint
        </Title>
        <Table withRowBorders={false} verticalSpacing={6}>
          <Table.Tbody>
            {info && info.mode !== 'browser' && (
              <Table.Tr>
                <Table.Td w={180}>
                  <Text size="sm" c="dimmed">
                    Desktop mode
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{info.mode === 'local' ? 'Local engine on this machine' : 'Console of a remote Tollgate'}</Text>
                </Table.Td>
              </Table.Tr>
            )}
            <Table.Tr>
              <Table.Td w={180}>
                <Text size="sm" c="dimmed">
                  Base URL
                </Text>
              </Table.Td>
              <Table.Td data-testid="endpoint-url">
                {url ? (
                  <Group gap={4}>
                    <Code>{url}</Code>
                    <CopyValueButton value={url} label="Copy the base URL" />
                  </Group>
                ) : (
                  <Text size="sm" c="red" fw={600}>
                    {info ? 'not listening' : '…'}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
            {url && (
              <>
                <Table.Tr>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      API reference
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Anchor href={`${url}/v1/openapi.json`} target="_blank" rel="noreferrer" size="sm">
                      {url}/v1/openapi.json
                    </Anchor>{' '}
                    <Text span size="xs" c="dimmed">
                      (OpenAPI 3.1)
                    </Text>
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      Live feed
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Code>GET {url}/v1/live</Code>
                  </Table.Td>
                </Table.Tr>
              </>
            )}
            {info?.dataDir && (
              <Table.Tr>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    Data dir
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Code>{info.dataDir}</Code>
                </Table.Td>
              </Table.Tr>
            )}
            {health.data && (
              <>
                <Table.Tr>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      Version
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      Tollgate {health.data.version} · schema v{health.data.schema_version} · up {Math.round(health.data.uptime_seconds / 60)} min
                    </Text>
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      Storage
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      SQLite {health.data.storage.sqlite_version}, journal {health.data.storage.journal_mode}, synchronous {health.data.storage.synchronous}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {health.data.storage.path}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              </>
            )}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}

const ZONES = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];

type Settings = OutputOf<'getSettings'>;

function OperatorTab() {
  const q = useQuery(() => call('getSettings', {}), []);
  const [form, setForm] = useState<Settings | null>(null);
  const [address, setAddress] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (q.data) {
      setForm(q.data);
      setAddress(q.data.company.address.join('\n'));
    }
  }, [q.data]);
  if (q.error) return <ErrorState error={q.error} onRetry={q.reload} what="settings" />;
  if (!q.data || !form) return <TableSkeleton rows={3} cols={2} />;
  const set = <K extends keyof Settings>(k: K, v: Settings[K]) => setForm({ ...form, [k]: v });
  const setCompany = (k: keyof Settings['company'], v: string | null) => setForm({ ...form, company: { ...form.company, [k]: v } });
  const addressLines = address.split('\n').map((l) => l.trim()).filter(Boolean);
  const prefixOk = /^[A-Z0-9][A-Z0-9-]{0,15}$/.test(form.invoice_prefix);
  const rateOk = /^\d{1,3}(\.\d{1,6})?$/.test(form.tax_rate);
  const dirty = JSON.stringify({ ...form, company: { ...form.company, address: addressLines } }) !== JSON.stringify(q.data);
  const example = `${form.invoice_prefix || 'PREFIX'}-${new Date().getFullYear()}-000001`;
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          q.setData(
            await call('updateSettings', {
              billing_timezone: form.billing_timezone,
              grace_period_hours: form.grace_period_hours,
              late_events: form.late_events,
              company: { legal_name: form.company.legal_name || undefined, address: addressLines, country: form.company.country || null, tax_id: form.company.tax_id || null, email: form.company.email || null, ...(form.company.logo_svg !== q.data?.company.logo_svg ? { logo_svg: form.company.logo_svg } : {}) },
              default_currency: form.default_currency,
              invoice_prefix: form.invoice_prefix,
              payment_terms_days: form.payment_terms_days,
              finalize_zero_amount_invoices: form.finalize_zero_amount_invoices,
              tax_point: form.tax_point,
              tax_rate: form.tax_rate,
              tax_inclusive: form.tax_inclusive,
              legal_retention_days: form.legal_retention_days,
              personal_event_properties: form.personal_event_properties,
            }),
          );
          notifications.show({ color: 'teal', message: 'Settings saved' });
        } catch (err) {
          setError(err as ApiError);
        } finally {
          setBusy(false);
        }
      }}
    >
      <Stack maw={920}>
        <Card>
          <Stack>
            <Title order={2} fz="md">
              Billing
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Select label="Billing time zone" description="Periods, days and months of spend caps and the overview, unless a customer has its own." data={[...new Set(['UTC', form.billing_timezone, ...ZONES])]} value={form.billing_timezone} onChange={(v) => set('billing_timezone', v ?? 'UTC')} searchable allowDeselect={false} />
              <NumberInput label="Grace period (hours)" description="How long a closed period stays open to late events (and its invoice a draft)." min={0} max={1440} allowDecimal={false} value={form.grace_period_hours} onValueChange={({ value }) => set('grace_period_hours', Number(value || 0))} />
              <Select
                label="Late events"
                description="An event for a finalized period."
                data={[
                  { value: 'refuse', label: 'Refuse it (period_closed)' },
                  { value: 'current_period', label: 'Book it into the current period as late usage' },
                ]}
                value={form.late_events}
                onChange={(v) => set('late_events', (v ?? 'refuse') as Settings['late_events'])}
                allowDeselect={false}
              />
            </SimpleGrid>
          </Stack>
        </Card>
        <Card>
          <Stack>
            <Title order={2} fz="md">
              Invoices
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput label="Invoice prefix" value={form.invoice_prefix} onChange={(e) => set('invoice_prefix', e.currentTarget.value.toUpperCase())} error={prefixOk ? undefined : 'Upper-case letters, digits and - (at most 16)'} description={<>Next numbers look like <Code fz="xs" data-testid="invoice-number-example">{example}</Code>, without gaps.</>} />
              <TextInput label="Default currency" value={form.default_currency} onChange={(e) => set('default_currency', e.currentTarget.value.toUpperCase())} maxLength={3} />
              <NumberInput label="Payment terms (days)" min={0} max={365} allowDecimal={false} value={form.payment_terms_days} onValueChange={({ value }) => set('payment_terms_days', Number(value || 0))} />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Select
                label="Tax point"
                description={form.tax_point === 'invoice' ? 'Tax per rate on each invoice, posted at finalization.' : 'The receipt of each paid top-up is the tax document.'}
                data={[
                  { value: 'invoice', label: 'On the invoice' },
                  { value: 'top_up', label: 'On the top-up receipt' },
                ]}
                value={form.tax_point}
                onChange={(v) => set('tax_point', (v ?? 'invoice') as Settings['tax_point'])}
                allowDeselect={false}
              />
              <TextInput label="Default tax rate (%)" value={form.tax_rate} onChange={(e) => set('tax_rate', e.currentTarget.value)} error={rateOk ? undefined : 'A percentage such as 20 or 8.5'} className="tg-tier-input" />
              <Select
                label="Prices"
                data={[
                  { value: 'false', label: 'Exclude tax (tax on top)' },
                  { value: 'true', label: 'Include tax' },
                ]}
                value={String(form.tax_inclusive)}
                onChange={(v) => set('tax_inclusive', v === 'true')}
                allowDeselect={false}
              />
            </SimpleGrid>
            <Checkbox
              label="Issue invoices with nothing to bill"
              description="Unticked: a period with a total of 0 is closed without an invoice number, a PDF or a webhook (the numbering keeps no gap)."
              checked={form.finalize_zero_amount_invoices}
              onChange={(e) => set('finalize_zero_amount_invoices', e.currentTarget.checked)}
            />
          </Stack>
        </Card>
        <Card>
          <Stack>
            <Title order={2} fz="md">
              Company (the seller on invoices)
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label="Legal name" value={form.company.legal_name} onChange={(e) => setCompany('legal_name', e.currentTarget.value)} />
              <TextInput label="E-mail" value={form.company.email ?? ''} onChange={(e) => setCompany('email', e.currentTarget.value)} />
              <Textarea label="Address" description="One line each." value={address} onChange={(e) => setAddress(e.currentTarget.value)} autosize minRows={3} />
              <Stack gap="sm">
                <TextInput label="Country (ISO code)" value={form.company.country ?? ''} onChange={(e) => setCompany('country', e.currentTarget.value.toUpperCase())} maxLength={2} />
                <TextInput label="Tax id" value={form.company.tax_id ?? ''} onChange={(e) => setCompany('tax_id', e.currentTarget.value)} />
              </Stack>
              <CompanyLogoField value={form.company.logo_svg} legalName={form.company.legal_name} onChange={(svg) => setCompany('logo_svg', svg)} />
            </SimpleGrid>
            <Text size="xs" c="dimmed">
              Finalized documents keep what they were issued with.
            </Text>
          </Stack>
        </Card>
        <Card>
          <Stack>
            <Title order={2} fz="md">
              Personal data
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <NumberInput label="Legal retention (days)" description="How long an erased customer's finalized invoices, credit notes and receipts keep their details." min={0} max={36500} allowDecimal={false} value={form.legal_retention_days} onValueChange={({ value }) => set('legal_retention_days', Number(value || 0))} />
              <TagsInput label="Personal event properties" description="Stripped from an erased customer's events (e.g. user_email, prompt)." value={form.personal_event_properties} onChange={(v) => set('personal_event_properties', v)} clearable />
            </SimpleGrid>
          </Stack>
        </Card>
        <InlineError error={error} />
        <Group justify="flex-end">
          <Button type="submit" loading={busy} disabled={!dirty || !prefixOk || !rateOk}>
            Save settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function SettingsPage() {
  const { tab = 'keys' } = useParams();
  const navigate = useNavigate();
  useTitle('Settings');
  return (
    <>
      <PageHeader title="Settings" description="API keys, assets (currencies and custom units), the HTTP endpoint your apps call, billing and invoices, backups, imports and exports." />
      <Tabs value={tab} onChange={(v) => v && navigate(`/settings/${v}`)} keepMounted={false}>
        <Tabs.List mb="lg">
          <Tabs.Tab value="keys">API keys</Tabs.Tab>
          <Tabs.Tab value="assets">Assets</Tabs.Tab>
          <Tabs.Tab value="endpoint">Endpoint</Tabs.Tab>
          <Tabs.Tab value="operator">Billing settings</Tabs.Tab>
          <Tabs.Tab value="backups">Backups</Tabs.Tab>
          <Tabs.Tab value="data">Data</Tabs.Tab>
          {door.kind === 'ipc' && door.desktop && <Tabs.Tab value="desktop">Desktop</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="keys">
          <KeysTab />
        </Tabs.Panel>
        <Tabs.Panel value="assets">
          <AssetsTab />
        </Tabs.Panel>
        <Tabs.Panel value="endpoint">
          <EndpointTab />
        </Tabs.Panel>
        <Tabs.Panel value="operator">
          <OperatorTab />
        </Tabs.Panel>
        <Tabs.Panel value="backups">
          <BackupsTab />
        </Tabs.Panel>
        <Tabs.Panel value="data">
          <DataTab />
        </Tabs.Panel>
        {door.kind === 'ipc' && door.desktop && (
          <Tabs.Panel value="desktop">
            <DesktopTab />
          </Tabs.Panel>
        )}
      </Tabs>
    </>
  );
}
