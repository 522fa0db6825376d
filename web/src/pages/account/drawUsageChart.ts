// Draws the spend-per-day chart with uPlot: stacked bars, one colour per API. Loaded on demand
// (a dynamic import) so that uPlot and its CSS stay out of the first page load.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { stackTops, type ChartData } from '../../lib/usageChart';

export interface DrawnChart {
  setWidth(width: number): void;
  destroy(): void;
}

export interface DrawOptions {
  width: number;
  height: number;
  /** one colour per series, bottom of the stack first */
  colors: string[];
  /** text colour for the axes, border colour for the grid (read from the page's CSS) */
  text: string;
  grid: string;
  /** the day under the pointer, or null when it leaves */
  onHover: (index: number | null) => void;
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const dayFormat = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const HALF_DAY = 43_200;

export function drawUsageChart(target: HTMLElement, data: ChartData, o: DrawOptions): DrawnChart {
  const tops = stackTops(data);
  const bars = uPlot.paths.bars?.({ size: [0.7, 48], gap: 1 });
  // the highest top first: each lower segment is drawn over the one above it
  const order = data.series.map((_, k) => k).reverse();
  const opts: uPlot.Options = {
    width: o.width,
    height: o.height,
    legend: { show: false },
    // days are UTC days, as the totals count them
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    cursor: { y: false, drag: { x: false, y: false }, points: { show: false } },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    scales: {
      x: { time: true, range: (_u, min, max) => [min - HALF_DAY, max + HALF_DAY] },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      {
        stroke: o.text,
        grid: { show: false },
        ticks: { stroke: o.grid },
        values: (_u, splits) => splits.map((t) => dayFormat.format(new Date(t * 1000))),
      },
      {
        stroke: o.text,
        grid: { stroke: o.grid, width: 1 },
        ticks: { stroke: o.grid },
        size: 56,
        label: 'sats',
        labelSize: 18,
        values: (_u, splits) => splits.map((v) => numberFormat.format(v)),
      },
    ],
    series: [
      {},
      ...order.map((k) => ({
        label: data.series[k]!.label,
        fill: o.colors[k],
        stroke: o.colors[k],
        width: 0,
        paths: bars,
        points: { show: false },
      })),
    ],
    hooks: {
      setCursor: [(u) => o.onHover(u.cursor.idx ?? null)],
    },
  };
  const chart = new uPlot(opts, [data.x, ...order.map((k) => tops[k]!)], target);
  return {
    setWidth: (width) => chart.setSize({ width, height: o.height }),
    destroy: () => chart.destroy(),
  };
}
