import { Box, Button, FileButton, Group, Image, Stack, Text } from '@mantine/core';
import { LOGO_MAX_CHARS } from '@shared/contract/pricing';
import { useState } from 'react';

/**
 * The seller's logo on invoices, credit notes and receipts: an SVG file, previewed here as the
 * documents will print it. Without one the documents print the legal name in its place. Each
 * document issued keeps its own copy, so the file is kept small.
 */
export function CompanyLogoField({ value, legalName, onChange }: { value: string | null; legalName: string; onChange: (svg: string | null) => void }) {
  const [problem, setProblem] = useState<string | null>(null);
  const choose = async (file: File | null) => {
    if (!file) return;
    const text = await file.text();
    if (!/<svg[\s>]/i.test(text) || !/<\/svg>\s*$/i.test(text)) return setProblem(`${file.name} is not an SVG file.`);
    if (text.length > LOGO_MAX_CHARS) return setProblem(`${file.name} is ${Math.ceil(text.length / 1000)} KB; a logo may be at most ${LOGO_MAX_CHARS / 1000} KB of SVG.`);
    setProblem(null);
    onChange(text);
  };
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        Logo
      </Text>
      <Group align="center" gap="md">
        <Box w={160} h={48} p={6} style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 6, display: 'flex', alignItems: 'center' }} data-testid="logo-preview">
          {value ? (
            <Image src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(value)}`} alt="Logo on documents" h={36} w="auto" fit="contain" />
          ) : (
            <Text size="sm" fw={700} c="indigo" truncate>
              {legalName || 'Your company'}
            </Text>
          )}
        </Box>
        <FileButton onChange={(f) => void choose(f)} accept="image/svg+xml,.svg">
          {(props) => (
            <Button variant="default" size="xs" {...props}>
              {value ? 'Replace SVG…' : 'Upload SVG…'}
            </Button>
          )}
        </FileButton>
        {value && (
          <Button variant="subtle" color="red" size="xs" onClick={() => onChange(null)}>
            Remove
          </Button>
        )}
      </Group>
      <Text size="xs" c={problem ? 'red' : 'dimmed'}>
        {problem ?? `At the top of invoices, credit notes and receipts; without one, the legal name is printed there. SVG, at most ${LOGO_MAX_CHARS / 1000} KB.`}
      </Text>
    </Stack>
  );
}
