import { Alert, Button, Card, Code, Group, Modal, NumberInput, PasswordInput, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { MonitorSmartphone, RotateCw, TriangleAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import { type ApiError, type DesktopSettings, door, toApiError } from '../../api';
import { ErrorState, InlineError, TableSkeleton } from '../../components/states';
import { useQuery } from '../../lib/useQuery';

const REMOTE_OK = /^https:\/\/[^\s]+$|^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/[^\s]*)?$/;

/**
 * The desktop app's own settings (desktop.json): run the engine here (port, host, data dir), or be
 * the console of a Tollgate in serve mode elsewhere (URL and API key). Saving validates, writes the
 * file, restarts the engine and reloads this window.
 */
export function DesktopTab() {
  const desktop = door.desktop!;
  const status = useQuery(() => desktop.status(), []);
  const saved = useQuery(() => desktop.settings(), []);
  const [mode, setMode] = useState<'local' | 'remote'>('local');
  const [port, setPort] = useState('8787');
  const [host, setHost] = useState<DesktopSettings['host']>('127.0.0.1');
  const [dataDir, setDataDir] = useState('');
  const [remoteUrl, setRemoteUrl] = useState('');
  const [remoteKey, setRemoteKey] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [restarting, setRestarting] = useState(false);
  useEffect(() => {
    const s = saved.data;
    if (!s) return;
    setMode(s.mode);
    setPort(String(s.port));
    setHost(s.host);
    setDataDir(s.dataDir ?? '');
    setRemoteUrl(s.remoteUrl ?? '');
    setRemoteKey('');
  }, [saved.data]);
  if (saved.error) return <ErrorState error={saved.error} onRetry={saved.reload} what="the desktop settings" />;
  if (!saved.data) return <TableSkeleton rows={4} cols={2} />;
  const s = saved.data;
  const portN = Number(port);
  const portOk = Number.isInteger(portN) && portN >= 1 && portN <= 65535;
  const urlOk = mode === 'local' || REMOTE_OK.test(remoteUrl.trim());
  const keyOk = mode === 'local' || !!remoteKey.trim() || (s.remoteKey === '(stored)' && remoteUrl.trim() === (s.remoteUrl ?? ''));
  const next: Partial<DesktopSettings> =
    mode === 'local'
      ? { mode, port: portN, host, dataDir: dataDir.trim() || null }
      : { mode, remoteUrl: remoteUrl.trim(), ...(remoteKey.trim() ? { remoteKey: remoteKey.trim() } : { remoteKey: '(stored)' }) };
  const dirty = mode !== s.mode || (mode === 'local' ? portN !== s.port || host !== s.host || (dataDir.trim() || null) !== s.dataDir : remoteUrl.trim() !== (s.remoteUrl ?? '') || !!remoteKey.trim());
  const ready = dirty && (mode === 'local' ? portOk : urlOk && keyOk);
  const st = status.data;

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await desktop.saveSettings(next);
      // The main process restarts the engine and reloads this window; until then, say so.
      setConfirming(false);
      setRestarting(true);
    } catch (e) {
      setError(toApiError(e));
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack maw={880} gap="lg" data-testid="desktop-settings">
      <Card>
        <Group gap={6} mb="xs">
          <MonitorSmartphone size={18} aria-hidden />
          <Title order={2} fz="md">
            This app now
          </Title>
        </Group>
        {status.error ? (
          <ErrorState error={status.error} onRetry={status.reload} what="the desktop status" />
        ) : !st ? (
          <TableSkeleton rows={3} cols={2} />
        ) : (
          <Table withRowBorders={false} verticalSpacing={4} data-testid="desktop-status">
            <Table.Tbody>
              <Table.Tr>
                <Table.Td w={180}>
                  <Text size="sm" c="dimmed">
                    Mode
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {st.mode === 'local' ? 'Local: the engine runs on this machine' : 'Remote: the console of a Tollgate elsewhere'}
                  </Text>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    Apps reach it at
                  </Text>
                </Table.Td>
                <Table.Td>{st.apiUrl ? <Code>{st.apiUrl}</Code> : <Text size="sm" c="red" fw={600}>not listening</Text>}</Table.Td>
              </Table.Tr>
              {st.dataDir && (
                <Table.Tr>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      Data dir
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Code>{st.dataDir}</Code>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        )}
        {st && !st.apiUrl && (
          <Alert color="red" variant="light" icon={<TriangleAlert size={18} />} mt="sm" role="alert" data-testid="http-error">
            <Text size="sm">
              {st.httpError ?? 'The local HTTP endpoint is not listening.'} The console works; apps on this machine cannot post events until the port is free or you choose another one below.
            </Text>
          </Alert>
        )}
      </Card>
      {restarting ? (
        <Alert color="blue" variant="light" icon={<RotateCw size={18} />} data-testid="desktop-restarting">
          Saved. The engine restarts with the new settings and this window reloads in a moment.
        </Alert>
      ) : (
        <Card>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (ready) setConfirming(true);
            }}
          >
            <Stack>
              <Title order={2} fz="md">
                Where the engine runs
              </Title>
              <SegmentedControl
                value={mode}
                onChange={(v) => setMode(v as 'local' | 'remote')}
                data={[
                  { value: 'local', label: 'On this machine' },
                  { value: 'remote', label: 'On a server (remote)' },
                ]}
                aria-label="Mode"
                data-testid="desktop-mode"
              />
              {mode === 'local' ? (
                <>
                  <SimpleGrid cols={2}>
                    <NumberInput label="Port" description="Apps on this machine post events here." min={1} max={65535} allowDecimal={false} allowNegative={false} value={port} onValueChange={({ value }) => setPort(value)} error={portOk ? undefined : 'A port from 1 to 65535'} data-testid="desktop-port" />
                    <Select
                      label="Listen on"
                      description="Loopback only: serve mode with TLS is for anything wider."
                      data={[
                        { value: '127.0.0.1', label: '127.0.0.1 (IPv4 loopback)' },
                        { value: '::1', label: '::1 (IPv6 loopback)' },
                        { value: 'localhost', label: 'localhost' },
                      ]}
                      value={host}
                      onChange={(v) => setHost((v as DesktopSettings['host']) ?? '127.0.0.1')}
                      allowDeselect={false}
                    />
                  </SimpleGrid>
                  <TextInput label="Data dir (optional)" placeholder="The default data dir (shared with tollgate serve on this machine)" value={dataDir} onChange={(e) => setDataDir(e.currentTarget.value)} description="One engine per data dir: a serve process on the same dir makes the engine refuse to start." />
                </>
              ) : (
                <>
                  <TextInput label="Server URL" placeholder="https://billing.example.com" value={remoteUrl} onChange={(e) => setRemoteUrl(e.currentTarget.value)} error={remoteUrl && !urlOk ? 'https:// (plain http only on this machine)' : undefined} required data-testid="desktop-remote-url" />
                  <PasswordInput
                    label="API key"
                    placeholder={s.remoteKey === '(stored)' ? 'Stored in the OS keychain: leave empty to keep it' : 'tg_…'}
                    value={remoteKey}
                    onChange={(e) => setRemoteKey(e.currentTarget.value)}
                    description="Kept encrypted by the OS keychain where it can. The console acts with this key's scopes."
                    error={!keyOk && remoteUrl ? 'A key is needed for a new server' : undefined}
                    data-testid="desktop-remote-key"
                  />
                </>
              )}
              <InlineError error={error} />
              <Group justify="flex-end">
                <Button type="submit" disabled={!ready} data-testid="desktop-save">
                  Save and restart the engine
                </Button>
              </Group>
            </Stack>
          </form>
        </Card>
      )}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={<Text fw={600}>Restart with the new settings?</Text>} centered>
        <Stack>
          <Text size="sm">
            {mode === 'local' ? (
              <>
                The engine stops (in-flight writes finish first) and starts again on port <b>{port}</b>
                {dataDir.trim() ? (
                  <>
                    {' '}
                    with the data dir <Code>{dataDir.trim()}</Code>
                  </>
                ) : null}
                .
              </>
            ) : (
              <>
                The local engine stops, and this app becomes the console of <b>{remoteUrl.trim()}</b>.
              </>
            )}{' '}
            Apps posting to the old address must switch. This window reloads.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)} data-autofocus>
              Cancel
            </Button>
            <Button loading={busy} onClick={save} data-testid="desktop-confirm">
              Save and restart
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
