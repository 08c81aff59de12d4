import { Button, Group, List, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { type ApiError, toApiError } from '../api';
import { InlineError } from './states';

export interface ConfirmDialogProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** The object, named: "the key ci-deploy (tg_ab12…)". */
  object: React.ReactNode;
  consequences: string[];
  /** "Revoke ci-deploy" */
  confirmLabel: string;
  color?: string;
  /** Ask for a reason (sent along). */
  reason?: { label: string; placeholder?: string };
  /** Ask the operator to type this text first (restores, deletions). */
  typeToConfirm?: string;
  onConfirm: (reason: string) => Promise<unknown>;
  /** Nothing to confirm yet (the preview says why). */
  disabled?: boolean;
}

/** Irreversible actions: the object named, the consequences listed, focus on Cancel. */
export function ConfirmDialog({ opened, onClose, title, object, consequences, confirmLabel, color = 'red', reason, typeToConfirm, onConfirm, disabled }: ConfirmDialogProps) {
  const [text, setText] = useState('');
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (opened) {
      setText('');
      setTyped('');
      setError(null);
      setBusy(false);
    }
  }, [opened]);
  const ready = !disabled && (!reason || text.trim().length > 0) && (!typeToConfirm || typed === typeToConfirm);
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>{title}</Text>} centered size="md">
      <Stack gap="md">
        <Text size="sm">{object}</Text>
        {consequences.length > 0 && (
          <List size="sm" spacing={4}>
            {consequences.map((c) => (
              <List.Item key={c}>{c}</List.Item>
            ))}
          </List>
        )}
        {reason && <Textarea label={reason.label} placeholder={reason.placeholder} required value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={2} />}
        {typeToConfirm && <TextInput label={`Type ${typeToConfirm} to confirm`} value={typed} onChange={(e) => setTyped(e.currentTarget.value)} />}
        <InlineError error={error} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} ref={cancelRef} data-autofocus>
            Cancel
          </Button>
          <Button
            color={color}
            loading={busy}
            disabled={!ready}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await onConfirm(text.trim());
                onClose();
              } catch (e) {
                setError(toApiError(e));
              } finally {
                setBusy(false);
              }
            }}
          >
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
