import { createTheme, type CSSVariablesResolver, type MantineColorsTuple } from '@mantine/core';

// A calm indigo close to what billing consoles use; dark surfaces a little bluer than Mantine's default.
const brand: MantineColorsTuple = ['#eef0ff', '#dcdfff', '#b6bbfb', '#8d95f7', '#6b73f3', '#5660f1', '#4a55f1', '#3c46d7', '#333ec1', '#2635ab'];
const dark: MantineColorsTuple = ['#c9ccd6', '#a6abb9', '#7d8396', '#4f5566', '#363b4a', '#2a2e3b', '#1f2330', '#181b26', '#12141d', '#0d0f16'];

export const theme = createTheme({
  primaryColor: 'brand',
  primaryShade: { light: 6, dark: 6 },
  autoContrast: true,
  colors: { brand, dark },
  defaultRadius: 'md',
  cursorType: 'pointer',
  fontFamily: 'Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace',
  headings: { fontWeight: '650' },
  components: {
    Card: { defaultProps: { withBorder: true, radius: 'md', padding: 'lg' } },
    Paper: { defaultProps: { radius: 'md' } },
    Tooltip: { defaultProps: { withArrow: true } },
    Modal: { defaultProps: { radius: 'md', overlayProps: { backgroundOpacity: 0.45, blur: 2 }, closeButtonProps: { 'aria-label': 'Close dialog' } } },
    Drawer: { defaultProps: { closeButtonProps: { 'aria-label': 'Close panel' } } },
    Notification: { defaultProps: { closeButtonProps: { 'aria-label': 'Close notification' } } },
    Table: { defaultProps: { verticalSpacing: 'sm', highlightOnHover: true } },
    Badge: { defaultProps: { radius: 'sm' } },
  },
});

/**
 * Contrast (WCAG AA, 4.5:1 for text): Mantine's default text and light-variant colours use shade 6,
 * which is too light on white for teal, green, yellow, orange, cyan, red… Text-like colours get a
 * darker tone in the light scheme and a lighter one in the dark scheme; `dimmed` gets a readable grey.
 */
const TEXT_COLORS = ['red', 'pink', 'grape', 'violet', 'indigo', 'blue', 'cyan', 'teal', 'green', 'lime', 'yellow', 'orange', 'gray', 'brand'];
const LIGHT_SHADE: Record<string, string> = { brand: 'var(--mantine-color-brand-9)', violet: 'var(--mantine-color-violet-9)', gray: 'var(--mantine-color-gray-7)' };
const lightText = (c: string) => LIGHT_SHADE[c] ?? `color-mix(in srgb, var(--mantine-color-${c}-9) 72%, black)`;

export const cssVariablesResolver: CSSVariablesResolver = () => {
  const light: Record<string, string> = {
    '--mantine-color-dimmed': '#5f6b7a',
    '--mantine-color-error': lightText('red'),
    '--mantine-color-red-filled': 'var(--mantine-color-red-9)',
    '--mantine-color-red-filled-hover': 'var(--mantine-color-red-8)',
  };
  const dark: Record<string, string> = {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    '--mantine-color-error': 'var(--mantine-color-red-4)',
    '--mantine-color-placeholder': 'var(--mantine-color-dark-2)',
    '--mantine-color-anchor': 'var(--mantine-color-brand-3)',
    '--mantine-color-red-filled': 'var(--mantine-color-red-9)',
    '--mantine-color-red-filled-hover': 'var(--mantine-color-red-8)',
  };
  for (const c of TEXT_COLORS) {
    light[`--mantine-color-${c}-text`] = lightText(c);
    light[`--mantine-color-${c}-light-color`] = lightText(c);
    light[`--mantine-color-${c}-outline`] = lightText(c);
    dark[`--mantine-color-${c}-text`] = `var(--mantine-color-${c}-3)`;
    dark[`--mantine-color-${c}-outline`] = `var(--mantine-color-${c}-3)`;
  }
  return { variables: {}, light, dark };
};
