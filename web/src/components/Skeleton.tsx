// Grey placeholder lines that hold the space of content still loading.
interface SkeletonProps {
  lines?: number;
  /** height of a block instead of lines, e.g. "12rem" */
  height?: string;
  label?: string;
}

export function Skeleton({ lines = 3, height, label = 'Loading…' }: SkeletonProps) {
  return (
    <div className="skeleton" role="status" aria-live="polite">
      <span className="sr-only">{label}</span>
      {height ? (
        <div className="skeleton-block" style={{ height }} aria-hidden="true" />
      ) : (
        Array.from({ length: lines }, (_, i) => <div key={i} className="skeleton-line" aria-hidden="true" />)
      )}
    </div>
  );
}
