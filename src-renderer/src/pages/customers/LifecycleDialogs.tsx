import { Alert, Button, Code, Group, List, Modal, Radio, Select, SimpleGrid, Stack, Table, Tabs, Text, Textarea, TextInput } from '@mantine/core';
import { CheckCircle2, ShieldAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import { type ApiError, call, type OutputOf, toApiError } from '../../api';
import { CopyValueButton } from '../../components/common';
import { InlineError } from '../../components/states';
import { formatCount, formatDate, formatDateTime, newIdempotencyKey, relative } from '../../lib/format';
import { Money } from '../../lib/money';
import { useQuery } from '../../lib/useQuery';
import { snippetUrl, useEndpoint } from '../../state/endpoint';

type Closed = OutputOf<'closeCustomer'>;
type Erased = OutputOf<'eraseCustomer'>;

function Amounts({ rows, empty }: { rows: { asset: string; amount: string }[]; empty: string }) {
  if (rows.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  return (
    <Group gap="md">
      {rows.map((r) => (
        <Money key={r.asset} amount={r.amount} asset={r.asset} size="sm" fw={600} />
      ))}
    </Group>
  );
}

/** What closing did, as the engine answered it. */
export function CloseSummary({ closed }: { closed: Closed }) {
  return (
    <Table withRowBorders={false} verticalSpacing={4} data-testid="close-summary">
      <Table.Tbody>
        <Table.Tr>
          <Table.Td w={220}>
            <Text size="sm" c="dimmed">
              Status
            </Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm" fw={600}>
              {closed.status}
              {closed.closed_at ? ` since ${formatDateTime(closed.closed_at)}` : ''}
            </Text>
          </Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>
            <Text size="sm" c="dimmed">
              Subscriptions terminated
            </Text>
          </Table.Td>
          <Table.Td className="tg-num" data-testid="closed-subscriptions">
            {formatCount(closed.subscriptions_terminated)}
          </Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>
            <Text size="sm" c="dimmed">
              Holds voided
            </Text>
          </Table.Td>
          <Table.Td className="tg-num">{formatCount(closed.holds_voided)}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>
            <Text size="sm" c="dimmed">
              Pending top-ups expired
            </Text>
          </Table.Td>
          <Table.Td className="tg-num">{formatCount(closed.top_ups_expired)}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>
            <Text size="sm" c="dimmed">
              Refunded
            </Text>
          </Table.Td>
          <Table.Td data-testid="closed-refunded">
            <Amounts rows={closed.refunded} empty="nothing" />
          </Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>
            <Text size="sm" c="dimmed">
              Kept as breakage
            </Text>
          </Table.Td>
          <Table.Td data-testid="closed-breakage">
            <Amounts rows={closed.breakage} empty="nothing" />
          </Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>
            <Text size="sm" c="dimmed">
              Still owed by the customer
            </Text>
          </Table.Td>
          <Table.Td data-testid="closed-debt">
            <Amounts rows={closed.debt} empty="nothing" />
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

/** Close: no new business, unused paid credit refunded or kept as breakage. The engine's summary follows. */
export function CloseCustomerDialog({ customer, opened, onClose, onDone }: { customer: string; opened: boolean; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [settle, setSettle] = useState<'refund' | 'breakage'>('refund');
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [closed, setClosed] = useState<Closed | null>(null);
  useEffect(() => {
    if (!opened) return;
    setReason('');
    setSettle('refund');
    setKey(newIdempotencyKey('console_close'));
    setError(null);
    setClosed(null);
  }, [opened]);
  const finish = () => {
    if (closed) onDone();
    else onClose();
  };
  return (
    <Modal opened={opened} onClose={finish} title={<Text fw={600}>{closed ? `${customer} is closed` : `Close ${customer}`}</Text>} size="lg">
      {closed ? (
        <Stack>
          <Alert color="teal" variant="light" icon={<CheckCircle2 size={18} />}>
            Closed. Retries of events recorded before still answer their original result; new events, holds, top-ups and subscriptions are refused with <Code>customer_closed</Code>.
          </Alert>
          <CloseSummary closed={closed} />
          <Group justify="flex-end">
            <Button onClick={finish} data-autofocus>
              Done
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <Text size="sm">
            Close <b>{customer}</b>? Closing cannot be undone:
          </Text>
          <List size="sm" spacing={4}>
            <List.Item>Its subscription is terminated now, prorated, and its final invoice drafted.</List.Item>
            <List.Item>Pending holds are voided, pending top-ups expire and auto top-up stops.</List.Item>
            <List.Item>Unused granted credit goes to breakage; what the customer still owes stays on their invoices.</List.Item>
            <List.Item>New events, authorizations, top-ups and subscriptions are refused.</List.Item>
          </List>
          <Radio.Group label="Unused paid credit" value={settle} onChange={(v) => setSettle(v as 'refund' | 'breakage')}>
            <Stack gap={6} mt={6}>
              <Radio value="refund" label="Refund it: a refund of each paid top-up's unused rest is recorded (pay it back through your PSP)" />
              <Radio value="breakage" label="Keep it as breakage (revenue), as your terms allow" />
            </Stack>
          </Radio.Group>
          <Textarea label="Reason" placeholder="Contract ended on 30 November" required value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} maxLength={500} />
          <InlineError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} data-autofocus>
              Cancel
            </Button>
            <Button
              color="red"
              loading={busy}
              disabled={!reason.trim()}
              onClick={async () => {
                setBusy(true);
                setError(null);
                try {
                  setClosed(await call('closeCustomer', { external_id: customer, reason: reason.trim(), settle, idempotency_key: key }));
                } catch (e) {
                  setError(toApiError(e));
                } finally {
                  setBusy(false);
                }
              }}
            >
              Close {customer}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** Erase (right to erasure): typed confirmation of the external id, a reason; then the tombstone and the retention. */
export function EraseCustomerDialog({ customer, opened, onClose, onDone }: { customer: string; opened: boolean; onClose: () => void; onDone: (tombstone: string) => void }) {
  const settings = useQuery(() => call('getSettings', {}), [], { enabled: opened });
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  const [settle, setSettle] = useState<'refund' | 'breakage'>('refund');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [erased, setErased] = useState<Erased | null>(null);
  useEffect(() => {
    if (!opened) return;
    setReason('');
    setTyped('');
    setSettle('refund');
    setError(null);
    setErased(null);
  }, [opened]);
  const retention = settings.data?.legal_retention_days;
  const personal = settings.data?.personal_event_properties ?? [];
  const finish = () => (erased ? onDone(erased.tombstone) : onClose());
  return (
    <Modal opened={opened} onClose={finish} title={<Text fw={600}>{erased ? 'Personal data erased' : `Erase ${customer}'s personal data`}</Text>} size="lg" closeOnClickOutside={!erased}>
      {erased ? (
        <Stack data-testid="erase-result">
          <Alert color="teal" variant="light" icon={<CheckCircle2 size={18} />}>
            {customer} is now known as <Code data-testid="tombstone">{erased.tombstone}</Code> everywhere: events, top-ups, webhooks, audit rows.
          </Alert>
          <Table withRowBorders={false} verticalSpacing={4}>
            <Table.Tbody>
              <Table.Tr>
                <Table.Td w={220}>
                  <Text size="sm" c="dimmed">
                    Erased at
                  </Text>
                </Table.Td>
                <Table.Td>{formatDateTime(erased.erased_at)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    Events redacted
                  </Text>
                </Table.Td>
                <Table.Td className="tg-num">{formatCount(erased.events_redacted)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    Documents retained
                  </Text>
                </Table.Td>
                <Table.Td data-testid="retained">
                  {erased.invoices_retained > 0 ? (
                    <Text size="sm">
                      {formatCount(erased.invoices_retained)} finalized invoice{erased.invoices_retained === 1 ? '' : 's'}, credit notes and receipts keep the buyer&apos;s details until{' '}
                      <b>{formatDate(erased.retained_until)}</b> ({relative(erased.retained_until)}), the legal retention; then they are redacted too.
                    </Text>
                  ) : (
                    <Text size="sm">None: no finalized document named this customer.</Text>
                  )}
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Text size="sm" fw={600}>
            Closing
          </Text>
          <CloseSummary closed={erased.close} />
          <Alert color="yellow" variant="light" icon={<ShieldAlert size={18} />}>
            Backups taken before the erasure still hold the data until they rotate out; exports written elsewhere are yours to delete.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={finish} data-autofocus>
              Open the erased record
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <Text size="sm">
            Erase the personal data of <b>{customer}</b>? This cannot be undone:
          </Text>
          <List size="sm" spacing={4}>
            <List.Item>The customer is closed first (subscription terminated, holds voided, credit settled) and open drafts are finalized.</List.Item>
            <List.Item>Name, e-mail, legal name, address, tax id, invoice e-mails and metadata are removed from every table.</List.Item>
            <List.Item>The external id is replaced by a tombstone (erased_…) everywhere it appears.</List.Item>
            <List.Item>{personal.length ? `The event properties ${personal.join(', ')} are stripped from its events.` : 'No event properties are set as personal (Settings): event properties stay.'}</List.Item>
            <List.Item>Amounts, usage and the ledger stay, so the ledger check still passes.</List.Item>
            <List.Item>Finalized invoices, credit notes and receipts keep the buyer&apos;s details for the legal retention{retention !== undefined ? ` (${formatCount(retention)} days)` : ''}, then are redacted.</List.Item>
          </List>
          <SimpleGrid cols={1}>
            <Select
              label="Unused paid credit"
              data={[
                { value: 'refund', label: 'Refund it' },
                { value: 'breakage', label: 'Keep it as breakage' },
              ]}
              value={settle}
              onChange={(v) => setSettle((v as 'refund' | 'breakage') ?? 'refund')}
              allowDeselect={false}
            />
          </SimpleGrid>
          <Textarea label="Reason" placeholder="Erasure request of 26 November (ticket 4411)" required value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} maxLength={500} />
          <TextInput label={`Type ${customer} to confirm`} value={typed} onChange={(e) => setTyped(e.currentTarget.value)} autoComplete="off" spellCheck={false} data-testid="erase-confirm-input" />
          <InlineError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} data-autofocus>
              Cancel
            </Button>
            <Button
              color="red"
              loading={busy}
              disabled={!reason.trim() || typed !== customer}
              onClick={async () => {
                setBusy(true);
                setError(null);
                try {
                  setErased(await call('eraseCustomer', { external_id: customer, reason: reason.trim(), settle }));
                } catch (e) {
                  setError(toApiError(e));
                } finally {
                  setBusy(false);
                }
              }}
            >
              Erase {customer}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

const TTLS = [
  { value: '300', label: '5 minutes' },
  { value: '900', label: '15 minutes (default)' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '24 hours (the most)' },
];

/**
 * Show a customer their live balance inside your own product: mint a read-only token for this
 * customer and copy the browser snippet (docs/operations.md, "Customer-scoped read tokens").
 */
export function EmbedDialog({ customer, opened, onClose }: { customer: string; opened: boolean; onClose: () => void }) {
  const { info } = useEndpoint();
  const tg = snippetUrl(info);
  const [ttl, setTtl] = useState('900');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [token, setToken] = useState<OutputOf<'createReadToken'> | null>(null);
  const [tested, setTested] = useState<string | null>(null);
  useEffect(() => {
    if (!opened) return;
    setToken(null);
    setError(null);
    setTested(null);
    setTtl('900');
  }, [opened]);
  const id = encodeURIComponent(customer);
  const backend = `curl -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \\
  ${tg}/v1/customers/${id}/read-tokens -d '{"ttl_seconds": ${ttl}}'`;
  const browser = `const TG = '${tg}';
const token = '${token?.token ?? 'tgr_… (from your backend, per page view)'}';
const balances = await fetch(\`\${TG}/v1/customers/${id}/balances\`, { headers: { authorization: \`Bearer \${token}\` } }).then((r) => r.json());
const live = new EventSource(\`\${TG}/v1/live?access_token=\${encodeURIComponent(token)}\`);
live.addEventListener('changes', (e) => render(JSON.parse(e.data).changes));`;
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Embed a live balance</Text>} size="xl">
      <Stack>
        <Text size="sm" c="dimmed">
          Your backend mints a short-lived token per page view (any key with <Code>read</Code>) and hands it to the browser. The token reads <b>{customer}</b> only (balances, usage, entitlements,
          top-ups, transfers, finalized invoices), writes nothing, and dies with the key that issued it. CORS allows any origin for it.
        </Text>
        {info?.apiUrl === null && (
          <Alert color="yellow" variant="light">
            The local endpoint is not listening{info.httpError ? ` (${info.httpError})` : ''}: browsers cannot reach this Tollgate until it is. Fix the port in Settings → Desktop.
          </Alert>
        )}
        <Tabs defaultValue="browser">
          <Tabs.List>
            <Tabs.Tab value="browser">In the browser</Tabs.Tab>
            <Tabs.Tab value="backend">In your backend</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="browser" pt="xs">
            <Group align="flex-start" wrap="nowrap" gap="xs">
              <pre className="tg-pre" style={{ flex: 1 }} data-testid="embed-snippet">
                {browser}
              </pre>
              <CopyValueButton value={browser} label="Copy the browser snippet" />
            </Group>
          </Tabs.Panel>
          <Tabs.Panel value="backend" pt="xs">
            <Group align="flex-start" wrap="nowrap" gap="xs">
              <pre className="tg-pre" style={{ flex: 1 }}>
                {backend}
              </pre>
              <CopyValueButton value={backend} label="Copy the backend command" />
            </Group>
          </Tabs.Panel>
        </Tabs>
        <Group align="flex-end" gap="sm">
          <Select label="Token lifetime" data={TTLS} value={ttl} onChange={(v) => setTtl(v ?? '900')} allowDeselect={false} w={220} />
          <Button
            loading={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              setTested(null);
              try {
                setToken(await call('createReadToken', { external_id: customer, ttl_seconds: Number(ttl) }));
              } catch (e) {
                setError(toApiError(e));
              } finally {
                setBusy(false);
              }
            }}
            data-testid="mint-token"
          >
            Mint a token to try it
          </Button>
        </Group>
        <InlineError error={error} />
        {token && (
          <Stack gap={6} data-testid="read-token">
            <Group gap={4} wrap="nowrap">
              <Code style={{ flex: 1, wordBreak: 'break-all' }}>{token.token}</Code>
              <CopyValueButton value={token.token} label="Copy the token" />
            </Group>
            <Text size="xs" c="dimmed">
              Expires {formatDateTime(token.expires_at)} ({relative(token.expires_at)}) · reads {token.allows.length} route{token.allows.length === 1 ? '' : 's'}
            </Text>
            {info?.apiUrl && (
              <Group gap="sm">
                <Button
                  size="xs"
                  variant="default"
                  onClick={async () => {
                    try {
                      const res = await fetch(`${info.apiUrl}/v1/customers/${id}/balances`, { headers: { authorization: `Bearer ${token.token}` }, credentials: 'omit' });
                      const body = (await res.json()) as { balances?: { asset: string; available: string }[]; error?: { code: string } };
                      setTested(res.ok ? `HTTP ${res.status}: ${(body.balances ?? []).map((b) => `${b.asset} available ${b.available}`).join(', ') || 'no wallet yet'}` : `HTTP ${res.status}: ${body.error?.code ?? 'error'}`);
                    } catch (e) {
                      setTested(`The request failed: ${(e as Error).message}`);
                    }
                  }}
                >
                  Read the balance with it
                </Button>
                {tested && (
                  <Text size="xs" ff="monospace" data-testid="token-test">
                    {tested}
                  </Text>
                )}
              </Group>
            )}
          </Stack>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
