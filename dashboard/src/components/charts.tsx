// Charts (Chart.js, bundled): the Instant/Standard donut and the series over time. Each canvas has
// a text alternative; the series also have a data table behind a disclosure.
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.color = '#4a5568';

export const COLORS = { instant: '#38a169', standard: '#d69e2e', blue: '#3182ce', purple: '#805ad5', grey: '#718096' };

function useChart<T extends ChartType>(config: ChartConfiguration<T>, deps: unknown[]) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config as ChartConfiguration);
    return () => chart.destroy();
    // Rebuilt when the data changes (deps: the data, serialised).
  }, deps);
  return canvas;
}

export function Donut(props: { label: string; values: Array<{ name: string; value: number; color: string }> }) {
  const canvas = useChart<'doughnut'>(
    {
      type: 'doughnut',
      data: {
        labels: props.values.map((v) => v.name),
        datasets: [
          { data: props.values.map((v) => v.value), backgroundColor: props.values.map((v) => v.color), borderWidth: 0 },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        cutout: '72%',
        animation: false,
        plugins: { legend: { position: 'top', labels: { boxWidth: 10, usePointStyle: true } } },
      },
    },
    [JSON.stringify(props.values)],
  );
  return (
    <div class="chart donut">
      <canvas ref={canvas} role="img" aria-label={props.label} />
    </div>
  );
}

export interface Series {
  label: string;
  values: number[];
  color: string;
  kind?: 'bar' | 'line';
  stack?: string;
}

export function TimeChart(props: { title: string; labels: string[]; series: Series[]; money?: boolean }) {
  const canvas = useChart(
    {
      type: 'bar',
      data: {
        labels: props.labels,
        datasets: props.series.map((s) => ({
          type: s.kind ?? 'bar',
          label: s.label,
          data: s.values,
          backgroundColor: s.color,
          borderColor: s.color,
          borderWidth: s.kind === 'line' ? 2 : 0,
          pointRadius: props.labels.length > 40 ? 0 : 2,
          ...(s.stack ? { stack: s.stack } : {}),
        })) as never,
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { maxTicksLimit: 8 } },
          y: {
            stacked: props.series.some((s) => s.stack),
            beginAtZero: true,
            ticks: props.money ? { callback: (v) => `$${Number(v).toLocaleString('en-US')}` } : { precision: 0 },
          },
        },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, usePointStyle: true } } },
      },
    },
    [JSON.stringify(props.labels), JSON.stringify(props.series)],
  );
  return (
    <figure class="chart-figure">
      <figcaption>{props.title}</figcaption>
      <div class="chart">
        <canvas
          ref={canvas}
          role="img"
          aria-label={`${props.title}: chart; the data table below has the same figures`}
        />
      </div>
      <details>
        <summary>Data table</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Period</th>
                {props.series.map((s) => (
                  <th scope="col" key={s.label}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.labels.map((l, i) => (
                <tr key={l}>
                  <th scope="row">{l}</th>
                  {props.series.map((s) => (
                    <td key={s.label}>{s.values[i]}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
