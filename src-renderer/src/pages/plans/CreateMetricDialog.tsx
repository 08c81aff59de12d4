import { Button, Group, Modal, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { CreateMetric } from '@shared/contract/pricing';
import { type ApiError, call, type OutputOf } from '../../api';
import { InlineError } from '../../components/states';

const AGGREGATIONS = [
  { value: 'count', label: 'count: number of events' },
  { value: 'sum', label: 'sum of a property' },
  { value: 'max', label: 'max of a property' },
  { value: 'unique_count', label: 'unique count of a property' },
  { value: 'latest', label: 'latest value of a property' },
  { value: 'weighted_sum', label: 'weighted sum (time-weighted level)' },
];

export function CreateMetricDialog({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (m: OutputOf<'createMetric'>) => void }) {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [eventType, setEventType] = useState('');
  const [aggregation, setAggregation] = useState<string>('count');
  const [property, setProperty] = useState('');
  const [recurring, setRecurring] = useState(false);
  const [filterProp, setFilterProp] = useState('');
  const [filterValues, setFilterValues] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (opened) {
      setCode('');
      setName('');
      setEventType('');
      setAggregation('count');
      setProperty('');
      setRecurring(false);
      setFilterProp('');
      setFilterValues('');
      setErrors({});
      setError(null);
    }
  }, [opened]);
  const input = {
    code: code.trim(),
    ...(name.trim() ? { name: name.trim() } : {}),
    ...(eventType.trim() ? { event_type: eventType.trim() } : {}),
    aggregation: aggregation as OutputOf<'createMetric'>['aggregation'],
    ...(property.trim() ? { property: property.trim() } : {}),
    ...(recurring ? { recurring: true } : {}),
    ...(filterProp.trim() && filterValues.trim() ? { filters: [{ property: filterProp.trim(), values: filterValues.split(',').map((v) => v.trim()).filter(Boolean) }] } : {}),
  };
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const parsed = CreateMetric.safeParse(input);
    const errs: Record<string, string> = {};
    if (!parsed.success) for (const i of parsed.error.issues) errs[String(i.path[0])] = i.message;
    if (aggregation !== 'count' && !property.trim()) errs.property = 'Required for every aggregation but count';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    setError(null);
    try {
      onCreated(await call('createMetric', input));
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>New billable metric</Text>} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            A metric turns events into a quantity: it reads one event code and aggregates it over the period.
          </Text>
          <SimpleGrid cols={2}>
            <TextInput label="Code" placeholder="api_calls" required value={code} onChange={(e) => setCode(e.currentTarget.value)} error={errors.code} data-autofocus />
            <TextInput label="Name" placeholder="API calls" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} />
          </SimpleGrid>
          <SimpleGrid cols={2}>
            <TextInput label="Event code it reads" placeholder={code || 'same as the code'} value={eventType} onChange={(e) => setEventType(e.currentTarget.value)} error={errors.event_type} />
            <Select label="Aggregation" data={AGGREGATIONS} value={aggregation} onChange={(v) => setAggregation(v ?? 'count')} allowDeselect={false} />
          </SimpleGrid>
          {aggregation !== 'count' && <TextInput label="Property" placeholder="tokens" required value={property} onChange={(e) => setProperty(e.currentTarget.value)} error={errors.property} description="The numeric (or distinct, for unique count) event property." />}
          <SimpleGrid cols={2}>
            <TextInput label="Filter property (optional)" placeholder="model" value={filterProp} onChange={(e) => setFilterProp(e.currentTarget.value)} />
            <TextInput label="Filter values" placeholder="gpt-4o, o3" value={filterValues} onChange={(e) => setFilterValues(e.currentTarget.value)} error={errors.filters} />
          </SimpleGrid>
          <Switch label="Recurring (carried across periods, e.g. seats)" checked={recurring} onChange={(e) => setRecurring(e.currentTarget.checked)} />
          <InlineError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create metric
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
