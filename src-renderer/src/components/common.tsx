import { ActionIcon, Badge, Box, CopyButton, Group, Stack, Text, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { Check, Copy, Info } from 'lucide-react';
import type { ReactNode } from 'react';
import { formatCount } from '../lib/format';
import type { WalletStatus } from '../lib/wallet-state';

export function PageHeader({ title, count, description, actions, children }: { title: string; count?: number | null; description?: ReactNode; actions?: ReactNode; children?: ReactNode }) {
  return (
    <Stack gap={6} mb="lg">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <Box>
          <Group gap="xs" align="baseline">
            <Title order={1} fz={26} fw={650} lh={1.2}>
              {title}
            </Title>
            {count !== undefined && count !== null && (
              <Badge variant="light" color="gray" size="lg" radius="sm" className="tg-num">
                {formatCount(count)}
              </Badge>
            )}
          </Group>
          {description && (
            <Text c="dimmed" size="sm" mt={4} maw={760}>
              {description}
            </Text>
          )}
        </Box>
        {actions && <Group gap="xs">{actions}</Group>}
      </Group>
      {children}
    </Stack>
  );
}

/** An id in monospace that copies itself on click. */
export function CopyId({ value, label, size = 'xs' }: { value: string; label?: string; size?: 'xs' | 'sm' }) {
  return (
    <CopyButton value={value} timeout={1200}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : `Copy ${label ?? value}`} withArrow>
          <UnstyledButton
            onClick={(e) => {
              e.stopPropagation();
              e.preventDefault();
              copy();
            }}
            aria-label={`Copy ${label ?? 'id'} ${value}`}
            className="tg-copy"
          >
            <Group gap={4} wrap="nowrap">
              <Text ff="monospace" size={size} c="dimmed" truncate maw={260}>
                {value}
              </Text>
              {copied ? <Check size={12} aria-hidden /> : <Copy size={12} aria-hidden className="tg-copy-icon" />}
            </Group>
          </UnstyledButton>
        </Tooltip>
      )}
    </CopyButton>
  );
}

export function CopyValueButton({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : label} withArrow>
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={label}>
            {copied ? <Check size={16} /> : <Copy size={16} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}

/** The (i) next to a card label: the definition of the figure. */
export function InfoTip({ label }: { label: string }) {
  return (
    <Tooltip label={label} multiline w={280} withArrow>
      <UnstyledButton className="tg-info" aria-label={`About: ${label}`} type="button">
        <Info size={13} aria-hidden />
      </UnstyledButton>
    </Tooltip>
  );
}

export function Kbd({ children }: { children: ReactNode }) {
  return <kbd className="tg-kbd">{children}</kbd>;
}

export type { WalletStatus } from '../lib/wallet-state';

export function StatusBadge({ status }: { status: WalletStatus }) {
  const map: Record<WalletStatus, { color: string; label: string }> = {
    ok: { color: 'teal', label: 'OK' },
    low: { color: 'yellow', label: 'Low' },
    negative: { color: 'red', label: 'Negative' },
    empty: { color: 'gray', label: 'Empty' },
  };
  const m = map[status];
  return (
    <Badge variant="light" color={m.color} radius="sm" leftSection={<span className={`tg-dot tg-dot-${m.color}`} aria-hidden />} style={{ flexShrink: 0, overflow: 'visible' }} styles={{ label: { overflow: 'visible' } }}>
      {m.label}
    </Badge>
  );
}
