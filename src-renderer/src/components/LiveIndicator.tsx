import { Group, Text, Tooltip } from '@mantine/core';
import { useEffect, useState } from 'react';
import { formatTime } from '../lib/format';
import { useLive } from '../state/live';

const LABEL: Record<string, { text: string; color: string }> = {
  connecting: { text: 'Connecting', color: 'gray' },
  live: { text: 'Live', color: 'teal' },
  idle: { text: 'Idle', color: 'gray' },
  reconnecting: { text: 'Reconnecting', color: 'yellow' },
  offline: { text: 'Offline', color: 'red' },
  unavailable: { text: 'Live updates unavailable', color: 'gray' },
};

function ago(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s ago`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 3600_000) return `${Math.round(ms / 60_000)} min ago`;
  return `at ${formatTime(Date.now() - ms)}`;
}

/** Freshness in the header: Live "updated 0.4 s ago", Idle, Reconnecting, Offline "as of 14:02:31". */
export function LiveIndicator() {
  const status = useLive((s) => s.status);
  const last = useLive((s) => s.lastMessageAt);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), status === 'live' ? 200 : 1000);
    return () => clearInterval(t);
  }, [status]);
  const since = last === null ? null : Math.max(0, now - last);
  const state = status === 'live' && since !== null && since > 5 * 60_000 ? 'idle' : status;
  const l = LABEL[state] ?? LABEL.connecting!;
  let detail = '';
  if ((state === 'live' || state === 'idle') && since !== null) detail = `updated ${ago(since)}`;
  if ((state === 'offline' || state === 'reconnecting') && last !== null) detail = `as of ${formatTime(last)}`;
  return (
    <Tooltip label="Changes arrive over the live feed a few times a second; after a reconnect every page reloads what it shows." multiline w={260}>
      <Group gap={8} wrap="nowrap" data-testid="live-state" data-state={state} tabIndex={0} role="group" aria-label={`Live feed: ${l.text}${detail ? `, ${detail}` : ''}`}>
        <span className={`tg-live-dot tg-live-${l.color}`} aria-hidden />
        <Text size="sm" fw={600} component="span" aria-live="polite">
          {l.text}
        </Text>
        {detail && (
          <Text size="xs" c="dimmed" component="span" className="tg-num" visibleFrom="md" miw={118}>
            {detail}
          </Text>
        )}
      </Group>
    </Tooltip>
  );
}
