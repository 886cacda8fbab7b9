/**
 * The query page in headless Chromium: type a query, run it, check the table; switch to
 * the graph, check the chart; make a mistake, check the error points at it. Chromium is
 * driven through the DevTools protocol (see cdp.ts).
 */
import { MemoryStorage } from '@promql-ts/storage-mem';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';
import { type Browser, Cdp, findChromium, launchChromium, Page } from './cdp.js';

let server: RunningServer;
let browser: Browser;
let cdp: Cdp;
let page: Page;
const requested: string[] = [];
const problems: string[] = [];

/** Two jobs' counters over the last 40 minutes, so the page's default times find them. */
function liveStorage(): MemoryStorage {
  const s = new MemoryStorage();
  const end = Math.floor(Date.now() / 15_000) * 15_000;
  const ts = Array.from({ length: 161 }, (_, i) => end - (160 - i) * 15_000);
  const counter = (labels: Record<string, string>, perStep: number) =>
    s.addSeries(
      labels,
      ts,
      Float64Array.from(ts, (_, i) => i * perStep * (1 + 0.2 * Math.sin(i / 9))),
    );
  counter({ __name__: 'http_requests_total', job: 'api', instance: 'a:80' }, 30);
  counter({ __name__: 'http_requests_total', job: 'api', instance: 'b:80' }, 15);
  counter({ __name__: 'http_requests_total', job: 'web', instance: 'w:80' }, 45);
  return s;
}

beforeAll(async () => {
  const binary = findChromium();
  server = await startServer({ storage: liveStorage(), port: 0 });
  browser = await launchChromium(binary);
  cdp = await Cdp.connect(browser.wsUrl);
  page = await Page.open(cdp);
  page.on('Network.requestWillBeSent', (p) => requested.push((p.request as { url: string }).url));
  page.on('Runtime.exceptionThrown', (p) => problems.push(JSON.stringify(p.exceptionDetails)));
  page.on('Runtime.consoleAPICalled', (p) => {
    if (p.type === 'error') problems.push(JSON.stringify(p.args));
  });
}, 600_000);

afterAll(async () => {
  cdp?.close();
  await browser?.close();
  await server?.close();
});

const QUERY = 'sum by (job) (rate(http_requests_total[5m]))';

test('a query in the page: table, chart, and an error pointing at its column', async () => {
  await page.goto(`${server.url}/`);
  // The metric list is filled from the API.
  await page.waitFor(`document.querySelectorAll('#metric option').length === 2`);

  // Type the query and press Enter, as a newcomer would.
  await page.evaluate(`document.getElementById('expr').focus()`);
  await page.type(QUERY);
  await page.press('Enter', 13);
  await page.waitFor(`document.getElementById('status').dataset.state === 'done'`);
  const rows = await page.evaluate<string[][]>(
    `Array.from(document.querySelectorAll('#result-table tbody tr'), (tr) => Array.from(tr.cells, (c) => c.textContent))`,
  );
  expect(rows.map((r) => r[0])).toEqual(['{job="api"}', '{job="web"}']);
  for (const [, value] of rows) expect(Number(value)).toBeGreaterThan(0);
  expect(await page.evaluate<string>(`document.getElementById('expr').value`)).toBe(QUERY);
  expect(await page.evaluate<string>('location.hash')).toContain('tab=table');

  // The graph: one line per job over the default hour.
  await page.evaluate(`document.getElementById('tab-graph').click()`);
  await page.waitFor(
    `document.querySelector('#chart-svg') && document.getElementById('status').dataset.state === 'done'`,
  );
  const chart = await page.evaluate<{
    paths: { d: string; stroke: string }[];
    legend: string[];
    visible: boolean;
  }>(`({
    paths: Array.from(document.querySelectorAll('#chart-svg path.series'), (p) => ({ d: p.getAttribute('d'), stroke: p.getAttribute('stroke') })),
    legend: Array.from(document.querySelectorAll('#legend li'), (li) => li.textContent),
    visible: !document.getElementById('graph-view').hidden && document.getElementById('table-view').hidden,
  })`);
  expect(chart.visible).toBe(true);
  expect(chart.legend).toEqual(['{job="api"}', '{job="web"}']);
  expect(chart.paths).toHaveLength(2);
  expect(new Set(chart.paths.map((p) => p.stroke)).size).toBe(2);
  for (const p of chart.paths) {
    // About 35 minutes of data at the default 14s resolution: a long line, not a dot.
    expect(p.d.split('L').length).toBeGreaterThan(100);
    expect(p.d).toMatch(/^M[\d.]+,[\d.]+L/);
  }
  const box = await page.evaluate<{ w: number; h: number }>(
    `(() => { const r = document.getElementById('chart-svg').getBoundingClientRect(); return { w: r.width, h: r.height }; })()`,
  );
  expect(box.w).toBeGreaterThan(300);
  expect(box.h).toBeGreaterThan(100);
  // The time axis has labels.
  expect(
    await page.evaluate<number>(`document.querySelectorAll('#chart-svg .axis text').length`),
  ).toBeGreaterThan(4);

  // A mistake: the error shows the query line with a caret under the problem.
  await page.evaluate(
    `(() => { const e = document.getElementById('expr'); e.value = ''; e.focus(); })()`,
  );
  await page.type('sum by (job) (rate(http_requests_total[5m])');
  await page.evaluate(`document.getElementById('run').click()`);
  await page.waitFor(`document.getElementById('status').dataset.state === 'error'`);
  const error = await page.evaluate<{ message: string; where: string; hidden: boolean }>(`({
    message: document.querySelector('#error .message').textContent,
    where: document.querySelector('#error .where').textContent,
    hidden: document.getElementById('error').hidden,
  })`);
  expect(error.hidden).toBe(false);
  expect(error.message).toMatch(/^Error: invalid parameter "query": 1:(\d+): parse error: /);
  const column = Number(/1:(\d+):/.exec(error.message)![1]);
  const [line, caret] = error.where.split('\n');
  expect(line).toBe('sum by (job) (rate(http_requests_total[5m])');
  expect(caret).toBe(`${' '.repeat(column - 1)}^`);

  // Everything the page fetched came from this server (data: URLs are Chromium's own
  // icons for the date inputs).
  const fetched = requested.filter((url) => !url.startsWith('data:'));
  expect(fetched.length).toBeGreaterThan(0);
  for (const url of fetched) expect(url.startsWith(server.url), url).toBe(true);
  expect(problems).toEqual([]);
}, 120_000);
