/**
 * Just enough of a Chrome DevTools Protocol client for the browser test: starts Debian's
 * headless Chromium (bound to 127.0.0.1, stopped by its PID), and speaks the protocol over
 * a minimal WebSocket client built on `node:http` (Node 20 has no global WebSocket).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const INSTALL_SCRIPT = fileURLToPath(
  new URL('../../../scripts/chromium/install.sh', import.meta.url),
);

const HOW_TO_INSTALL =
  'The browser test needs Chromium. Install it with `bash scripts/chromium/install.sh` ' +
  '(as root; on Debian it runs `apt-get install -y chromium`), or point CHROMIUM_PATH at a ' +
  'Chromium or Chrome binary.';

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir !== '' && existsSync(p)) return p;
  }
  return null;
}

/**
 * The Chromium binary: `CHROMIUM_PATH`, else `chromium` (Debian) or another usual name on
 * the PATH. When none is found, runs the project's install script once.
 *
 * @throws Error saying how to install Chromium when it is missing and cannot be installed.
 */
export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist. ${HOW_TO_INSTALL}`);
  }
  const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  const found = () => names.map(onPath).find((p) => p !== null) ?? null;
  let path = found();
  if (path !== null) return path;
  try {
    execFileSync('bash', [INSTALL_SCRIPT], { stdio: 'pipe', timeout: 600_000 });
  } catch (e) {
    const detail = (e as { stderr?: Buffer }).stderr?.toString().trim() ?? String(e);
    throw new Error(
      `Chromium is not installed and could not be installed (${detail}). ${HOW_TO_INSTALL}`,
    );
  }
  path = found();
  if (path === null)
    throw new Error(`Chromium is still missing after the install script. ${HOW_TO_INSTALL}`);
  return path;
}

/** A headless Chromium process. */
export interface Browser {
  readonly process: ChildProcess;
  /** The browser-level DevTools WebSocket URL. */
  readonly wsUrl: string;
  /** Kills the process (by its PID) and removes its profile directory. */
  close(): Promise<void>;
}

/** Starts headless Chromium with remote debugging on 127.0.0.1 and a throwaway profile. */
export async function launchChromium(binary: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'promql-ts-chromium-'));
  const child = spawn(
    binary,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-extensions',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      '--mute-audio',
      '--window-size=1200,900',
      '--remote-debugging-address=127.0.0.1',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    // Its own process group, so that stopping it stops its renderer processes too.
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TZ: 'UTC' }, detached: true },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        process.kill(child.pid, 'SIGKILL');
      }
      await exited;
    }
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
  try {
    const wsUrl = await new Promise<string>((resolveUrl, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${log}`)), 30_000);
      child.stderr!.on('data', (d: Buffer) => {
        log += d.toString();
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(log);
        if (m !== null) {
          clearTimeout(timer);
          resolveUrl(m[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Chromium exited with ${code}:\n${log}`));
      });
    });
    child.stderr!.resume();
    return { process: child, wsUrl, close };
  } catch (e) {
    await close();
    throw e;
  }
}

type Listener = (params: Record<string, unknown>, sessionId: string | undefined) => void;

/** A DevTools Protocol connection over a WebSocket. */
export class Cdp {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private readonly listeners = new Map<string, Listener[]>();
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.receive(d));
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('DevTools connection closed'));
      this.pending.clear();
    });
  }

  /** Opens a WebSocket to `wsUrl` (RFC 6455 handshake over `node:http`). */
  static connect(wsUrl: string): Promise<Cdp> {
    const url = new URL(wsUrl);
    return new Promise((resolveConn, reject) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        },
      });
      req.on('upgrade', (_res, socket, head) => {
        const cdp = new Cdp(socket);
        if (head.length > 0) cdp.receive(head);
        resolveConn(cdp);
      });
      req.on('response', (res) =>
        reject(new Error(`WebSocket upgrade refused: ${res.statusCode}`)),
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** Sends a command (to a page when `sessionId` is given) and resolves to its result. */
  send<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<T> {
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise<T>((resolveCmd, reject) => {
      this.pending.set(id, { resolve: resolveCmd as (v: unknown) => void, reject });
      this.write(0x1, Buffer.from(message));
    });
  }

  /** Calls `listener` for every event `method`. */
  on(method: string, listener: Listener): void {
    const list = this.listeners.get(method) ?? [];
    list.push(listener);
    this.listeners.set(method, list);
  }

  close(): void {
    this.socket.destroy();
  }

  /** Writes one masked frame (clients must mask). */
  private write(opcode: number, payload: Buffer): void {
    const mask = randomBytes(4);
    const n = payload.length;
    const header =
      n < 126
        ? Buffer.from([0x80 | opcode, 0x80 | n])
        : n < 65536
          ? Buffer.from([0x80 | opcode, 0x80 | 126, n >> 8, n & 0xff])
          : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), bigLength(n)]);
    const body = Buffer.alloc(n);
    for (let i = 0; i < n; i++) body[i] = payload[i]! ^ mask[i % 4]!;
    this.socket.write(Buffer.concat([header, mask, body]));
  }

  private receive(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const fin = (this.buffer[0]! & 0x80) !== 0;
      const opcode = this.buffer[0]! & 0x0f;
      let length = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const payload = this.buffer.subarray(offset, offset + length);
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === 0x9) this.write(0xa, Buffer.from(payload));
      else if (opcode === 0x8) this.socket.end();
      else if (opcode === 0x1 || opcode === 0x0) {
        this.fragments.push(Buffer.from(payload));
        if (fin) {
          const text = Buffer.concat(this.fragments).toString('utf8');
          this.fragments = [];
          this.dispatch(JSON.parse(text));
        }
      }
    }
  }

  private dispatch(msg: {
    id?: number;
    result?: unknown;
    error?: { message: string };
    method?: string;
    params?: Record<string, unknown>;
    sessionId?: string;
  }): void {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error !== undefined) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result);
      return;
    }
    for (const l of this.listeners.get(msg.method ?? '') ?? []) l(msg.params ?? {}, msg.sessionId);
  }
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** A page (tab) of the browser, attached with a flat session. */
export class Page {
  private constructor(
    private readonly cdp: Cdp,
    private readonly sessionId: string,
  ) {}

  static async open(cdp: Cdp): Promise<Page> {
    const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', {
      url: 'about:blank',
    });
    const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', {
      targetId,
      flatten: true,
    });
    const page = new Page(cdp, sessionId);
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    await page.send('Network.enable');
    return page;
  }

  send<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> = {},
  ): Promise<T> {
    return this.cdp.send<T>(method, params, this.sessionId);
  }

  /** Calls `listener` for the page's `method` events. */
  on(method: string, listener: (params: Record<string, unknown>) => void): void {
    this.cdp.on(method, (params, sessionId) => {
      if (sessionId === this.sessionId) listener(params);
    });
  }

  /** Evaluates `expression` in the page and returns its (JSON) value. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send<{
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails !== undefined) {
      throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
    }
    return r.result.value as T;
  }

  /** Waits until `expression` is truthy in the page. */
  async waitFor(expression: string, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (await this.evaluate<boolean>(`Boolean(${expression})`)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${expression}`);
  }

  /** Navigates and waits for the document to be complete. */
  async goto(url: string): Promise<void> {
    await this.send('Page.navigate', { url });
    await this.waitFor(
      `location.href.startsWith(${JSON.stringify(url.split('#')[0])}) && document.readyState === 'complete'`,
    );
  }

  /** Types text at the focus, as a user would. */
  async type(text: string): Promise<void> {
    await this.send('Input.insertText', { text });
  }

  /** Presses a key (Enter, Tab…). */
  async press(key: string, code: number): Promise<void> {
    const common = { key, code: key, windowsVirtualKeyCode: code, nativeVirtualKeyCode: code };
    await this.send('Input.dispatchKeyEvent', {
      type: 'keyDown',
      ...common,
      text: key === 'Enter' ? '\r' : '',
    });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', ...common });
  }
}
