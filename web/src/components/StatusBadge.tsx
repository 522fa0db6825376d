// A coloured label for a task, quote or invoice status.
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${status.replace(/[^a-z_]/g, '')}`} data-testid="status-badge">
      {status.replace(/_/g, ' ')}
    </span>
  );
}
