const ICON = { pass: '✓', warn: '!', fail: '✗', skip: '–' } as const;

export function StatusIcon({ status }: { status: keyof typeof ICON }) {
  return (
    <span className={`status-icon st-${status}`} role="img" aria-label={status}>
      {ICON[status]}
    </span>
  );
}
