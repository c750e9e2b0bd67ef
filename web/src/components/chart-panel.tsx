import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { Chart } from './charts';
import { chartValue, formatMoney, formatNumber, type Money } from '../money';
import { href, navigate } from '../router';

/** One bar or point, and the row of the table beside it: the same array feeds both. */
export interface ChartLine {
  key: string;
  label: string;
  /** Null when the line's figures did not arrive (the table says why, the chart leaves a gap). */
  amount: Money | null;
  expenseCount: number | null;
  /** The drill-down route of the line: [screen, params]. */
  target: [string, Record<string, string | undefined>];
  /** The line itself leaves a missing subsidiary out (a subsidiary's own line does not). */
  partial: boolean;
  note?: string;
}

export interface ChartPanelProps {
  testId: string;
  title: string;
  kind: 'bar' | 'line';
  lines: readonly ChartLine[];
  locale: string;
  currency: string;
  partial: boolean;
  text: { partial: string; line: string; amount: string; records: string; chartLabel: (title: string, kind: 'bar' | 'line') => string; drillHint: string; notAvailable: string; empty: string };
  children?: ComponentChildren;
}

const BAR = '#0b5cad';
const BAR_PARTIAL = '#8a5a00';

function compact(value: number, currency: string, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/**
 * A chart of a report's lines with its accessible alternative: a table whose rows are links to the
 * records behind each line. Clicking a bar (anywhere in its column) opens the same link.
 */
export function ChartPanel(props: ChartPanelProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { lines, kind, locale, currency, partial } = props;

  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: kind,
      data: {
        labels: lines.map((line) => line.label),
        datasets: [
          {
            label: props.title,
            data: lines.map((line) => (line.amount ? chartValue(line.amount) : null)),
            backgroundColor: partial ? BAR_PARTIAL : BAR,
            borderColor: partial ? BAR_PARTIAL : BAR,
            ...(partial ? { borderDash: [6, 4] } : {}),
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: { y: { beginAtZero: true, ticks: { callback: (value) => compact(Number(value), currency, locale) } } },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) => {
                const line = lines[item.dataIndex];
                return line?.amount ? formatMoney(line.amount, locale) : props.text.notAvailable;
              },
            },
          },
        },
        onClick: (event, _elements, target) => {
          if (!event.native) return;
          const [hit] = target.getElementsAtEventForMode(event.native, 'index', { intersect: false }, false);
          const line = hit ? lines[hit.index] : undefined;
          if (line) navigate(...line.target);
        },
        onHover: (event, elements) => {
          const element = event.native?.target;
          if (element instanceof HTMLElement) element.style.cursor = elements.length > 0 ? 'pointer' : 'default';
        },
      },
    });
    return () => chart.destroy();
  }, [lines, kind, locale, currency, partial]);

  return (
    <section class="panel chart-panel" data-testid={props.testId} data-partial={partial ? 'true' : 'false'} aria-labelledby={`${props.testId}-title`}>
      <h2 id={`${props.testId}-title`}>
        {props.title} {partial && <span class="badge partial">{props.text.partial}</span>}
      </h2>
      {props.children}
      <div class="chart-canvas">
        <canvas ref={canvas} role="img" aria-label={props.text.chartLabel(props.title, kind)} />
      </div>
      <table>
        <caption>
          <span class="sr-only">
            {props.title}
            {partial ? ` (${props.text.partial})` : ''}:{' '}
          </span>
          <span class="hint">{props.text.drillHint}</span>
        </caption>
        <thead>
          <tr>
            <th scope="col">{props.text.line}</th>
            <th scope="col" class="amount">
              {props.text.amount}
            </th>
            <th scope="col" class="amount">
              {props.text.records}
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.length === 0 && (
            <tr>
              <td colSpan={3}>{props.text.empty}</td>
            </tr>
          )}
          {lines.map((line) => (
            <tr key={line.key} data-line={line.key}>
              <th scope="row">
                <a href={href(...line.target)}>{line.label}</a>
                {line.note && <span class="hint"> — {line.note}</span>}
              </th>
              <td class="amount">
                {line.amount ? formatMoney(line.amount, locale) : props.text.notAvailable}
                {line.amount && line.partial ? <span class="badge partial">{props.text.partial}</span> : null}
              </td>
              <td class="amount">{line.expenseCount === null ? '—' : formatNumber(line.expenseCount, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
