import { Alert, Button, Checkbox, Group, Modal, Radio, Select, Stack, Table, Text } from '@mantine/core';
import { ArrowRight } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { type ApiError, call, type OutputOf, toApiError } from '../../api';
import { InlineError } from '../../components/states';
import { formatDate } from '../../lib/format';
import { formatAmount } from '../../lib/money';
import { assetLike } from '../../state/assets';

type Subscription = OutputOf<'listSubscriptions'>['data'][number];
type Plan = OutputOf<'listPlans'>['data'][number];
export type Timing = 'now' | 'period_end';

const PER: Record<Plan['interval'], string> = { weekly: 'a week', monthly: 'a month', quarterly: 'a quarter', yearly: 'a year' };

/** "$49.00 a month", or "no fixed fee". */
export function feeText(p: Plan | undefined): string {
  if (!p?.fixed_fee || p.fixed_fee.amount === '0') return 'no fixed fee';
  return `${formatAmount(p.fixed_fee.amount, assetLike(p.fixed_fee.asset))} ${PER[p.interval]}${p.fixed_fee.pay_in_advance ? ', in advance' : ''}`;
}

/** "Growth (growth)", or the code alone when the plan is unknown. */
export function planLabel(code: string, plans: Plan[]): string {
  const p = plans.find((x) => x.code === code);
  return p?.name && p.name !== code ? `${p.name} (${code})` : code;
}

/**
 * The engine's rule for the default timing (engine.changeSubscription): a new fixed fee at least the
 * old one is an upgrade, taking effect now; a lower one is a downgrade, at the end of the period.
 */
export function isUpgrade(from: Plan | undefined, to: Plan | undefined): boolean {
  return BigInt(to?.fixed_fee?.amount ?? '0') >= BigInt(from?.fixed_fee?.amount ?? '0');
}

/**
 * Change plan: choose a plan, when the change takes effect and whether usage carries over, then
 * confirm on a second step that names the customer, the old and the new plan.
 */
export function ChangePlanDialog({ sub, plans, plansLoading, customerName, onClose, onDone }: { sub: Subscription | null; plans: Plan[]; plansLoading?: boolean; customerName: string; onClose: () => void; onDone: (updated: Subscription, timing: Timing) => void }) {
  const [plan, setPlan] = useState<string | null>(null);
  const [timing, setTiming] = useState<Timing>('now');
  const [carry, setCarry] = useState(true);
  const [step, setStep] = useState<'choose' | 'confirm'>('choose');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  // Each opening starts afresh, with the subscription's own carry-usage setting.
  if (sub && shown !== sub.id) {
    setShown(sub.id);
    setPlan(null);
    setTiming('now');
    setCarry(sub.carry_usage);
    setStep('choose');
    setError(null);
  }
  if (!sub && shown !== null) setShown(null);
  // The confirmation step starts on Back, as a confirmation starts on Cancel.
  const backRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (step === 'confirm') backRef.current?.focus();
  }, [step]);

  const current = plans.find((p) => p.code === sub?.plan);
  const target = plans.find((p) => p.code === plan);
  const upgrade = target ? isUpgrade(current, target) : null;
  const defaultTiming: Timing = upgrade === false ? 'period_end' : 'now';
  const end = sub?.current_period ? formatDate(sub.current_period.end) : null;
  const pending = sub?.status === 'pending';
  const fromLabel = sub ? planLabel(sub.plan, plans) : '';
  const toLabel = plan ? planLabel(plan, plans) : '';
  const when = pending ? 'before it starts' : timing === 'now' ? 'now, prorated' : `at the end of the period${end ? ` (${end})` : ''}`;

  const choose = (code: string | null) => {
    setPlan(code);
    setError(null);
    const t = plans.find((p) => p.code === code);
    if (t) setTiming(isUpgrade(current, t) ? 'now' : 'period_end');
  };

  const options = plans
    .filter((p) => p.code !== sub?.plan)
    .map((p) => ({ value: p.code, label: `${planLabel(p.code, plans)} · ${feeText(p)}${p.code === sub?.next_plan ? ' · already scheduled' : ''}` }));

  const submit = async () => {
    if (!sub || !plan) return;
    setBusy(true);
    setError(null);
    try {
      // Carrying usage only means something for a change now; at the end of the period the next one starts from zero.
      const updated = await call('updateSubscription', { id: sub.id, plan, timing, ...(timing === 'now' && !pending ? { carry_usage: carry } : {}) });
      onDone(updated, timing);
    } catch (e) {
      setError(toApiError(e));
      setStep('choose');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={!!sub} onClose={onClose} title={<Text fw={600}>{step === 'choose' ? `Change ${customerName}'s plan` : 'Confirm the plan change'}</Text>} centered size="lg">
      {step === 'choose' ? (
        <Stack gap="md">
          <Text size="sm">
            Now on <b>{fromLabel}</b>, {feeText(current)}.
            {current && sub && current.version !== sub.plan_version && (
              <Text span size="xs" c="dimmed">
                {' '}
                The subscription is on v{sub.plan_version}; fees shown are of each plan's latest version (v{current.version} here), and the default timing compares with v{sub.plan_version}'s fee.
              </Text>
            )}
          </Text>
          <Select label="New plan" placeholder={plansLoading ? 'Loading plans…' : options.length ? 'Choose a plan' : 'No other plan exists'} data={options} value={plan} onChange={choose} searchable nothingFoundMessage="No plan matches" data-autofocus disabled={!options.length} />
          {target && !pending && (
            <Text size="sm" c="dimmed" data-testid="change-kind">
              {upgrade ? 'An upgrade' : 'A downgrade'}: the fixed fee goes from {feeText(current)} to {feeText(target)}. By default {upgrade ? 'an upgrade takes effect now, prorated' : `a downgrade takes effect at the end of the period${end ? `, ${end}` : ''}`}; you can choose either.
            </Text>
          )}
          {pending ? (
            <Text size="sm" c="dimmed">
              The subscription has not started yet: it will start on the new plan.
            </Text>
          ) : (
            <Radio.Group value={timing} onChange={(v) => setTiming(v as Timing)} label="When" data-testid="change-timing">
              <Stack gap={8} mt={4}>
                <Radio
                  value="now"
                  label={`Now, prorated${target && defaultTiming === 'now' ? ' (default for an upgrade)' : ''}`}
                  description="The period is split today: the old plan's usage and fee are settled for the days used (a fee paid in advance is credited back for the rest), and the new plan is billed for the remaining days."
                />
                <Radio
                  value="period_end"
                  label={`At the end of the period${end ? ` (${end})` : ''}${target && defaultTiming === 'period_end' ? ' (default for a downgrade)' : ''}`}
                  description="Nothing changes until then; the next period starts on the new plan. Until then you can cancel the scheduled change."
                />
              </Stack>
            </Radio.Group>
          )}
          {!pending && (
            <Checkbox
              checked={carry}
              onChange={(e) => setCarry(e.currentTarget.checked)}
              disabled={timing !== 'now'}
              label="Carry this period's usage into the new plan"
              description={
                timing === 'now'
                  ? "Units already used this period count toward the new plan's tiers, so a volume or graduated customer keeps their tier; they are not charged again. Unticked, the new plan counts from zero. Saved on the subscription for later changes."
                  : 'Only matters for a change now: at the end of the period the next period counts usage from zero anyway.'
              }
              data-testid="carry-usage"
            />
          )}
          <InlineError error={error} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button disabled={!plan} onClick={() => setStep('confirm')}>
              Review change
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="md">
          <Text size="sm" data-testid="change-plan-object">
            Move <b>{customerName}</b> from <b>{fromLabel}</b> to <b>{toLabel}</b> {when}?
          </Text>
          <Table withRowBorders={false} verticalSpacing={4} fz="sm" aria-label="The plan change">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={140}>Plan</Table.Th>
                <Table.Td>
                  <Group gap={6} wrap="wrap">
                    <span>{fromLabel}</span>
                    <ArrowRight size={14} aria-label="to" />
                    <b>{toLabel}</b>
                  </Group>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Fixed fee</Table.Th>
                <Table.Td>
                  {feeText(current)} → {feeText(target)}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Takes effect</Table.Th>
                <Table.Td>{pending ? 'At once (before the start)' : timing === 'now' ? 'Now, the period prorated' : `At the end of the period${end ? `, ${end}` : ''}`}</Table.Td>
              </Table.Tr>
              {!pending && timing === 'now' && (
                <Table.Tr>
                  <Table.Th>Usage so far</Table.Th>
                  <Table.Td>{carry ? "Carried into the new plan's tiers" : 'Not carried: the new plan counts from zero'}</Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
          {!pending && timing === 'now' && (
            <Alert variant="light" color="yellow" py="xs">
              <Text size="sm">The current period is settled at once; this cannot be undone, though you can change plan again.</Text>
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setStep('choose')} ref={backRef}>
              Back
            </Button>
            <Button loading={busy} onClick={submit}>
              {pending || timing === 'now' ? `Move to ${target?.name ?? plan} now` : `Schedule ${target?.name ?? plan}${end ? ` for ${end}` : ''}`}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
