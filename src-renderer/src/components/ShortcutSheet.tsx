import { Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { Search } from 'lucide-react';
import { useState } from 'react';
import { SHORTCUTS } from '../nav';
import { Kbd } from './common';

/** `?`: a searchable sheet of every shortcut (after actualbudget's KeyboardShortcutModal). */
export function ShortcutSheet({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [q, setQ] = useState('');
  const shown = SHORTCUTS.filter((s) => !q || `${s.description} ${s.scope} ${s.keys.join(' ')}`.toLowerCase().includes(q.toLowerCase()));
  const scopes = [...new Set(shown.map((s) => s.scope))];
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Keyboard shortcuts</Text>} size="lg">
      <Stack>
        <TextInput placeholder="Search shortcuts" leftSection={<Search size={16} />} value={q} onChange={(e) => setQ(e.currentTarget.value)} aria-label="Search shortcuts" data-autofocus />
        {scopes.map((scope) => (
          <div key={scope}>
            <Text size="xs" fw={700} c="dimmed" tt="uppercase" mb={4}>
              {scope}
            </Text>
            <Table withRowBorders={false} verticalSpacing={4}>
              <Table.Tbody>
                {shown
                  .filter((s) => s.scope === scope)
                  .map((s) => (
                    <Table.Tr key={s.description + s.keys.join()}>
                      <Table.Td>
                        <Text size="sm">{s.description}</Text>
                      </Table.Td>
                      <Table.Td w={160}>
                        <Group gap={4} justify="flex-end">
                          {s.keys.map((k, i) => (
                            <Kbd key={i}>{k}</Kbd>
                          ))}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          </div>
        ))}
      </Stack>
    </Modal>
  );
}
