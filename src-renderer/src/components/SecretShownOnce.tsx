import { Alert, Button, Checkbox, Code, Group, Stack } from '@mantine/core';
import { ShieldAlert } from 'lucide-react';
import type { ReactNode } from 'react';
import { CopyValueButton } from './common';

/**
 * A secret Tollgate shows once (an API key, a webhook signing secret): copy it, and confirm it is
 * stored before Done lets go. `stored` is the caller's, since its dialog also refuses to close
 * before that.
 */
export function SecretShownOnce(props: {
  secret: string;
  notice: ReactNode;
  copyLabel: string;
  testId: string;
  details?: ReactNode;
  stored: boolean;
  setStored: (stored: boolean) => void;
  onDone: () => void;
}) {
  return (
    <Stack>
      <Alert color="yellow" variant="light" icon={<ShieldAlert size={18} />}>
        {props.notice}
      </Alert>
      <Group wrap="nowrap" gap="xs">
        <Code block style={{ flex: 1, fontSize: 13 }} data-testid={props.testId}>
          {props.secret}
        </Code>
        <CopyValueButton value={props.secret} label={props.copyLabel} />
      </Group>
      {props.details}
      <Checkbox label="I stored it somewhere safe" checked={props.stored} onChange={(e) => props.setStored(e.currentTarget.checked)} />
      <Group justify="flex-end">
        <Button disabled={!props.stored} onClick={props.onDone}>
          Done
        </Button>
      </Group>
    </Stack>
  );
}
