import { createTheme, type MantineColorsTuple } from '@mantine/core';

// A calm indigo close to what billing consoles use; dark surfaces a little bluer than Mantine's default.
const brand: MantineColorsTuple = ['#eef0ff', '#dcdfff', '#b6bbfb', '#8d95f7', '#6b73f3', '#5660f1', '#4a55f1', '#3c46d7', '#333ec1', '#2635ab'];
const dark: MantineColorsTuple = ['#c9ccd6', '#a6abb9', '#7d8396', '#4f5566', '#363b4a', '#2a2e3b', '#1f2330', '#181b26', '#12141d', '#0d0f16'];

export const theme = createTheme({
  primaryColor: 'brand',
  primaryShade: { light: 6, dark: 4 },
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
    Modal: { defaultProps: { radius: 'md', overlayProps: { backgroundOpacity: 0.45, blur: 2 } } },
    Table: { defaultProps: { verticalSpacing: 'sm', highlightOnHover: true } },
    Badge: { defaultProps: { radius: 'sm' } },
  },
});
