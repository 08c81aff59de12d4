import { Button, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { CreateCustomer } from '@shared/contract/ledger';
import { type ApiError, call, type OutputOf } from '../../api';
import { InlineError } from '../../components/states';

type Values = { external_id: string; name: string; email: string; billing_mode: 'prepaid' | 'postpaid'; on_insufficient_funds: 'record_as_debt' | 'refuse'; billing_timezone: string };
/**
 * The API is the contract: a customer created without `on_insufficient_funds` gets `record_as_debt`
 * (src-main/engine/customers.ts), so the dialog starts there too and a customer made here behaves
 * like one made with curl.
 */
const EMPTY: Values = { external_id: '', name: '', email: '', billing_mode: 'prepaid', on_insufficient_funds: 'record_as_debt', billing_timezone: '' };

/** What each policy does for a new customer, whose overdraft limit is 0 until set on the Details tab. */
const POLICY_HELP: Record<Values['on_insufficient_funds'], string> = {
  record_as_debt: 'The overdraft limit starts at 0, so an event that costs more than the balance is still refused (402) until you set a limit on the Details tab. Debt arises from a capture beyond its hold, or within that limit.',
  refuse: 'An event that costs more than the balance is refused (402), whatever overdraft limit is set later.',
};

/** Create a customer; validated in the browser with the contract's own zod schema before it is sent. */
export function CreateCustomerDialog({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (c: OutputOf<'createCustomer'>) => void }) {
  const [v, setV] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (opened) {
      setV(EMPTY);
      setErrors({});
      setError(null);
    }
  }, [opened]);
  const input = {
    external_id: v.external_id.trim(),
    ...(v.name.trim() ? { name: v.name.trim() } : {}),
    ...(v.email.trim() ? { email: v.email.trim() } : {}),
    billing_mode: v.billing_mode,
    on_insufficient_funds: v.on_insufficient_funds,
    ...(v.billing_timezone.trim() ? { billing_timezone: v.billing_timezone.trim() } : {}),
  };
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const parsed = CreateCustomer.safeParse(input);
    if (!parsed.success) {
      const errs: Record<string, string> = {};
      for (const i of parsed.error.issues) errs[String(i.path[0] ?? 'external_id')] = i.message;
      setErrors(errs);
      return;
    }
    setErrors({});
    setBusy(true);
    setError(null);
    try {
      const c = await call('createCustomer', input);
      onCreated(c);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const field = (k: keyof Values) => ({ value: v[k], onChange: (e: React.ChangeEvent<HTMLInputElement>) => setV({ ...v, [k]: e.currentTarget.value }), error: errors[k] });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>New customer</Text>} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="External id" description="Your own id for this customer; events and API calls use it." placeholder="acme" required data-autofocus {...field('external_id')} />
          <SimpleGrid cols={2}>
            <TextInput label="Name" placeholder="Acme Inc." {...field('name')} />
            <TextInput label="Email" placeholder="billing@acme.com" type="email" {...field('email')} />
          </SimpleGrid>
          <SimpleGrid cols={2}>
            <Select
              label="Billing mode"
              value={v.billing_mode}
              onChange={(x) => setV({ ...v, billing_mode: (x as Values['billing_mode']) ?? 'prepaid' })}
              data={[
                { value: 'prepaid', label: 'Prepaid: usage draws on credit' },
                { value: 'postpaid', label: 'Postpaid: usage is invoiced' },
              ]}
              allowDeselect={false}
            />
            <Select
              label="When funds run out"
              value={v.on_insufficient_funds}
              onChange={(x) => setV({ ...v, on_insufficient_funds: (x as Values['on_insufficient_funds']) ?? 'record_as_debt' })}
              data={[
                { value: 'record_as_debt', label: 'Debt up to the overdraft limit' },
                { value: 'refuse', label: 'Refuse the event (402)' },
              ]}
              aria-describedby="new-customer-policy-help"
              allowDeselect={false}
            />
          </SimpleGrid>
          <Text size="xs" c="dimmed" mt={-8} id="new-customer-policy-help" data-testid="new-customer-policy-help">
            {POLICY_HELP[v.on_insufficient_funds]}
          </Text>
          <TextInput label="Billing time zone" description="IANA zone for periods and spend caps; empty uses the operator's." placeholder="Europe/Paris" {...field('billing_timezone')} />
          <InlineError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create customer
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
