// Inline SVG icons (no icon font, no external request). Decorative: hidden from assistive tech.
const paths = {
  userPlus:
    'M15 12a4 4 0 1 0-4-4 4 4 0 0 0 4 4Zm0 2c-2.7 0-8 1.3-8 4v2h16v-2c0-2.7-5.3-4-8-4ZM6 10V7H4v3H1v2h3v3h2v-3h3v-2Z',
  users:
    'M16 11a3 3 0 1 0-3-3 3 3 0 0 0 3 3Zm-8 0a3 3 0 1 0-3-3 3 3 0 0 0 3 3Zm0 2c-2.3 0-7 1.2-7 3.5V19h14v-2.5C15 14.2 10.3 13 8 13Zm8 0c-.3 0-.6 0-1 .1a4.2 4.2 0 0 1 2 3.4V19h6v-2.5c0-2.3-4.7-3.5-7-3.5Z',
  active:
    'M20 4H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2Zm0 4H4V6h16Zm-9 9-4-4 1.4-1.4 2.6 2.6 5.6-5.6L18 10Z',
};

export function Icon({ name }: { name: keyof typeof paths }) {
  return (
    <span class="icon" aria-hidden="true">
      <svg viewBox="0 0 24 24" width="20" height="20" focusable="false" aria-hidden="true">
        <title>icon</title>
        <path d={paths[name]} fill="currentColor" />
      </svg>
    </span>
  );
}
