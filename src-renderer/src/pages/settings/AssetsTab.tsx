import { Badge, Button, Card, Group, Modal, NumberInput, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Plus } from 'lucide-react';
import { useEffect, useState } from 'react';
import { type ApiError, call, toApiError } from '../../api';
import { InlineError, TableSkeleton } from '../../components/states';
import { formatDateTime } from '../../lib/format';
import { isIsoCurrency, useAssets } from '../../state/assets';

const CODE = /^[A-Z][A-Z0-9_]{0,31}$/;
const RATE = /^\d+(\.\d+)?$/;

/**
 * A new asset: a currency (ISO code, its own decimals) or a custom unit of credit (GPU hours,
 * tokens) with the decimals it is counted in and, to sell it, its price in a currency. The scale is
 * fixed once created, so the dialog says what it means with an example.
 */
function CreateAssetDialog({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (code: string) => void }) {
  const assets = useAssets((s) => s.assets);
  const fiats = Object.values(assets).filter((a) => a.kind === 'fiat').map((a) => a.code);
  const [kind, setKind] = useState<'fiat' | 'custom'>('fiat');
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [scale, setScale] = useState<number | ''>(3);
  const [rate, setRate] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (!opened) return;
    setKind(Object.keys(assets).length === 0 ? 'fiat' : 'custom');
    setCode('');
    setName('');
    setScale(3);
    setRate('');
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);
  const codeError = code && !CODE.test(code) ? 'Upper-case letters, digits and _, starting with a letter' : kind === 'fiat' && code && !isIsoCurrency(code) ? 'Not an ISO 4217 currency: create it as a custom unit' : undefined;
  const rateError = rate && !RATE.test(rate) ? 'A price such as 2.50' : undefined;
  const currency = fiats[0] ?? null;
  const valid = code !== '' && !codeError && !rateError && (kind === 'fiat' || scale !== '');
  const example = typeof scale === 'number' ? (1.5).toFixed(scale) : '';
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>New asset</Text>}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!valid) return;
          setBusy(true);
          setError(null);
          try {
            await call('createAsset', {
              code,
              kind,
              ...(name.trim() ? { name: name.trim() } : {}),
              ...(kind === 'custom' ? { scale: scale as number } : {}),
              ...(kind === 'custom' && rate && currency ? { rates: [{ currency, rate }] } : {}),
            });
            await useAssets.getState().load();
            onCreated(code);
          } catch (err) {
            setError(toApiError(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Stack>
          <SegmentedControl
            fullWidth
            value={kind}
            onChange={(v) => setKind(v as 'fiat' | 'custom')}
            data={[
              { value: 'fiat', label: 'A currency' },
              { value: 'custom', label: 'A custom unit' },
            ]}
            aria-label="Kind"
          />
          <TextInput label="Code" placeholder={kind === 'fiat' ? 'USD' : 'GPU_HOURS'} value={code} onChange={(e) => setCode(e.currentTarget.value.toUpperCase())} error={codeError} required data-autofocus />
          <TextInput label="Name (optional)" placeholder={kind === 'fiat' ? 'US dollar' : 'GPU hours'} value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={100} />
          {kind === 'custom' && (
            <>
              <NumberInput
                label="Decimals"
                description={`Fixed once created: amounts are whole numbers of the smallest unit. With ${scale === '' ? 'n' : scale}, one and a half reads ${example || '…'}.`}
                min={0}
                max={18}
                allowDecimal={false}
                value={scale}
                onChange={(v) => setScale(typeof v === 'number' ? v : '')}
                required
              />
              <TextInput
                label={currency ? `Price of one unit in ${currency} (optional)` : 'Price (create a currency first to price it)'}
                placeholder="2.50"
                value={rate}
                onChange={(e) => setRate(e.currentTarget.value)}
                error={rateError}
                disabled={!currency}
                description="What a paid top-up of this unit costs, for its receipt. Rates can be added later."
              />
            </>
          )}
          {kind === 'fiat' && (
            <Text size="xs" c="dimmed">
              A currency keeps its own decimals (USD 2, JPY 0). Amounts in the API are in its minor unit (cents).
            </Text>
          )}
          <InlineError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!valid}>
              Create {code || 'asset'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The assets wallets hold: currencies and custom units, with their decimals and prices. */
export function AssetsTab() {
  const assets = useAssets((s) => s.assets);
  const loaded = useAssets((s) => s.loaded);
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    void useAssets.getState().load();
  }, []);
  const rows = Object.values(assets).sort((a, b) => (a.kind === b.kind ? a.code.localeCompare(b.code) : a.kind === 'fiat' ? -1 : 1));
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={640}>
          Every wallet, price and invoice is in an asset: a currency, or a custom unit of credit you sell (GPU hours, tokens) priced in a currency.
        </Text>
        <Button leftSection={<Plus size={16} />} onClick={() => setCreating(true)}>
          New asset
        </Button>
      </Group>
      <Card p={0}>
        {!loaded ? (
          <TableSkeleton rows={2} />
        ) : rows.length === 0 ? (
          <Text size="sm" c="dimmed" p="lg" ta="center">
            No asset yet. Create your currency first (USD, EUR…): plans, top-ups and invoices need one.
          </Text>
        ) : (
          <Table aria-label="Assets">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Code</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th className="tg-right">Decimals</Table.Th>
                <Table.Th>Price</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((a) => {
                const current = a.rates.filter((r) => Date.parse(r.effective_from) <= Date.now()).sort((x, y) => y.effective_from.localeCompare(x.effective_from))[0];
                return (
                  <Table.Tr key={a.code} data-testid="asset-row">
                    <Table.Td>
                      <Text fw={600} ff="monospace" size="sm">
                        {a.code}
                      </Text>
                    </Table.Td>
                    <Table.Td>{a.name}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={a.kind === 'fiat' ? 'brand' : 'grape'}>
                        {a.kind === 'fiat' ? 'currency' : 'custom unit'}
                      </Badge>
                    </Table.Td>
                    <Table.Td className="tg-right">{a.scale}</Table.Td>
                    <Table.Td>{current ? `${current.rate} ${current.currency} per unit` : a.kind === 'custom' ? '—' : ''}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(a.created_at)}</Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      <CreateAssetDialog
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(code) => {
          setCreating(false);
          notifications.show({ color: 'teal', message: `Asset ${code} created` });
        }}
      />
    </Stack>
  );
}
