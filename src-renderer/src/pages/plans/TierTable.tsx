import { ActionIcon, Box, Button, Group, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { Plus, Trash2 } from 'lucide-react';
import { useRef } from 'react';
import { formatCount } from '../../lib/format';
import { type TierDraft, tierStarts } from './draft';

const FIELDS = ['to', 'perUnit', 'flat'] as const;
type Field = (typeof FIELDS)[number];

function pretty(n: string | null): string {
  if (n === null) return '?';
  return /^\d+$/.test(n) ? formatCount(BigInt(n)) : n;
}

/**
 * Lago's graduated/volume tier table: "For the first / For the next", a derived first unit, a typed
 * last unit (∞ on the last row), per unit, flat fee, Add tier. Enter moves down a column; Enter on
 * the last cell adds a tier.
 */
export function TierTable({ tiers, onChange, issues, asset }: { tiers: TierDraft[]; onChange: (t: TierDraft[]) => void; issues: Map<number, string[]>; asset: string }) {
  const starts = tierStarts(tiers);
  const refs = useRef(new Map<string, HTMLInputElement>());
  const focus = (row: number, field: Field) => {
    requestAnimationFrame(() => refs.current.get(`${row}:${field}`)?.focus());
  };
  const set = (i: number, f: Field, v: string) => onChange(tiers.map((t, j) => (j === i ? { ...t, [f]: v } : t)));
  const addTier = () => {
    // The old last tier gets a bound; the new one is open-ended.
    onChange([...tiers, { to: '', perUnit: '', flat: '' }]);
    focus(tiers.length - 1, 'to');
  };
  const onKey = (e: React.KeyboardEvent, i: number, f: Field) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const last = i === tiers.length - 1;
    const col = FIELDS.indexOf(f);
    if (last && f === 'flat') return addTier();
    if (!last) return focus(i + 1, f === 'to' && i + 1 === tiers.length - 1 ? 'perUnit' : f);
    // Last row: move right (its last unit is ∞).
    focus(i, FIELDS[Math.min(col + 1, FIELDS.length - 1)]!);
  };
  return (
    <Box>
      <Table.ScrollContainer minWidth={560}>
        <Table withTableBorder withColumnBorders={false} verticalSpacing={6} horizontalSpacing="xs" aria-label="Tiers" data-testid="tier-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={100} />
              <Table.Th className="tg-right">First unit</Table.Th>
              <Table.Th className="tg-right">Last unit</Table.Th>
              <Table.Th className="tg-right">Per unit ({asset})</Table.Th>
              <Table.Th className="tg-right">Flat fee ({asset})</Table.Th>
              <Table.Th w={40} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tiers.map((t, i) => {
              const last = i === tiers.length - 1;
              const rowIssues = issues.get(i) ?? [];
              return (
                <Table.Tr key={i} data-testid={`tier-${i}`} style={rowIssues.length ? { background: 'light-dark(var(--mantine-color-red-0), color-mix(in srgb, var(--mantine-color-red-9) 15%, transparent))' } : undefined}>
                  <Table.Td>
                    <Text size="sm" fw={500} style={{ whiteSpace: 'nowrap' }}>
                      {i === 0 ? 'For the first' : 'For the next'}
                    </Text>
                  </Table.Td>
                  <Table.Td className="tg-right">
                    <TextInput size="xs" variant="filled" readOnly tabIndex={-1} className="tg-tier-input" aria-label={`Tier ${i + 1} first unit`} value={pretty(starts[i] ?? null)} w={96} ml="auto" />
                  </Table.Td>
                  <Table.Td className="tg-right">
                    {last ? (
                      <Text size="lg" c="dimmed" title="The last tier is open-ended">
                        <span aria-hidden>∞</span>
                        <VisuallyHidden>Tier {i + 1} has no last unit: it is open-ended</VisuallyHidden>
                      </Text>
                    ) : (
                      <TextInput
                        size="xs"
                        className="tg-tier-input"
                        aria-label={`Tier ${i + 1} last unit`}
                        placeholder="10000"
                        value={t.to}
                        onChange={(e) => set(i, 'to', e.currentTarget.value)}
                        onKeyDown={(e) => onKey(e, i, 'to')}
                        ref={(el) => {
                          if (el) refs.current.set(`${i}:to`, el);
                        }}
                        inputMode="decimal"
                        w={100}
                        ml="auto"
                      />
                    )}
                  </Table.Td>
                  {(['perUnit', 'flat'] as const).map((f) => (
                    <Table.Td key={f} className="tg-right">
                      <TextInput
                        size="xs"
                        className="tg-tier-input"
                        aria-label={`Tier ${i + 1} ${f === 'perUnit' ? 'per unit' : 'flat fee'}`}
                        placeholder={f === 'perUnit' ? '0.0010' : '0'}
                        value={t[f]}
                        onChange={(e) => set(i, f, e.currentTarget.value)}
                        onKeyDown={(e) => onKey(e, i, f)}
                        ref={(el) => {
                          if (el) refs.current.set(`${i}:${f}`, el);
                        }}
                        inputMode="decimal"
                        w={100}
                        ml="auto"
                      />
                    </Table.Td>
                  ))}
                  <Table.Td>
                    <ActionIcon variant="subtle" color="gray" aria-label={`Remove tier ${i + 1}`} disabled={tiers.length <= 1} onClick={() => onChange(tiers.filter((_, j) => j !== i))}>
                      <Trash2 size={15} />
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {[...issues.entries()].map(([i, list]) =>
        list.map((m) => (
          <Text key={`${i}${m}`} size="xs" c="red" mt={4} role="alert" data-testid="tier-issue">
            {m}
          </Text>
        )),
      )}
      <Group mt="xs">
        <Button size="xs" variant="light" leftSection={<Plus size={14} />} onClick={addTier}>
          Add tier
        </Button>
        <Text size="xs" c="dimmed">
          Enter moves down; Enter on the last cell adds a tier.
        </Text>
      </Group>
    </Box>
  );
}
