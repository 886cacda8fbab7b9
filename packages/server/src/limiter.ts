/**
 * The query concurrency limit (Prometheus's `--query.max-concurrency`): at most `max`
 * queries run at once; the others wait in arrival order, each until a slot frees up, its
 * deadline passes or its request is canceled.
 */

/** Why a wait for a slot ended without one. */
export type WaitFailure = 'timeout' | 'canceled';

interface Waiter {
  readonly grant: () => void;
}

/** A counting semaphore with a FIFO queue. */
export class QueryLimiter {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(readonly max: number) {}

  /** Queries running now. */
  get running(): number {
    return this.active;
  }

  /** Queries waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Waits for a slot. Resolves to a release function (call it exactly once, when the
   * query ends), or to the reason the wait ended: `deadlineMs` (a `Date.now()` time)
   * passed or `signal` was aborted.
   */
  acquire(deadlineMs: number, signal: AbortSignal | null): Promise<(() => void) | WaitFailure> {
    if (signal?.aborted) return Promise.resolve('canceled');
    if (Date.now() >= deadlineMs) return Promise.resolve('timeout');
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | null = null;
      const done = () => {
        if (timer !== null) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const leave = (why: WaitFailure) => {
        const i = this.queue.indexOf(waiter);
        if (i < 0) return;
        this.queue.splice(i, 1);
        done();
        resolve(why);
      };
      const onAbort = () => leave('canceled');
      const waiter: Waiter = {
        grant: () => {
          done();
          this.active++;
          resolve(this.releaser());
        },
      };
      this.queue.push(waiter);
      // setTimeout fires at once past 2^31-1 ms; a longer wait is as good as none.
      const wait = deadlineMs - Date.now();
      if (wait < 2_147_483_647) timer = setTimeout(() => leave('timeout'), Math.max(0, wait));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const next = this.queue.shift();
      if (next !== undefined) next.grant();
    };
  }
}
