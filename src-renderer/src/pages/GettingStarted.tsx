import { Alert, Badge, Box, Button, Card, Code, Grid, Group, List, Stack, Tabs, Text, ThemeIcon, Title } from '@mantine/core';
import { CheckCircle2, Circle, Rocket, Send } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { type ApiError, call, type OutputOf } from '../api';
import { snippetUrl, useEndpoint } from '../state/endpoint';
import { CopyValueButton, PageHeader } from '../components/common';
import { InlineError } from '../components/states';
import { useTitle } from '../lib/chart';
import { Money } from '../lib/money';
import { useQuery } from '../lib/useQuery';
import { useAssets } from '../state/assets';
import { useLive } from '../state/live';
import { formatQuantity } from '../lib/format';

const KEY_PLACEHOLDER = 'tg_YOUR_KEY';
/** Its own codes, so the test never touches the operator's plans or metrics. */
const TEST = { customer: 'test-customer', metric: 'getting_started_calls', plan: 'getting-started', grantKey: 'getting-started-grant' };

/** Whether a list (paged by cursor) holds `code`: asked before creating, so nothing answers 409. */
async function listHas(list: (cursor: string | undefined) => Promise<{ data: { code: string }[]; next_cursor: string | null }>, code: string): Promise<boolean> {
  let cursor: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const page = await list(cursor);
    if (page.data.some((x) => x.code === code)) return true;
    if (!page.next_cursor) return false;
    cursor = page.next_cursor;
  }
  return false;
}

function useChecklist() {
  const epoch = useLive((s) => s.eventsSeen + s.customersSeq);
  return useQuery(
    async () => {
      const [assets, customers, plans, subs, events] = await Promise.all([
        call('listAssets', { limit: 1 }),
        call('listCustomerWallets', { limit: 1 }),
        call('listPlans', { limit: 1 }),
        call('listSubscriptions', { limit: 1, status: 'active' }),
        call('listEvents', { limit: 1, order: 'desc' }),
      ]);
      return { asset: assets.data.length > 0, customer: customers.total > 0, plan: plans.data.length > 0, subscription: subs.data.length > 0, event: events.data.length > 0 };
    },
    [epoch > 0 ? Math.floor(epoch / 1) : 0],
    { refreshMs: 5000 },
  );
}

function snippets(origin: string) {
  const curl = `export TG=${origin} KEY=${KEY_PLACEHOLDER}
h=(-H "Authorization: Bearer $KEY" -H 'content-type: application/json')

curl "\${h[@]}" $TG/v1/assets -d '{"code": "USD"}'
curl "\${h[@]}" $TG/v1/customers -d '{"external_id": "acme", "name": "Acme"}'
curl "\${h[@]}" $TG/v1/customers/acme/top-ups -d '{"asset": "USD", "amount": "5000"}'
curl "\${h[@]}" $TG/v1/metrics -d '{"code": "api_calls", "aggregation": "count"}'
curl "\${h[@]}" $TG/v1/plans -d '{"code": "starter", "name": "Starter", "interval": "monthly",
  "charges": [{"metric": "api_calls", "asset": "USD", "model": "standard", "properties": {"unit_price": "0.002"}}]}'
curl "\${h[@]}" $TG/v1/subscriptions -d '{"customer": "acme", "plan": "starter"}'
curl "\${h[@]}" $TG/v1/events -d '{"transaction_id": "req-1", "customer": "acme", "code": "api_calls"}'`;
  const ts = `import { createClient } from 'tollgate/shared/client';

const tg = createClient({ baseUrl: '${origin}', apiKey: process.env.TOLLGATE_KEY }); // ${KEY_PLACEHOLDER}

// Ask before an expensive action: a 402 means do not serve.
const hold = await tg.call('createAuthorization', { customer: 'acme', asset: 'USD', amount: '25' });

// ... do the work, then record it against the hold
const result = await tg.call('ingestEvent', {
  transaction_id: 'req-42',
  customer: 'acme',
  code: 'api_calls',
  authorization_id: hold.id,
});
console.log(result.debits); // [{ asset: 'USD', amount: '…', from_hold: '…' }]`;
  return { curl, ts };
}

type Step = { label: string; done: boolean; detail: string; to: string };

export function GettingStartedPage() {
  useTitle('Getting started');
  const check = useChecklist();
  const { info } = useEndpoint();
  const origin = snippetUrl(info);
  const { curl, ts } = snippets(origin);
  const [busy, setBusy] = useState(false);
  const [log, setLog] = useState<string[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<{ event: OutputOf<'ingestEvent'>; balance: OutputOf<'getBalances'> } | null>(null);
  const c = check.data;
  const steps: Step[] = [
    { label: 'Create an asset', done: !!c?.asset, detail: 'The unit wallets hold: USD, or TOKENS, GPU hours…', to: '/settings/assets' },
    { label: 'Create a customer', done: !!c?.customer, detail: 'Who you bill; it gets a wallet per asset.', to: '/customers' },
    { label: 'Create a plan', done: !!c?.plan, detail: 'A metric and a price: standard, graduated, volume…', to: '/plans/new' },
    { label: 'Subscribe the customer', done: !!c?.subscription, detail: 'Puts the customer on the plan so events are priced.', to: '/customers' },
    { label: 'Send the first event', done: !!c?.event, detail: 'Priced and debited the moment it arrives.', to: '/events' },
  ];
  const doneCount = steps.filter((s) => s.done).length;

  const sendTest = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    const lines: string[] = [];
    const note = (l: string) => {
      lines.push(l);
      setLog([...lines]);
    };
    const ignore = (codes: string[]) => (e: ApiError) => {
      if (codes.includes(e.code)) return null;
      throw e;
    };
    try {
      // The customer first: when it is already on another plan, stop before creating anything.
      const customers = await call('listCustomers', { search: TEST.customer, status: 'all', limit: 50 });
      const customer = customers.data.find((x) => x.external_id === TEST.customer);
      const live = customer ? (await call('listSubscriptions', { customer: TEST.customer, limit: 20 })).data.find((x) => x.status !== 'terminated') : undefined;
      if (live && live.plan !== TEST.plan) {
        note(`${TEST.customer} is on plan ${live.plan}: left as it is, nothing sent. Terminate that subscription to use the test.`);
        return;
      }
      if (customer && customer.status === 'closed') {
        note(`${TEST.customer} is closed: nothing sent.`);
        return;
      }
      if (await listHas((cursor) => call('listAssets', { limit: 500, cursor }), 'USD')) note('Asset USD exists');
      else {
        await call('createAsset', { code: 'USD' }).catch(ignore(['already_exists']));
        note('Created asset USD');
      }
      if (customer) note(`Customer ${TEST.customer} exists`);
      else {
        await call('createCustomer', { external_id: TEST.customer, name: 'Test customer', on_insufficient_funds: 'refuse' }).catch(ignore(['already_exists']));
        note(`Created customer ${TEST.customer}`);
      }
      if (await listHas((cursor) => call('listMetrics', { limit: 500, cursor }), TEST.metric)) note(`Metric ${TEST.metric} exists`);
      else {
        await call('createMetric', { code: TEST.metric, name: 'Getting started calls', aggregation: 'count' }).catch(ignore(['already_exists']));
        note(`Created metric ${TEST.metric}`);
      }
      if (await listHas((cursor) => call('listPlans', { limit: 500, cursor }), TEST.plan)) note(`Plan ${TEST.plan} exists`);
      else {
        await call('createPlan', { code: TEST.plan, name: 'Getting started (test)', interval: 'monthly', charges: [{ metric: TEST.metric, asset: 'USD', model: 'standard', properties: { unit_price: '0.002' } }] }).catch(ignore(['already_exists']));
        note(`Created plan ${TEST.plan} ($0.002 per call, no fixed fee)`);
      }
      if (live) note(`${TEST.customer} is subscribed to ${TEST.plan}`);
      else {
        await call('createSubscription', { customer: TEST.customer, plan: TEST.plan });
        note(`Subscribed ${TEST.customer} to ${TEST.plan}`);
      }
      // Promotional credit, not money received: no cash, no receipt, once per data dir.
      const top = await call('createTopUp', { external_id: TEST.customer, asset: 'USD', amount: '1000', kind: 'granted', reference: 'Getting started test credit', idempotency_key: TEST.grantKey });
      note(`$10.00 test credit granted ${Date.now() - Date.parse(top.created_at) < 30_000 ? 'now' : 'earlier'} (a grant, not a payment)`);
      const event = await call('ingestEvent', { transaction_id: `test-${Date.now()}`, customer: TEST.customer, code: TEST.metric, properties: { source: 'console' } });
      note(`Event ${event.transaction_id} accepted`);
      const balance = await call('getBalances', { external_id: TEST.customer });
      setResult({ event, balance });
      useAssets.getState().load().catch(() => undefined);
      check.reload();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="Getting started" description="From an empty data dir to a priced event in five steps. The checklist ticks itself as things appear." />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack>
            <Card>
              <Group justify="space-between" mb="sm">
                <Title order={2} fz="md">
                  Checklist
                </Title>
                <Badge variant="light" color={doneCount === 5 ? 'teal' : 'gray'} className="tg-num">
                  {doneCount} / 5
                </Badge>
              </Group>
              <List spacing="sm" listStyleType="none" data-testid="checklist">
                {steps.map((s) => (
                  <List.Item
                    key={s.label}
                    icon={
                      <ThemeIcon size={22} radius="xl" variant={s.done ? 'filled' : 'light'} color={s.done ? 'teal' : 'gray'}>
                        {s.done ? <CheckCircle2 size={14} /> : <Circle size={12} />}
                      </ThemeIcon>
                    }
                    data-done={s.done}
                  >
                    <Text size="sm" fw={600} td={s.done ? 'line-through' : undefined} c={s.done ? 'dimmed' : undefined}>
                      {s.label}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {s.detail}{' '}
                      {!s.done && (
                        <Link to={s.to} style={{ color: 'var(--mantine-color-anchor)' }}>
                          Open
                        </Link>
                      )}
                    </Text>
                  </List.Item>
                ))}
              </List>
            </Card>
            <Card>
              <Group gap="xs" mb={4}>
                <Rocket size={18} aria-hidden />
                <Title order={2} fz="md">
                  Send a test event
                </Title>
              </Group>
              <Text size="sm" c="dimmed" mb="sm">
                Creates only what is missing, with codes of its own: asset USD, customer <Code>{TEST.customer}</Code>, metric <Code>{TEST.metric}</Code>, plan <Code>{TEST.plan}</Code> ($0.002 a call, no fee), its subscription and a $10.00 <b>granted</b> credit (once; not a payment). Then posts one event. Your own plans and customers are never touched; safe to repeat.
              </Text>
              <Button leftSection={<Send size={16} />} onClick={sendTest} loading={busy} data-testid="send-test-event">
                Send test event
              </Button>
              {log.length > 0 && (
                <List size="xs" mt="sm" spacing={2} c="dimmed">
                  {log.map((l) => (
                    <List.Item key={l}>{l}</List.Item>
                  ))}
                </List>
              )}
              <Box mt="sm">
                <InlineError error={error} />
              </Box>
              {result && (
                <Alert color="teal" variant="light" mt="sm" title="Event priced and debited" data-testid="test-result">
                  <Text size="sm">
                    {result.event.charges.map((ch) => (
                      <span key={ch.charge_id}>
                        {ch.metric}: {formatQuantity(ch.units)} unit → <Money amount={ch.amount} asset={ch.asset} size="sm" fw={600} />.{' '}
                      </span>
                    ))}
                    Wallet of {TEST.customer} now: {result.balance.balances.map((b) => <Money key={b.asset} amount={b.available} asset={b.asset} scale={b.scale} size="sm" fw={600} />)} available.{' '}
                    <Link to={`/customers/${TEST.customer}/wallet`}>Open the customer</Link>
                  </Text>
                </Alert>
              )}
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Card>
            <Title order={2} fz="md" mb={4}>
              Call the API
            </Title>
            <Text size="sm" c="dimmed" mb="sm">
              Filled with this server's address. Replace <Code>{KEY_PLACEHOLDER}</Code> with a key from{' '}
              <Link to="/settings/keys" style={{ color: 'var(--mantine-color-anchor)' }}>
                Settings → API keys
              </Link>{' '}
              (the console never shows the key you signed in with).
            </Text>
            {info && !info.apiUrl && (
              <Alert color="red" variant="light" mb="sm" role="alert" data-testid="snippet-endpoint-error">
                The local endpoint is not listening{info.httpError ? `: ${info.httpError}` : ''}. Apps cannot reach these URLs until the port is free or changed in <Link to="/settings/desktop">Settings → Desktop</Link>.
              </Alert>
            )}
            <Tabs defaultValue="curl">
              <Tabs.List>
                <Tabs.Tab value="curl">curl</Tabs.Tab>
                <Tabs.Tab value="ts">TypeScript</Tabs.Tab>
              </Tabs.List>
              {(
                [
                  ['curl', curl],
                  ['ts', ts],
                ] as const
              ).map(([k, text]) => (
                <Tabs.Panel key={k} value={k} pt="sm">
                  <Box pos="relative">
                    <Box pos="absolute" top={6} right={6}>
                      <CopyValueButton value={text} label={`Copy the ${k === 'ts' ? 'TypeScript' : 'curl'} snippet`} />
                    </Box>
                    <pre className="tg-pre" data-testid={`snippet-${k}`}>
                      {text}
                    </pre>
                  </Box>
                </Tabs.Panel>
              ))}
            </Tabs>
          </Card>
        </Grid.Col>
      </Grid>
    </>
  );
}
