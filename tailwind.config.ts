import type { Config } from 'tailwindcss';

/**
 * Parley's design tokens. Colours are CSS variables (set in app/globals.css for light and dark),
 * so one class such as `bg-surface` follows the system theme without `dark:` variants everywhere.
 */
const config: Config = {
  content: ['./app/**/*.{ts,tsx}', './components/**/*.{ts,tsx}'],
  theme: {
    extend: {
      colors: {
        surface: 'var(--surface)',
        'surface-alt': 'var(--surface-alt)',
        'surface-raised': 'var(--surface-raised)',
        ink: 'var(--ink)',
        muted: 'var(--muted)',
        line: 'var(--line)',
        accent: 'var(--accent)',
        'accent-ink': 'var(--accent-ink)',
        'bubble-own': 'var(--bubble-own)',
        'bubble-own-ink': 'var(--bubble-own-ink)',
        'bubble-other': 'var(--bubble-other)',
        'bubble-other-ink': 'var(--bubble-other-ink)',
        danger: 'var(--danger)',
        focus: 'var(--focus)',
      },
      fontFamily: {
        sans: ['system-ui', '-apple-system', '"Segoe UI"', 'Roboto', '"Helvetica Neue"', 'Arial', 'sans-serif'],
      },
      maxWidth: { bubble: '36rem' },
    },
  },
};

export default config;
