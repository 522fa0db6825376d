// Spend per day and per API as stacked bars (uPlot, loaded on demand), with a legend of totals,
// the hovered day's figures, and the same data as a table for screen readers.
import { useEffect, useId, useRef, useState } from 'react';
import { formatMsat } from '../../lib/format';
import { chartSummary, type ChartData } from '../../lib/usageChart';
import type { DrawnChart } from './drawUsageChart';

/** Series colours, bottom of the stack first; readable on the light and the dark background. */
const COLORS = ['#d97706', '#2563eb', '#16a34a', '#9333ea', '#db2777', '#0891b2'];
const OTHER_COLOR = '#8a8378';
const HEIGHT = 220;

export const seriesColor = (data: ChartData, k: number): string =>
  data.series[k]?.key === '(other)' ? OTHER_COLOR : (COLORS[k % COLORS.length] ?? OTHER_COLOR);

export function UsageChart({ data }: { data: ChartData }) {
  const id = useId();
  const boxRef = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  const [hover, setHover] = useState<number | null>(null);

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    let chart: DrawnChart | null = null;
    let cancelled = false;
    let observer: ResizeObserver | null = null;
    import('./drawUsageChart').then(
      ({ drawUsageChart }) => {
        if (cancelled) return;
        const style = getComputedStyle(box);
        chart = drawUsageChart(box, data, {
          width: Math.max(200, box.clientWidth),
          height: HEIGHT,
          colors: data.series.map((_, k) => seriesColor(data, k)),
          text: style.color,
          grid: style.getPropertyValue('--border').trim() || '#dedad3',
          onHover: setHover,
        });
        observer = new ResizeObserver(() => chart?.setWidth(Math.max(200, box.clientWidth)));
        observer.observe(box);
      },
      () => {
        if (!cancelled) setFailed(true);
      },
    );
    return () => {
      cancelled = true;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [data]);

  const summary = chartSummary(data, formatMsat);
  const shown = hover !== null && data.days[hover] !== undefined ? hover : null;
  return (
    <figure className="usage-chart" aria-labelledby={`${id}-cap`} data-testid="usage-chart">
      <figcaption id={`${id}-cap`} className="sr-only">
        {summary}
      </figcaption>
      <ul className="chart-legend" aria-label="Total per API in this range">
        {data.series.map((s, k) => (
          <li key={s.key} data-testid="usage-chart-legend-item">
            <span className="swatch" style={{ background: seriesColor(data, k) }} aria-hidden="true" />
            {s.label} <strong>{formatMsat(s.totalMsat)}</strong>
          </li>
        ))}
        {data.series.length === 0 ? <li className="muted">Nothing spent in this range.</li> : null}
      </ul>
      {/* the canvas says nothing to a screen reader: the caption and the table below do */}
      <div ref={boxRef} className="chart-box" aria-hidden="true" style={{ minHeight: HEIGHT }} data-testid="usage-chart-canvas" />
      {failed ? <p className="muted small">The chart could not be loaded; the figures are in the rows below.</p> : null}
      <p className="muted small chart-readout" aria-hidden="true" data-testid="usage-chart-readout">
        {shown !== null
          ? `${data.days[shown]}: ${formatMsat(data.spentMsat[shown] ?? 0)}${data.series
              .filter((s) => (s.msat[shown] ?? 0) > 0)
              .map((s) => ` · ${s.label} ${formatMsat(s.msat[shown] ?? 0)}`)
              .join('')}`
          : 'Point at a day for its figures. Days are UTC.'}
      </p>
      {/* a table ignores the width and clipping of .sr-only: its wrapper hides it */}
      <div className="sr-only">
        <table data-testid="usage-chart-table">
          <caption>Spend per day (UTC) on the days anything was spent</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {data.series.map((s) => (
                <th scope="col" key={s.key}>
                  {s.label}
                </th>
              ))}
              <th scope="col">All</th>
            </tr>
          </thead>
          <tbody>
            {data.days.map((d, i) =>
              (data.spentMsat[i] ?? 0) > 0 ? (
                <tr key={d}>
                  <th scope="row">{d}</th>
                  {data.series.map((s) => (
                    <td key={s.key}>{formatMsat(s.msat[i] ?? 0)}</td>
                  ))}
                  <td>{formatMsat(data.spentMsat[i] ?? 0)}</td>
                </tr>
              ) : null,
            )}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
