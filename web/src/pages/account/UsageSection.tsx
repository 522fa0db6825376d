// The token's usage history from the server: spend per day and per API as a chart, then every
// balance change with the balance after it (they add up to the balance now), more on demand, and
// the range as a CSV file.
import { useId, useMemo, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { toApiError, type ApiError } from '../../api/errors';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Skeleton } from '../../components/Skeleton';
import { useAsync } from '../../hooks/useAsync';
import { useCatalog } from '../../hooks/useCatalog';
import { saveBlob } from '../../lib/saveBlob';
import { checkRange, csvFileName, lastDays, sumRows, continuityBreaks, type DateRange } from '../../lib/usage';
import { formatMsat } from '../../lib/format';
import { shapeDaily } from '../../lib/usageChart';
import { UsageChart } from './UsageChart';
import { UsageRows } from './UsageRows';
import { useUsageHistory } from './useUsageHistory';

const PRESETS = [7, 30, 90] as const;

export function UsageSection({ token, version }: { token: string; version: number }) {
  const id = useId();
  const [now] = useState(() => Math.floor(Date.now() / 1000));
  const [range, setRange] = useState<DateRange>(() => lastDays(30, now));
  const [draft, setDraft] = useState<DateRange>(range);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const checked = checkRange(range);
  // the applied range always checked out; the fallback only satisfies the types
  const from = checked.ok ? checked.from : 0;
  const to = checked.ok ? checked.to : now;

  const history = useUsageHistory(token, from, to, version);
  // "Load older rows" may vanish with the last page: the focus moves to the first row it brought
  const [focusRow, setFocusRow] = useState<number | null>(null);
  const daily = useAsync((signal) => api.getDailyUsage(token, { from, to }, signal), [token, from, to, version]);
  const balance = useAsync((signal) => api.getBalance(token, signal), [token, version]);
  const catalog = useCatalog();
  const titles = useMemo(() => Object.fromEntries((catalog.data?.apis ?? []).map((a) => [a.name, a.title])), [catalog.data]);
  const chart = useMemo(() => (daily.data ? shapeDaily(daily.data, from, to, titles) : null), [daily.data, from, to, titles]);

  const [csv, setCsv] = useState<{ busy: boolean; error: ApiError | null }>({ busy: false, error: null });
  const downloadCsv = (): void => {
    setCsv({ busy: true, error: null });
    api.downloadUsageCsv(token, { from, to }).then(
      (blob) => {
        saveBlob(blob, csvFileName(range));
        setCsv({ busy: false, error: null });
      },
      (e: unknown) => setCsv({ busy: false, error: toApiError(e) }),
    );
  };

  const apply = (next: DateRange): void => {
    const c = checkRange(next);
    if (!c.ok) {
      setRangeError(c.message);
      return;
    }
    setRangeError(null);
    setFocusRow(null);
    setDraft(next);
    setRange(next);
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    apply(draft);
  };

  const sum = sumRows(history.rows);
  const breaks = continuityBreaks(history.rows);
  const newest = history.rows[0];
  const rangeIsToday = range.to >= lastDays(1, now).to;
  const nowMsat = balance.data?.balance_msat;
  const matches = newest !== undefined && nowMsat !== undefined && newest.balance_after_msat === nowMsat;

  return (
    <section className="card stack" aria-labelledby={`${id}-h`} data-testid="usage-section">
      <h2 id={`${id}-h`}>Usage history</h2>
      <form className="usage-range" onSubmit={submit} noValidate aria-label="Date range">
        <div className="field">
          <label htmlFor={`${id}-from`}>From (UTC)</label>
          <input id={`${id}-from`} type="date" value={draft.from} max={draft.to} onChange={(e) => setDraft({ ...draft, from: e.target.value })} data-testid="usage-from" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>To (UTC)</label>
          <input id={`${id}-to`} type="date" value={draft.to} min={draft.from} onChange={(e) => setDraft({ ...draft, to: e.target.value })} data-testid="usage-to" />
        </div>
        <button type="submit" className="btn btn-secondary" data-testid="usage-apply">
          Show these dates
        </button>
        <div className="row presets" role="group" aria-label="Quick ranges">
          {PRESETS.map((n) => {
            const r = lastDays(n, now);
            const on = r.from === range.from && r.to === range.to;
            return (
              <button key={n} type="button" className="btn btn-ghost btn-small" aria-pressed={on} onClick={() => apply(r)} data-testid={`usage-preset-${n}`}>
                Last {n} days
              </button>
            );
          })}
        </div>
      </form>
      {rangeError ? (
        <p className="field-error" role="alert" data-testid="usage-range-error">
          {rangeError}
        </p>
      ) : null}

      <h3>Spend per day</h3>
      {daily.error ? <ErrorNotice error={daily.error} title="The totals per day could not be loaded" onRetry={daily.reload} /> : null}
      {chart ? <UsageChart data={chart} /> : daily.error ? null : <Skeleton height="14rem" label="Loading the chart…" />}

      <h3>Every balance change</h3>
      <dl className="facts usage-summary" aria-live="polite">
        <div>
          <dt>Balance now</dt>
          <dd data-testid="usage-balance-now">{nowMsat !== undefined ? formatMsat(nowMsat) : '…'}</dd>
        </div>
        <div>
          <dt>{rangeIsToday ? 'Newest row: balance after' : 'Balance at the end of the range'}</dt>
          <dd data-testid="usage-newest-balance">{newest ? formatMsat(newest.balance_after_msat) : '—'}</dd>
        </div>
      </dl>
      {rangeIsToday && newest && nowMsat !== undefined ? (
        <p className={`notice ${matches ? 'notice-success' : 'notice-warning'}`} data-testid="usage-adds-up" data-ok={matches && breaks.length === 0}>
          {matches
            ? 'The newest row’s balance after is the balance now: every change is listed.'
            : 'The balance changed since these rows were read — refresh to see the newest.'}
        </p>
      ) : null}
      {breaks.length > 0 ? (
        <p className="notice notice-warning" data-testid="usage-gap">
          {breaks.length === 1 ? 'One row does' : `${breaks.length} rows do`} not follow from the row below: refresh to read them again.
        </p>
      ) : null}

      {history.error ? <ErrorNotice error={history.error} title="The usage history could not be loaded" onRetry={history.reload} /> : null}
      {history.loading ? <Skeleton lines={4} label="Loading the usage history…" /> : null}
      {!history.loading && !history.error && history.rows.length === 0 ? <p className="muted">No balance changes in this range.</p> : null}
      {!history.loading && history.rows.length > 0 ? <UsageRows rows={history.rows} focusRow={focusRow} /> : null}
      {sum && !history.loading ? (
        <p className="small usage-sum" data-testid="usage-sum">
          {formatMsat(sum.startMsat)} before the oldest row shown, {sum.changeMsat >= 0 ? '+' : '−'} {formatMsat(Math.abs(sum.changeMsat))} in the rows
          shown = {formatMsat(sum.endMsat)}.
        </p>
      ) : null}

      <div className="row">
        {history.nextCursor && !history.loading ? (
          <button type="button" className="btn btn-secondary" onClick={() => {
              setFocusRow(history.rows.length);
              history.loadMore();
            }}
            disabled={history.loadingMore} data-testid="usage-load-more">
            {history.loadingMore ? 'Loading…' : 'Load older rows'}
          </button>
        ) : null}
        <button type="button" className="btn btn-secondary" onClick={downloadCsv} disabled={csv.busy} data-testid="usage-csv-button">
          {csv.busy ? 'Preparing the CSV…' : 'Download CSV'}
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => {
            setFocusRow(null);
            history.reload();
            daily.reload();
            balance.reload();
          }}
          data-testid="usage-refresh"
        >
          Refresh the history
        </button>
      </div>
      {csv.error ? <ErrorNotice error={csv.error} title="The CSV could not be downloaded" testId="usage-csv-error" /> : null}
      <p className="muted small">Amounts are exact to the millisatoshi (1 sat = 1,000 msat). Days are UTC days; times are shown in your time zone.</p>
    </section>
  );
}
