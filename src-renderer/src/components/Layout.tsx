import { ActionIcon, AppShell, Badge, Box, Burger, Button, Group, Menu, NavLink, ScrollArea, Stack, Text, Tooltip, UnstyledButton, useComputedColorScheme, useMantineColorScheme, VisuallyHidden } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { Keyboard, KeyRound, LogOut, Monitor, Moon, Search, Sun } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { door, liveSource } from '../api';
import { gPrefix, isEditable, MOD_KEY_LABEL } from '../lib/keys';
import { NAV } from '../nav';
import { relative } from '../lib/format';
import { alertText } from '../lib/alerts';
import { useAssets } from '../state/assets';
import { useLive } from '../state/live';
import { useSession } from '../state/session';
import { Kbd } from './common';
import { LiveIndicator } from './LiveIndicator';
import { Palette, palette } from './Palette';
import { ShortcutSheet } from './ShortcutSheet';

function Logo() {
  return (
    <Group gap={8} wrap="nowrap">
      <svg width="26" height="26" viewBox="0 0 32 32" aria-hidden>
        <rect width="32" height="32" rx="8" fill="var(--mantine-color-brand-6)" />
        <path d="M8 11h16M16 11v13M11 24h10" stroke="white" strokeWidth="3" strokeLinecap="round" />
      </svg>
      <Text fw={700} size="lg" style={{ letterSpacing: '-0.02em' }}>
        Tollgate
      </Text>
    </Group>
  );
}

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light');
  const next = computed === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} theme`}>
      <ActionIcon variant="default" size="lg" onClick={() => setColorScheme(next)} aria-label={`Switch to ${next} theme`}>
        {computed === 'dark' ? <Sun size={18} /> : <Moon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
}

/** Who is signed in: the key (name, scopes, expiry) in a browser, the OS user over the desktop door. */
function WhoAmI() {
  const key = useSession((s) => s.key);
  const me = useSession((s) => s.me);
  const navigate = useNavigate();
  useEffect(() => {
    if (!key) return;
    door
      .call('whoAmI', {})
      .then((m) => useSession.getState().setMe(m))
      .catch(() => useSession.getState().setMe(null));
  }, [key]);
  if (!key) return null;
  const name = me?.name ?? key.name;
  const scopes = me?.scopes ?? key.scopes;
  const kindLabel = me?.kind === 'os_user' ? 'Desktop user' : me?.kind === 'read_token' ? 'Read token' : 'API key';
  return (
    <Menu position="bottom-end" width={280} withinPortal>
      <Menu.Target>
        <UnstyledButton data-testid="whoami" data-kind={me?.kind ?? ''}>
          <Group gap={8} wrap="nowrap">
            <VisuallyHidden>Signed in as</VisuallyHidden>
            {me?.kind === 'os_user' ? <Monitor size={16} aria-hidden /> : <KeyRound size={16} aria-hidden />}
            <Box visibleFrom="sm">
              <Text size="sm" fw={600} lh={1.1} truncate maw={180}>
                {name}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2}>
                {scopes.join(' · ')}
              </Text>
            </Box>
            <VisuallyHidden>({kindLabel})</VisuallyHidden>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{me?.kind === 'os_user' ? 'Signed in on this machine as' : 'Signed in with the API key'}</Menu.Label>
        <Box px="sm" pb="xs">
          <Text size="sm" fw={600}>
            {name}
          </Text>
          {me?.id && me.kind === 'key' && (
            <Text size="xs" c="dimmed" ff="monospace">
              {me.id}
            </Text>
          )}
          <Group gap={4} mt={4}>
            {scopes.map((s) => (
              <Badge key={s} size="xs" variant="light">
                {s}
              </Badge>
            ))}
          </Group>
          <Text size="xs" c="dimmed" mt={6} data-testid="whoami-door">
            {kindLabel} · {me?.door === 'ipc' ? 'desktop app (IPC)' : me?.door === 'http' ? 'HTTP' : (me?.door ?? (door.kind === 'ipc' ? 'desktop app (IPC)' : 'HTTP'))}
            {me?.expires_at ? ` · expires ${relative(me.expires_at)}` : ''}
          </Text>
        </Box>
        <Menu.Divider />
        <Menu.Item leftSection={<KeyRound size={14} />} onClick={() => navigate('/settings/keys')}>
          API keys
        </Menu.Item>
        {door.kind === 'http' && (
          <Menu.Item
            leftSection={<LogOut size={14} />}
            color="red"
            onClick={async () => {
              await door.logout();
              useSession.getState().set(null);
              navigate('/login');
            }}
          >
            Sign out
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

/** Alerts fired (thresholds crossed): a toast each, the only live values announced. */
function useAlertToasts() {
  const alerts = useLive((s) => s.alerts);
  const seen = useRef(new Set<string>());
  const navigate = useNavigate();
  useEffect(() => {
    for (const a of alerts) {
      const k = `${a.id}:${a.receivedAt}`;
      if (seen.current.has(k)) continue;
      seen.current.add(k);
      if (Date.now() - a.receivedAt > 10_000) continue;
      notifications.show({
        color: a.type.includes('depleted') || a.type.includes('expired') ? 'red' : 'yellow',
        title: `Alert${a.customer ? ` · ${a.customer}` : ''}`,
        message: alertText(a),
        autoClose: 8000,
        onClick: a.customer ? () => navigate(`/customers/${encodeURIComponent(a.customer!)}/alerts`) : undefined,
      });
    }
  }, [alerts, navigate]);
}

/** Global keys: `?` sheet, `/` search, `g` + letter pages, ⌘⇧P blur amounts. ⌘K is the palette's own. */
function useGlobalKeys(openSheet: () => void) {
  const navigate = useNavigate();
  const pendingG = useRef<number>(0);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.metaKey || e.ctrlKey) && e.shiftKey && e.key.toLowerCase() === 'p') {
        e.preventDefault();
        document.body.classList.toggle('tg-blur');
        notifications.show({ message: document.body.classList.contains('tg-blur') ? 'Amounts blurred for screen sharing' : 'Amounts visible', autoClose: 1500 });
        return;
      }
      if (e.metaKey || e.ctrlKey || e.altKey || isEditable(e.target)) return;
      if (document.querySelector('.mantine-Modal-content, .mantine-Spotlight-content')) return;
      if (pendingG.current && Date.now() - pendingG.current < 1200) {
        pendingG.current = 0;
        gPrefix.at = 0;
        gPrefix.consumed = e;
        const item = NAV.find((n) => n.key === e.key.toLowerCase());
        if (item) {
          e.preventDefault();
          navigate(item.path);
        }
        return;
      }
      if (e.key === 'g') {
        pendingG.current = Date.now();
        gPrefix.at = pendingG.current;
        return;
      }
      if (e.key === '?') {
        e.preventDefault();
        openSheet();
      } else if (e.key === '/') {
        const search = document.querySelector<HTMLInputElement>('[data-page-search]');
        if (search) {
          e.preventDefault();
          search.focus();
          search.select();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navigate, openSheet]);
}

export function Layout() {
  const [opened, { toggle, close }] = useDisclosure();
  const [sheet, setSheet] = useState(false);
  /** From the `sm` breakpoint to 1199 px the sidebar is a rail of icons (names in tooltips), so tables keep their width. */
  const compact = useMediaQuery('(min-width: 48em) and (max-width: 1199.98px)', false, { getInitialValueInEffect: false }) ?? false;
  const location = useLocation();
  const navigate = useNavigate();
  const epoch = useLive((s) => s.epoch);
  useGlobalKeys(() => setSheet(true));
  useAlertToasts();

  // The live feed: one subscription for the whole console.
  useEffect(() => {
    const { apply, setStatus } = useLive.getState();
    return liveSource.subscribeLive(apply, setStatus);
  }, []);
  // Assets (scale, kind) for formatting; reloaded after a reconnect.
  useEffect(() => {
    void useAssets.getState().load().catch(() => undefined);
  }, [epoch]);
  useEffect(() => close(), [location.pathname, close]);

  const active = (path: string) => (path === '/' ? location.pathname === '/' : location.pathname === path || location.pathname.startsWith(path + '/'));

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: compact ? 64 : 236, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding={0}>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <UnstyledButton onClick={() => navigate('/')} aria-label="Tollgate overview">
              <Logo />
            </UnstyledButton>
          </Group>
          <Button
            variant="default"
            onClick={() => palette.open()}
            leftSection={<Search size={16} />}
            rightSection={
              <Group gap={2}>
                <Kbd>{MOD_KEY_LABEL}</Kbd>
                <Kbd>K</Kbd>
              </Group>
            }
            w={340}
            visibleFrom="md"
            styles={{ inner: { justifyContent: 'space-between' }, label: { flex: 1, color: 'var(--mantine-color-dimmed)', fontWeight: 400 } }}
          >
            Search or paste an id…
          </Button>
          <Group gap="md" wrap="nowrap">
            <LiveIndicator />
            <Tooltip label="Keyboard shortcuts (?)">
              <ActionIcon variant="default" size="lg" onClick={() => setSheet(true)} aria-label="Keyboard shortcuts">
                <Keyboard size={18} />
              </ActionIcon>
            </Tooltip>
            <ThemeToggle />
            <WhoAmI />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p={compact ? 8 : 'sm'} aria-label="Main" data-compact={compact || undefined} data-testid="sidebar">
        <AppShell.Section grow component={ScrollArea}>
          <Stack gap={2}>
            {NAV.map((n) => {
              const Icon = n.icon;
              const link = (
                <NavLink
                  key={n.path}
                  href={`#${n.path}`}
                  label={compact ? undefined : n.label}
                  aria-label={compact ? n.label : undefined}
                  active={active(n.path)}
                  leftSection={<Icon size={compact ? 20 : 18} strokeWidth={1.8} />}
                  rightSection={compact ? undefined : <span className="tg-nav-kbd" aria-hidden>g {n.key}</span>}
                  variant="light"
                  style={{ borderRadius: 'var(--mantine-radius-md)', ...(compact ? { justifyContent: 'center', paddingInline: 0, height: 40 } : {}) }}
                  styles={compact ? { section: { marginInlineEnd: 0 }, body: { display: 'none' } } : undefined}
                  aria-current={active(n.path) ? 'page' : undefined}
                />
              );
              return compact ? (
                <Tooltip key={n.path} label={`${n.label} · g ${n.key}`} position="right" withArrow openDelay={150}>
                  {link}
                </Tooltip>
              ) : (
                link
              );
            })}
          </Stack>
        </AppShell.Section>
        {!compact && (
          <AppShell.Section>
            <Text size="xs" c="dimmed" px="sm" pb={4}>
              Press <Kbd>?</Kbd> for shortcuts
            </Text>
          </AppShell.Section>
        )}
      </AppShell.Navbar>
      <AppShell.Main>
        <Box px={{ base: 'md', md: 'xl' }} py="lg" maw={1480} mx="auto">
          <Outlet />
        </Box>
      </AppShell.Main>
      <Palette />
      <ShortcutSheet opened={sheet} onClose={() => setSheet(false)} />
    </AppShell>
  );
}
