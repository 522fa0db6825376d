// The history's rows as a table: when, what, the change, the balance after, and for calls the
// API, model and request id (copyable). On a phone each row stacks into a small card.
import { useEffect, useRef } from 'react';
import type { UsageRow } from '../../../../contract/api';
import { CopyButton } from '../../components/CopyButton';
import { formatMsat, formatSignedMsat, formatTime } from '../../lib/format';
import { callStatusText, kindLabel, shortEndpoint } from '../../lib/usage';

function Details({ row }: { row: UsageRow }) {
  if (row.kind !== 'call') return row.ref ? <span className="muted small break-anywhere">{row.ref}</span> : null;
  const endpoint = shortEndpoint(row.endpoint, row.api);
  const status = callStatusText(row);
  return (
    <div className="usage-call">
      <span>
        {row.api ? <strong>{row.api}</strong> : null} {row.model ? <code>{row.model}</code> : null}
      </span>
      {endpoint ? <span className="muted small break-anywhere">{endpoint}</span> : null}
      {status ? <span className="muted small">{status}</span> : null}
      {row.request_id ? (
        <span className="usage-request-id">
          <code className="break-anywhere small" data-testid="usage-row-request-id">
            {row.request_id}
          </code>
          <CopyButton text={row.request_id} label="Copy id" className="btn btn-ghost btn-small" />
        </span>
      ) : null}
    </div>
  );
}

/** `focusRow`: the row to move the keyboard focus to once it is there (the first of a page just loaded). */
export function UsageRows({ rows, focusRow = null }: { rows: UsageRow[]; focusRow?: number | null }) {
  const body = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    if (focusRow === null || focusRow >= rows.length) return;
    body.current?.querySelectorAll<HTMLTableRowElement>('tr')[focusRow]?.focus();
  }, [focusRow, rows.length]);
  return (
    <table className="data usage-table">
      <caption className="sr-only">Balance changes, newest first</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">What</th>
          <th scope="col" className="num">
            Change
          </th>
          <th scope="col" className="num">
            Balance after
          </th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody ref={body}>
        {rows.map((r, i) => (
          <tr key={`${r.created_at}-${i}-${r.ref ?? ''}`} data-testid="usage-row" data-kind={r.kind} tabIndex={i === focusRow ? -1 : undefined}>
            <td data-label="When">
              <time dateTime={new Date(r.created_at * 1000).toISOString()}>{formatTime(r.created_at)}</time>
            </td>
            <th scope="row" data-label="What">
              {kindLabel(r.kind)}
            </th>
            <td data-label="Change" className={`num ${r.amount_msat > 0 ? 'credit' : r.amount_msat < 0 ? 'debit' : ''}`} data-testid="usage-row-amount" data-msat={r.amount_msat}>
              {formatSignedMsat(r.amount_msat)}
            </td>
            <td data-label="Balance after" className="num" data-testid="usage-row-balance" data-msat={r.balance_after_msat}>
              {formatMsat(r.balance_after_msat)}
            </td>
            <td data-label="Details" className="usage-details">
              <Details row={r} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
