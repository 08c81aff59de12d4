import { Alert, Box, Button, Group, Modal, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, Textarea, TextInput, VisuallyHidden } from '@mantine/core';
import { ArrowRight } from 'lucide-react';
import { minorToDecimal } from '@shared/money';
import { useEffect, useMemo, useState } from 'react';
import { type ApiError, call, type OutputOf } from '../../api';
import { InlineError } from '../../components/states';
import { parseAmountInput } from '../../lib/amountInput';
import { newIdempotencyKey } from '../../lib/format';
import { addAmounts, formatAmount, subAmounts } from '../../lib/money';
import { assetLike, useAssets } from '../../state/assets';

type Balance = OutputOf<'getBalances'>['balances'][number];

/** "USD available $12.00 → $62.00": what the wallet will read once the money moves. */
export function Preview({ asset, before, after, what = 'available' }: { asset: string; before: string; after: string | null; what?: string }) {
  const a = assetLike(asset);
  return (
    <Alert variant="light" color={after && after.startsWith('-') ? 'orange' : 'brand'} py="sm" data-testid="money-preview">
      <Group gap={8} wrap="wrap">
        <Text size="sm" fw={600}>
          {asset} {what}
        </Text>
        <Text size="sm" className="tg-num tg-amount">
          {formatAmount(before, a)}
        </Text>
        <ArrowRight size={14} aria-hidden />
        <VisuallyHidden>becomes</VisuallyHidden>
        <Text size="sm" fw={700} className="tg-num tg-amount" c={after?.startsWith('-') ? 'red' : undefined}>
          {after === null ? '…' : formatAmount(after, a)}
        </Text>
      </Group>
    </Alert>
  );
}

function useAssetChoices(balances: Balance[]) {
  const all = useAssets((s) => s.assets);
  return useMemo(() => {
    const codes = new Set([...balances.map((b) => b.asset), ...Object.keys(all)]);
    return [...codes].sort();
  }, [balances, all]);
}

/** The asset a dialog opens on: the customer's first currency, else its first unit, else any. */
function defaultAsset(balances: Balance[], choices: string[]): string | null {
  const codes = balances.map((b) => b.asset);
  const fiat = codes.find((c) => assetLike(c).kind === 'fiat');
  return fiat ?? codes[0] ?? choices.find((c) => assetLike(c).kind === 'fiat') ?? choices[0] ?? null;
}

function availableOf(balances: Balance[], asset: string | null): string {
  return balances.find((b) => b.asset === asset)?.available ?? '0';
}

/** Top up (paid) or grant (promotional credit). The idempotency key is made when the dialog opens. */
export function TopUpDialog({
  opened,
  onClose,
  customer,
  balances,
  kind,
  onDone,
}: {
  opened: boolean;
  onClose: () => void;
  customer: string;
  balances: Balance[];
  kind: 'paid' | 'granted';
  onDone: (t: OutputOf<'createTopUp'>) => void;
}) {
  const choices = useAssetChoices(balances);
  const [asset, setAsset] = useState<string | null>(null);
  const [amount, setAmount] = useState('');
  const [expires, setExpires] = useState('');
  const [priority, setPriority] = useState<string>('');
  const [reference, setReference] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [key, setKey] = useState('');
  useEffect(() => {
    if (!opened) return;
    setKey(newIdempotencyKey(kind === 'paid' ? 'console_topup' : 'console_grant'));
    setAsset(defaultAsset(balances, choices));
    setAmount('');
    setExpires('');
    setPriority('');
    setReference('');
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);
  const a = asset ? assetLike(asset) : null;
  const parsed = a ? parseAmountInput(amount, a) : { ok: false as const, error: amount.trim() ? 'Choose the asset first: its decimals decide what the amount means' : null };
  const before = availableOf(balances, asset);
  const verb = kind === 'paid' ? 'Top up' : 'Grant';
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!asset || !parsed.ok) return;
    setBusy(true);
    setError(null);
    try {
      const t = await call('createTopUp', {
        external_id: customer,
        asset,
        amount: parsed.minor,
        kind,
        idempotency_key: key,
        ...(expires ? { expires_at: new Date(expires).toISOString() } : {}),
        ...(priority ? { priority: Number(priority) } : {}),
        ...(reference.trim() ? { reference: reference.trim() } : {}),
      });
      onDone(t);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>{kind === 'paid' ? `Top up ${customer}` : `Grant credit to ${customer}`}</Text>} size="lg">
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm" c="dimmed">
            {kind === 'paid'
              ? 'Money received from the customer becomes a paid credit lot. It repays any debt first.'
              : 'Promotional credit: a granted lot, used before paid credit at the same priority. It is not cash in.'}
          </Text>
          <SimpleGrid cols={2}>
            <Select label="Asset" data={choices} value={asset} onChange={setAsset} allowDeselect={false} searchable required />
            <TextInput
              label="Amount"
              placeholder={!a || a.scale ? '50.00' : '50000'}
              value={amount}
              onChange={(e) => setAmount(e.currentTarget.value)}
              error={parsed.ok ? undefined : parsed.error}
              inputMode="decimal"
              className="tg-tier-input"
              required
              data-autofocus
              rightSection={<Text size="xs" c="dimmed">{asset}</Text>}
              rightSectionWidth={64}
            />
          </SimpleGrid>
          <SimpleGrid cols={2}>
            <TextInput label="Expires (optional)" type="datetime-local" value={expires} onChange={(e) => setExpires(e.currentTarget.value)} description="Unused credit leaves to breakage then." />
            <NumberInput label="Priority (optional)" placeholder="50" min={0} max={1000} value={priority} onValueChange={({ value }) => setPriority(value)} description="Lower is used first." allowDecimal={false} />
          </SimpleGrid>
          <TextInput label="Reference (optional)" placeholder="Stripe payment pi_…" value={reference} onChange={(e) => setReference(e.currentTarget.value)} />
          {asset && <Preview asset={asset} before={before} after={parsed.ok ? addAmounts(before, parsed.minor) : null} />}
          <InlineError error={error} />
          <Group justify="space-between">
            <Text size="xs" c="dimmed" ff="monospace">
              idempotency key {key.slice(0, 22)}…
            </Text>
            <Group>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={busy} disabled={!parsed.ok || !asset} data-testid="topup-submit">
                {parsed.ok && a ? `${verb} ${formatAmount(parsed.minor, a)}` : verb}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** A signed manual credit or debit. A reason is required; a debit may create debt. */
export function AdjustmentDialog({ opened, onClose, customer, balances, onDone }: { opened: boolean; onClose: () => void; customer: string; balances: Balance[]; onDone: () => void }) {
  const choices = useAssetChoices(balances);
  const [asset, setAsset] = useState<string | null>(null);
  const [direction, setDirection] = useState<'credit' | 'debit'>('credit');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [key, setKey] = useState('');
  /** Errors show once a field was left (blur) or a submit was tried, never while the dialog is fresh. */
  const [touched, setTouched] = useState({ amount: false, reason: false, submitted: false });
  useEffect(() => {
    if (!opened) return;
    setTouched({ amount: false, reason: false, submitted: false });
    setKey(newIdempotencyKey('console_adjust'));
    setAsset(defaultAsset(balances, choices));
    setAmount('');
    setReason('');
    setDirection('credit');
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);
  const a = asset ? assetLike(asset) : null;
  const parsed = a ? parseAmountInput(amount, a) : { ok: false as const, error: null };
  const before = availableOf(balances, asset);
  const signed = parsed.ok ? (direction === 'credit' ? parsed.minor : `-${parsed.minor}`) : null;
  const ready = parsed.ok && !!asset && reason.trim().length > 0;
  const showAmount = touched.amount || touched.submitted;
  const showReason = touched.reason || touched.submitted;
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setTouched((t) => ({ ...t, submitted: true }));
    if (!ready || !signed || !asset) return;
    setBusy(true);
    setError(null);
    try {
      await call('createAdjustment', { external_id: customer, asset, amount: signed, reason: reason.trim(), idempotency_key: key });
      onDone();
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Adjust the balance of {customer}</Text>} size="lg">
      <form onSubmit={submit}>
        <Stack>
          <SegmentedControl
            value={direction}
            onChange={(v) => setDirection(v as 'credit' | 'debit')}
            data={[
              { value: 'credit', label: 'Credit the wallet' },
              { value: 'debit', label: 'Debit the wallet' },
            ]}
            aria-label="Direction"
          />
          <SimpleGrid cols={2}>
            <Select label="Asset" data={choices} value={asset} onChange={setAsset} allowDeselect={false} searchable required />
            <TextInput
              label="Amount"
              placeholder={a?.scale ? '5.00' : '5000'}
              value={amount}
              onChange={(e) => setAmount(e.currentTarget.value)}
              onBlur={() => amount && setTouched((t) => ({ ...t, amount: true }))}
              error={parsed.ok || !showAmount ? undefined : (parsed.error ?? 'Enter an amount')}
              inputMode="decimal"
              className="tg-tier-input"
              required
              data-autofocus
              rightSection={<Text size="xs" c="dimmed">{asset}</Text>}
              rightSectionWidth={64}
            />
          </SimpleGrid>
          <Textarea label="Reason" description="Required: it is kept with the adjustment in the ledger." placeholder="Goodwill credit for the outage of Nov 12" required value={reason} onChange={(e) => setReason(e.currentTarget.value)} onBlur={() => setTouched((t) => ({ ...t, reason: true }))} autosize minRows={2} error={reason.trim() || !showReason ? undefined : 'A reason is required for a manual adjustment'} />
          {asset && <Preview asset={asset} before={before} after={signed ? addAmounts(before, signed) : null} />}
          {direction === 'debit' && parsed.ok && asset && BigInt(subAmounts(before, parsed.minor)) < 0n && (
            <Text size="xs" c="orange">
              The wallet cannot cover it: the rest becomes debt, repaid by the next credit.
            </Text>
          )}
          <InlineError error={error} />
          <Group justify="space-between">
            <Text size="xs" c="dimmed" ff="monospace">
              idempotency key {key.slice(0, 22)}…
            </Text>
            <Group>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={busy} color={direction === 'debit' ? 'orange' : undefined}>
                {parsed.ok && a ? `${direction === 'credit' ? 'Credit' : 'Debit'} ${formatAmount(parsed.minor, a)}` : direction === 'credit' ? 'Credit' : 'Debit'}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Refund the unused rest of a paid top-up (never more than is left). */
export function RefundDialog({ opened, onClose, topUp, balances, onDone }: { opened: boolean; onClose: () => void; topUp: OutputOf<'getTopUp'> | null; balances: Balance[]; onDone: () => void }) {
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [key, setKey] = useState('');
  const a = topUp ? assetLike(topUp.asset) : null;
  useEffect(() => {
    if (!opened || !topUp || !a) return;
    setKey(newIdempotencyKey('console_refund'));
    setAmount(minorToDecimal(topUp.refundable, a.scale));
    setReason('');
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, topUp?.id]);
  if (!topUp || !a) return null;
  const parsed = parseAmountInput(amount, a);
  const tooMuch = parsed.ok && BigInt(parsed.minor) > BigInt(topUp.refundable);
  const before = availableOf(balances, topUp.asset);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!parsed.ok || tooMuch) return;
    setBusy(true);
    setError(null);
    try {
      await call('refundTopUp', { id: topUp.id, amount: parsed.minor, idempotency_key: key, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      onDone();
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Refund top-up {topUp.id}</Text>} size="lg">
      <form onSubmit={submit}>
        <Stack>
          <Box>
            <Text size="sm">
              Paid {formatAmount(topUp.amount, a)} on {new Date(topUp.created_at).toLocaleDateString('en-US', { dateStyle: 'medium' })}; {formatAmount(topUp.refundable, a)} is unused and can be refunded.
            </Text>
            <Text size="xs" c="dimmed">
              The refund takes the unused credit off the wallet. Pay the money back through your payment provider.
            </Text>
          </Box>
          <TextInput label="Amount to refund" value={amount} onChange={(e) => setAmount(e.currentTarget.value)} error={tooMuch ? `At most ${formatAmount(topUp.refundable, a)} is refundable` : parsed.ok ? undefined : parsed.error} className="tg-tier-input" data-autofocus />
          <Textarea label="Reason (optional)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
          <Preview asset={topUp.asset} before={before} after={parsed.ok && !tooMuch ? subAmounts(before, parsed.minor) : null} />
          <InlineError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="orange" loading={busy} disabled={!parsed.ok || tooMuch}>
              {parsed.ok ? `Refund ${formatAmount(parsed.minor, a)}` : 'Refund'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
