import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { watchServer } from './server.js';

const until = async (cond: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  return cond();
};

test('the watchdog cleans up once its owner process is gone, and can be ended first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promql-ts-watchdog-'));
  try {
    const runDir = join(dir, 'run');
    const server = { version: '3.5.3', url: 'http://127.0.0.1:1', pid: 0, runDir };
    // No pid file: stop.sh has nothing to stop; the watchdog removes the directory after it.
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300)']);
    const removeDir = join(dir, 'scratch');
    writeFileSync(removeDir, 'x');
    watchServer(server, { ownerPid: owner.pid!, removeDir });
    expect(existsSync(removeDir)).toBe(true);
    expect(await until(() => !existsSync(removeDir), 8000)).toBe(true);

    // Ended before its owner exits: nothing happens.
    const keep = join(dir, 'keep');
    writeFileSync(keep, 'x');
    const unwatch = watchServer(server, { ownerPid: process.pid, removeDir: keep });
    unwatch();
    await new Promise((r) => setTimeout(r, 1500));
    expect(existsSync(keep)).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
