import { BarController, BarElement, CategoryScale, Chart, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';

/** Only what the dashboard draws (bars, a line, their two scales, tooltips): the rest of Chart.js is tree-shaken away. */
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip);
Chart.defaults.animation = false;
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.color = '#1b1f24';

declare global {
  interface Window {
    /** The chart drawn on a canvas (Chart.getChart), for browser tests and debugging. */
    csrChartOf?: (canvas: HTMLCanvasElement) => Chart | undefined;
  }
}
window.csrChartOf = (canvas) => Chart.getChart(canvas);

export { Chart };
