/**
 * The query page served at `/`: a query box, a Table (instant query) / Graph (range query)
 * toggle with its time controls, a table of instant results and an SVG line chart of range
 * results; errors are shown with the query line and a caret under the error's column.
 *
 * One self-contained HTML document: no framework and no request beyond this server's own
 * API. The page's script is the {@link client} function below, written in TypeScript (so it
 * is type-checked) and embedded as its source text; it must not refer to anything outside
 * itself.
 *
 * The page keeps its state in the URL fragment (`#expr=…&tab=graph&range=1h`), so a link
 * reproduces a query, and it runs a query found there when it opens.
 */

const STYLE = `
:root { --fg:#1f2328; --muted:#656d76; --line:#d0d7de; --bg:#fff; --panel:#f6f8fa; --accent:#0969da; --err:#cf222e; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin:0; font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; align-items:baseline; gap:12px; padding:10px 16px; border-bottom:1px solid var(--line); background:var(--panel); }
header h1 { font-size:17px; margin:0; }
header .sub { color:var(--muted); }
header nav { margin-left:auto; display:flex; gap:12px; }
header a { color:var(--accent); text-decoration:none; }
main { padding:12px 16px; max-width:1400px; }
#query-form { display:flex; gap:8px; align-items:stretch; }
#expr { flex:1; font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; padding:6px 8px; border:1px solid var(--line); border-radius:6px; resize:vertical; min-height:38px; }
#expr:focus { outline:2px solid var(--accent); outline-offset:-1px; }
button { font:inherit; padding:6px 14px; border:1px solid var(--line); border-radius:6px; background:var(--panel); cursor:pointer; }
button.primary { background:var(--accent); color:#fff; border-color:var(--accent); }
.controls { display:flex; flex-wrap:wrap; gap:10px 16px; align-items:center; margin:10px 0; }
.tabs { display:flex; }
.tabs button { border-radius:0; }
.tabs button:first-child { border-radius:6px 0 0 6px; }
.tabs button:last-child { border-radius:0 6px 6px 0; border-left:none; }
.tabs button.active { background:var(--fg); color:#fff; border-color:var(--fg); }
.controls label { color:var(--muted); display:flex; gap:6px; align-items:center; }
.controls input, .controls select { font:inherit; padding:3px 6px; border:1px solid var(--line); border-radius:6px; }
#step { width:80px; }
#status { color:var(--muted); min-height:20px; margin:4px 0 8px; }
#error { border:1px solid var(--err); border-radius:6px; padding:8px 10px; color:var(--err); background:#ffebe9; margin-bottom:10px; }
#error pre { margin:6px 0 0; color:var(--fg); font:13px/1.4 ui-monospace,Menlo,Consolas,monospace; white-space:pre; overflow-x:auto; }
#warnings { border:1px solid #d4a72c; border-radius:6px; padding:6px 10px; background:#fff8c5; margin-bottom:10px; white-space:pre-wrap; }
table { border-collapse:collapse; width:100%; font:13px/1.4 ui-monospace,Menlo,Consolas,monospace; }
th, td { text-align:left; padding:4px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:var(--panel); font-family:system-ui,sans-serif; }
td.value { text-align:right; white-space:nowrap; width:1%; }
#chart { position:relative; border:1px solid var(--line); border-radius:6px; padding:4px; }
#chart svg { display:block; width:100%; height:auto; font:11px system-ui,sans-serif; }
#chart .axis line, #chart .grid line { stroke:var(--line); }
#chart .axis text { fill:var(--muted); }
#chart path.series { fill:none; stroke-width:1.5; }
#tooltip { position:absolute; pointer-events:none; background:rgba(31,35,40,.92); color:#fff; padding:6px 8px; border-radius:6px; font:12px ui-monospace,Menlo,monospace; white-space:pre; display:none; max-width:640px; overflow:hidden; }
#legend { list-style:none; padding:0; margin:8px 0; font:12px/1.6 ui-monospace,Menlo,Consolas,monospace; }
#legend li { display:flex; gap:8px; align-items:center; }
#legend .swatch { width:12px; height:3px; flex:none; }
.hint { color:var(--muted); font-size:12px; }
`;

const BODY = `
<header>
  <h1>promql-ts</h1><span class="sub">PromQL over the Prometheus HTTP API</span>
  <nav><a href="api/v1/status/buildinfo">buildinfo</a><a href="api/v1/metadata">metadata</a></nav>
</header>
<main>
  <form id="query-form">
    <textarea id="expr" rows="2" spellcheck="false" autocomplete="off" aria-label="Expression"
      placeholder="Expression, e.g. sum by (job) (rate(http_requests_total[5m]))"></textarea>
    <button id="run" class="primary" type="submit">Execute</button>
  </form>
  <div class="controls">
    <div class="tabs" role="tablist">
      <button id="tab-table" type="button" role="tab" class="active" aria-selected="true">Table</button>
      <button id="tab-graph" type="button" role="tab" aria-selected="false">Graph</button>
    </div>
    <label id="time-control">Evaluation time <input id="time" type="datetime-local" step="1"></label>
    <label class="range-control" hidden>Range <select id="range">
      <option>5m</option><option>15m</option><option>30m</option><option selected>1h</option>
      <option>3h</option><option>6h</option><option>12h</option><option>1d</option><option>2d</option><option>1w</option>
    </select></label>
    <label class="range-control" hidden>End <input id="end" type="datetime-local" step="1"></label>
    <label class="range-control" hidden>Step <input id="step" placeholder="auto" spellcheck="false"></label>
    <label>Metric <select id="metric"><option value="">insert a metric name…</option></select></label>
    <span class="hint">Enter runs the query, Shift+Enter adds a line. Empty times mean now.</span>
  </div>
  <div id="status" data-state="idle"></div>
  <div id="error" hidden><div class="message"></div><pre class="where"></pre></div>
  <div id="warnings" hidden></div>
  <div id="table-view">
    <table id="result-table"><thead><tr><th>Series</th><th>Value</th></tr></thead><tbody></tbody></table>
  </div>
  <div id="graph-view" hidden>
    <div id="chart"><div id="tooltip"></div></div>
    <ul id="legend"></ul>
  </div>
</main>
`;

/** A series of a range result as the API returns it. */
interface ApiSeries {
  metric: Record<string, string>;
  values?: [number, string][];
  value?: [number, string];
}

/** The page's script. Runs in the browser; self-contained. */
function client(): void {
  const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const exprBox = $<HTMLTextAreaElement>('expr');
  const form = $<HTMLFormElement>('query-form');
  const tabTable = $<HTMLButtonElement>('tab-table');
  const tabGraph = $<HTMLButtonElement>('tab-graph');
  const timeInput = $<HTMLInputElement>('time');
  const rangeSelect = $<HTMLSelectElement>('range');
  const endInput = $<HTMLInputElement>('end');
  const stepInput = $<HTMLInputElement>('step');
  const metricSelect = $<HTMLSelectElement>('metric');
  const statusBox = $<HTMLDivElement>('status');
  const errorBox = $<HTMLDivElement>('error');
  const warningsBox = $<HTMLDivElement>('warnings');
  const tableView = $<HTMLDivElement>('table-view');
  const tbody = $<HTMLTableElement>('result-table').tBodies[0]!;
  const graphView = $<HTMLDivElement>('graph-view');
  const chart = $<HTMLDivElement>('chart');
  const tooltip = $<HTMLDivElement>('tooltip');
  const legend = $<HTMLUListElement>('legend');
  const SVG = 'http://www.w3.org/2000/svg';
  const COLORS = [
    '#0969da',
    '#cf222e',
    '#1a7f37',
    '#8250df',
    '#bc4c00',
    '#0598bc',
    '#bf3989',
    '#4d2d00',
    '#6e7781',
    '#9a6700',
  ];
  let tab: 'table' | 'graph' = 'table';
  let seq = 0;

  // === Durations and times ===

  const UNITS: Record<string, number> = {
    ms: 0.001,
    s: 1,
    m: 60,
    h: 3600,
    d: 86400,
    w: 604800,
    y: 31536000,
  };
  /** Seconds of `15`, `0.5`, `1m30s`; NaN when invalid. */
  function parseSeconds(s: string): number {
    const t = s.trim();
    if (t === '') return Number.NaN;
    if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
    const re = /(\d+)(ms|s|m|h|d|w|y)/g;
    let total = 0;
    let used = 0;
    for (let m = re.exec(t); m !== null; m = re.exec(t)) {
      total += Number(m[1]) * UNITS[m[2]!]!;
      used += m[0].length;
    }
    return used === t.length ? total : Number.NaN;
  }
  /** `datetime-local` value (local time) → seconds; null when empty. */
  function inputSeconds(input: HTMLInputElement): number | null {
    if (input.value === '') return null;
    const ms = new Date(input.value).getTime();
    return Number.isFinite(ms) ? ms / 1000 : null;
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  function formatTime(sec: number, withDate: boolean): string {
    const d = new Date(sec * 1000);
    const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}` : hm;
  }
  function formatFull(sec: number): string {
    const d = new Date(sec * 1000);
    return `${formatTime(sec, true)}:${pad(d.getSeconds())}`;
  }

  // === Labels and values ===

  function seriesName(metric: Record<string, string>): string {
    const name = metric.__name__ ?? '';
    const labels = Object.keys(metric)
      .filter((k) => k !== '__name__')
      .sort()
      .map((k) => `${k}=${JSON.stringify(metric[k])}`);
    if (labels.length === 0) return name === '' ? '{}' : name;
    return `${name}{${labels.join(', ')}}`;
  }
  function formatValue(v: number): string {
    if (!Number.isFinite(v)) return String(v);
    if (v === 0) return '0';
    const a = Math.abs(v);
    if (a >= 1e6 || a < 1e-3) return v.toExponential(2);
    return String(Number(v.toPrecision(4)));
  }

  // === State in the URL fragment ===

  function saveHash(): void {
    const p = new URLSearchParams();
    p.set('expr', exprBox.value);
    p.set('tab', tab);
    if (timeInput.value !== '') p.set('time', timeInput.value);
    p.set('range', rangeSelect.value);
    if (endInput.value !== '') p.set('end', endInput.value);
    if (stepInput.value !== '') p.set('step', stepInput.value);
    history.replaceState(null, '', `#${p.toString()}`);
  }
  function loadHash(): boolean {
    const p = new URLSearchParams(location.hash.slice(1));
    exprBox.value = p.get('expr') ?? '';
    setTab(p.get('tab') === 'graph' ? 'graph' : 'table');
    timeInput.value = p.get('time') ?? '';
    const range = p.get('range');
    if (range !== null) {
      if (!Array.from(rangeSelect.options).some((o) => o.value === range)) {
        rangeSelect.add(new Option(range, range));
      }
      rangeSelect.value = range;
    }
    endInput.value = p.get('end') ?? '';
    stepInput.value = p.get('step') ?? '';
    return exprBox.value.trim() !== '';
  }

  function setTab(next: 'table' | 'graph'): void {
    tab = next;
    tabTable.classList.toggle('active', next === 'table');
    tabGraph.classList.toggle('active', next === 'graph');
    tabTable.setAttribute('aria-selected', String(next === 'table'));
    tabGraph.setAttribute('aria-selected', String(next === 'graph'));
    $('time-control').hidden = next !== 'table';
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('.range-control'))) {
      el.hidden = next !== 'graph';
    }
    tableView.hidden = next !== 'table';
    graphView.hidden = next !== 'graph';
  }

  // === Errors ===

  function showError(message: string): void {
    errorBox.hidden = false;
    (errorBox.querySelector('.message') as HTMLElement).textContent = `Error: ${message}`;
    const where = errorBox.querySelector('.where') as HTMLElement;
    const pos = /(\d+):(\d+): parse error/.exec(message);
    if (pos === null) {
      where.hidden = true;
      where.textContent = '';
      return;
    }
    const line = Number(pos[1]);
    const column = Number(pos[2]);
    const text = exprBox.value.split('\n')[line - 1] ?? '';
    where.hidden = false;
    where.textContent = `${text}\n${' '.repeat(Math.max(0, column - 1))}^`;
    // Put the cursor where the error is.
    let offset = 0;
    const lines = exprBox.value.split('\n');
    for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i]!.length + 1;
    exprBox.setSelectionRange(offset + column - 1, offset + column - 1);
  }
  /** Drops the results of the previous query. */
  function clearResults(): void {
    tbody.textContent = '';
    for (const old of Array.from(chart.querySelectorAll('svg'))) old.remove();
    legend.textContent = '';
    tooltip.style.display = 'none';
  }
  /** The query box grows with its lines (up to 12). */
  function fitBox(): void {
    exprBox.rows = Math.min(12, Math.max(2, exprBox.value.split('\n').length));
  }
  function clearMessages(): void {
    errorBox.hidden = true;
    warningsBox.hidden = true;
    warningsBox.textContent = '';
  }

  // === Querying ===

  async function post(path: string, params: Record<string, string>): Promise<unknown> {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      return { status: 'error', error: `HTTP ${res.status}: ${text.slice(0, 200)}` };
    }
  }

  async function run(): Promise<void> {
    const expr = exprBox.value;
    saveHash();
    clearMessages();
    if (expr.trim() === '') return;
    const id = ++seq;
    statusBox.dataset.state = 'loading';
    statusBox.textContent = 'Loading…';
    const began = performance.now();
    let params: Record<string, string>;
    let path: string;
    let rangeInfo: { start: number; end: number; step: number } | null = null;
    if (tab === 'table') {
      path = 'api/v1/query';
      params = { query: expr };
      const t = inputSeconds(timeInput);
      if (t !== null) params.time = String(t);
    } else {
      const range = parseSeconds(rangeSelect.value) || 3600;
      const end = inputSeconds(endInput) ?? Math.floor(Date.now() / 1000);
      const start = end - range;
      let step = parseSeconds(stepInput.value);
      if (!(step > 0)) step = Math.max(Math.floor(range / 250), 1);
      rangeInfo = { start, end, step };
      path = 'api/v1/query_range';
      params = { query: expr, start: String(start), end: String(end), step: String(step) };
    }
    let body: {
      status?: string;
      error?: string;
      data?: { resultType: string; result: unknown };
      warnings?: string[];
      infos?: string[];
    };
    try {
      body = (await post(path, params)) as typeof body;
    } catch (e) {
      body = { status: 'error', error: String(e) };
    }
    if (id !== seq) return;
    const ms = Math.round(performance.now() - began);
    if (body.status !== 'success' || body.data === undefined) {
      statusBox.dataset.state = 'error';
      statusBox.textContent = `Load time: ${ms}ms`;
      clearResults();
      showError(body.error ?? 'unknown error');
      return;
    }
    const notes = [...(body.warnings ?? []), ...(body.infos ?? [])];
    if (notes.length > 0) {
      warningsBox.hidden = false;
      warningsBox.textContent = notes.join('\n');
    }
    const data = body.data;
    let count = 0;
    if (rangeInfo !== null && data.resultType === 'matrix') {
      count = drawChart(data.result as ApiSeries[], rangeInfo);
    } else {
      count = fillTable(data.resultType, data.result);
    }
    statusBox.dataset.state = 'done';
    statusBox.textContent = `Load time: ${ms}ms · Result series: ${count}`;
  }

  // === Table ===

  function fillTable(type: string, result: unknown): number {
    tbody.textContent = '';
    const row = (label: string, value: string) => {
      const tr = tbody.insertRow();
      const a = tr.insertCell();
      a.textContent = label;
      const b = tr.insertCell();
      b.className = 'value';
      b.textContent = value;
    };
    if (type === 'vector') {
      const list = result as ApiSeries[];
      for (const s of list) row(seriesName(s.metric), s.value![1]);
      if (list.length === 0) row('Empty query result', '');
      return list.length;
    }
    if (type === 'matrix') {
      const list = result as ApiSeries[];
      for (const s of list) {
        row(seriesName(s.metric), (s.values ?? []).map(([t, v]) => `${v} @${t}`).join('\n'));
      }
      if (list.length === 0) row('Empty query result', '');
      return list.length;
    }
    const [, v] = result as [number, string];
    row(type, v);
    return 1;
  }

  // === Chart ===

  /** About `n` round tick values covering [lo, hi]. */
  function ticks(lo: number, hi: number, n: number): number[] {
    const span = hi - lo;
    const raw = span / n;
    const mag = 10 ** Math.floor(Math.log10(raw));
    const norm = raw / mag;
    const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
    const out: number[] = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
      out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    return out;
  }
  const TIME_STEPS = [
    15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
  ];

  function el(name: string, attrs: Record<string, string | number>, parent: Element): SVGElement {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    parent.appendChild(e);
    return e;
  }

  function drawChart(
    list: ApiSeries[],
    range: { start: number; end: number; step: number },
  ): number {
    for (const old of Array.from(chart.querySelectorAll('svg'))) old.remove();
    legend.textContent = '';
    const width = Math.max(400, chart.clientWidth - 10 || 900);
    const height = 340;
    const left = 64;
    const right = 16;
    const top = 10;
    const bottom = 26;
    const series = list.map((s) => ({
      name: seriesName(s.metric),
      points: (s.values ?? []).map(([t, v]) => [t, Number(v)] as [number, number]),
    }));
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const s of series) {
      for (const [, v] of s.points) {
        if (!Number.isFinite(v)) continue;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!Number.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    if (lo === hi) {
      const pad2 = Math.abs(lo) * 0.1 || 1;
      lo -= pad2;
      hi += pad2;
    }
    const yTicks = ticks(lo, hi, 5);
    lo = Math.min(lo, yTicks[0] ?? lo);
    hi = Math.max(hi, yTicks[yTicks.length - 1] ?? hi);
    const x = (t: number) =>
      left + ((t - range.start) / (range.end - range.start || 1)) * (width - left - right);
    const y = (v: number) => top + (1 - (v - lo) / (hi - lo)) * (height - top - bottom);
    const svg = el(
      'svg',
      { id: 'chart-svg', viewBox: `0 0 ${width} ${height}`, width, height },
      chart,
    );
    const grid = el('g', { class: 'grid' }, svg);
    const axis = el('g', { class: 'axis' }, svg);
    for (const v of yTicks) {
      el('line', { x1: left, x2: width - right, y1: y(v), y2: y(v) }, grid);
      const label = el('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end' }, axis);
      label.textContent = formatValue(v);
    }
    const span = range.end - range.start;
    const timeStep = TIME_STEPS.find((s) => span / s <= 8) ?? 604800;
    const withDate = span > 86400;
    for (let t = Math.ceil(range.start / timeStep) * timeStep; t <= range.end; t += timeStep) {
      el('line', { x1: x(t), x2: x(t), y1: top, y2: height - bottom }, grid);
      const label = el('text', { x: x(t), y: height - 8, 'text-anchor': 'middle' }, axis);
      label.textContent = formatTime(t, withDate);
    }
    el('line', { x1: left, x2: width - right, y1: height - bottom, y2: height - bottom }, axis);
    series.forEach((s, i) => {
      const color = COLORS[i % COLORS.length]!;
      let d = '';
      let prev = Number.NaN;
      for (const [t, v] of s.points) {
        if (!Number.isFinite(v)) {
          prev = Number.NaN;
          continue;
        }
        // A gap longer than a step is drawn as a gap.
        const jump = Number.isNaN(prev) || t - prev > range.step * 1.5;
        d += `${jump ? 'M' : 'L'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
        prev = t;
      }
      if (s.points.length === 1) d += 'h1';
      el('path', { class: 'series', d, stroke: color, 'data-series': i }, svg);
      const li = document.createElement('li');
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = color;
      li.append(sw, document.createTextNode(s.name));
      legend.appendChild(li);
    });
    const cursor = el(
      'line',
      { y1: top, y2: height - bottom, stroke: '#6e7781', visibility: 'hidden' },
      svg,
    );
    svg.addEventListener('mousemove', (ev) => {
      const box = svg.getBoundingClientRect();
      const px = ((ev.clientX - box.left) / box.width) * width;
      const t = range.start + ((px - left) / (width - left - right)) * span;
      const snapped = range.start + Math.round((t - range.start) / range.step) * range.step;
      if (snapped < range.start || snapped > range.end) return;
      cursor.setAttribute('x1', String(x(snapped)));
      cursor.setAttribute('x2', String(x(snapped)));
      cursor.setAttribute('visibility', 'visible');
      const lines = [formatFull(snapped)];
      series.forEach((s) => {
        const p = s.points.find(([pt]) => Math.abs(pt - snapped) < range.step / 2);
        if (p !== undefined && lines.length <= 12) lines.push(`${formatValue(p[1])}  ${s.name}`);
      });
      tooltip.textContent = lines.join('\n');
      tooltip.style.display = 'block';
      tooltip.style.left = `${Math.min(ev.clientX - chart.getBoundingClientRect().left + 12, chart.clientWidth - 260)}px`;
      tooltip.style.top = `${ev.clientY - chart.getBoundingClientRect().top + 12}px`;
    });
    svg.addEventListener('mouseleave', () => {
      tooltip.style.display = 'none';
      cursor.setAttribute('visibility', 'hidden');
    });
    return series.length;
  }

  // === Wiring ===

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void run();
  });
  exprBox.addEventListener('input', fitBox);
  exprBox.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      void run();
    }
  });
  tabTable.addEventListener('click', () => {
    setTab('table');
    void run();
  });
  tabGraph.addEventListener('click', () => {
    setTab('graph');
    void run();
  });
  for (const input of [timeInput, rangeSelect, endInput, stepInput]) {
    input.addEventListener('change', () => void run());
  }
  metricSelect.addEventListener('change', () => {
    const name = metricSelect.value;
    metricSelect.value = '';
    if (name === '') return;
    const at = exprBox.selectionStart ?? exprBox.value.length;
    exprBox.setRangeText(name, at, exprBox.selectionEnd ?? at, 'end');
    exprBox.focus();
  });
  void fetch('api/v1/label/__name__/values')
    .then((r) => r.json())
    .then((body: { data?: string[] }) => {
      for (const name of body.data ?? []) metricSelect.add(new Option(name, name));
    })
    .catch(() => {});
  const hasQuery = loadHash();
  fitBox();
  if (hasQuery) void run();
  else exprBox.focus();
}

/** The query page's HTML. */
export function renderPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>promql-ts</title>
<style>${STYLE}</style>
</head>
<body>${BODY}
<script>(${client.toString()})();</script>
</body>
</html>
`;
}
