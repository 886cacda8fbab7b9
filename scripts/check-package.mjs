#!/usr/bin/env node
// Packaging checks for the workspace package in the current directory: publint on the
// package as it would be published, and arethetypeswrong on the tarball `pnpm pack` makes
// (pnpm rewrites `workspace:` dependencies, as a real publish would).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const out = mkdtempSync(join(tmpdir(), 'promql-ts-pack-'));
try {
  execFileSync('pnpm', ['pack', '--pack-destination', out], { stdio: 'ignore' });
  const [tarball] = readdirSync(out).filter((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('pnpm pack produced no tarball');
  run('publint', ['run', join(out, tarball), '--strict']);
  run('attw', [join(out, tarball), '--format', 'table-flipped']);
} finally {
  rmSync(out, { recursive: true, force: true });
}
