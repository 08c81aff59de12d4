import { Alert, Anchor, Box, Button, Center, Code, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { KeyRound, TriangleAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { type ApiError, door } from '../api';
import { useSession } from '../state/session';

/** Serve mode: sign in with an API key; the server sets an HttpOnly session cookie. */
export function LoginPage() {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const status = useSession((s) => s.status);
  const next = params.get('next') || '/';

  useEffect(() => {
    if (status === 'checking') {
      door
        .session()
        .then((k) => useSession.getState().set(k))
        .catch(() => useSession.getState().set(null));
    }
  }, [status]);

  useEffect(() => {
    document.title = 'Sign in · Tollgate';
  }, []);

  if (door.kind === 'ipc' || status === 'signed_in') return <Navigate to={next} replace />;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const who = await door.login(key.trim());
      useSession.getState().set(who);
      navigate(next, { replace: true });
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md" component="main">
      <Box w={420}>
        <Stack gap="lg">
          <Stack gap={6} align="center">
            <svg width="44" height="44" viewBox="0 0 32 32" aria-hidden>
              <rect width="32" height="32" rx="8" fill="var(--mantine-color-brand-6)" />
              <path d="M8 11h16M16 11v13M11 24h10" stroke="white" strokeWidth="3" strokeLinecap="round" />
            </svg>
            <Title order={1} fz={24}>
              Sign in to Tollgate
            </Title>
            <Text c="dimmed" size="sm" ta="center">
              Use an API key of this server. The console keeps only a session cookie; the key itself is never stored in the browser.
            </Text>
          </Stack>
          <Paper withBorder p="xl" shadow="sm">
            <form onSubmit={submit}>
              <Stack>
                <PasswordInput
                  label="API key"
                  placeholder="tg_…"
                  value={key}
                  onChange={(e) => setKey(e.currentTarget.value)}
                  leftSection={<KeyRound size={16} />}
                  required
                  autoFocus
                  autoComplete="off"
                  spellCheck={false}
                  error={error ? ' ' : undefined}
                  description="Serve mode printed the admin key once when it created the data dir."
                />
                {error && (
                  <Alert color="red" variant="light" icon={<TriangleAlert size={16} />} role="alert" data-testid="login-error">
                    <Text size="sm">
                      <Code>{error.code}</Code> {error.status === 401 ? 'This API key is unknown, malformed or revoked.' : error.message}
                    </Text>
                  </Alert>
                )}
                <Button type="submit" loading={busy} disabled={!key.trim()} fullWidth>
                  Sign in
                </Button>
              </Stack>
            </form>
          </Paper>
          <Text size="xs" c="dimmed" ta="center">
            Lost the key? Start serve mode with <Code>TOLLGATE_ADMIN_KEY</Code> set, or create one from another admin session. API reference:{' '}
            <Anchor href="/v1/openapi.json" size="xs">
              openapi.json
            </Anchor>
          </Text>
        </Stack>
      </Box>
    </Center>
  );
}
