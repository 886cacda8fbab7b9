/**
 * `startServer`: the handler in its own `node:http` server.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiHandler, type ApiHandlerOptions, createApiHandler } from './handler.js';

/** Options of {@link startServer}: the handler's, and where to listen. */
export interface ServerOptions extends ApiHandlerOptions {
  /** TCP port (default 9090, Prometheus's); 0 picks a free one. */
  readonly port?: number;
  /** Interface to listen on (default `127.0.0.1`: this machine only). */
  readonly host?: string;
}

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:9090`. */
  readonly url: string;
  /** The port listened on (useful with `port: 0`). */
  readonly port: number;
  /** The handler the server runs. */
  readonly handler: ApiHandler;
  /** The underlying Node server. */
  readonly server: Server;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a Prometheus-compatible HTTP server over `options.storage`.
 *
 * @example
 * ```ts
 * const server = await startServer({ storage, port: 9090 });
 * console.log(`open ${server.url}`);
 * // later
 * await server.close();
 * ```
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { createServer } = await import('node:http');
  const handler = createApiHandler(options);
  const server = createServer((req, res) => {
    void handler.handleNode(req, res);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9090, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    handler,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
