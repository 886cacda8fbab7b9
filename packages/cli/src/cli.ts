#!/usr/bin/env node
/**
 * The `promql-ts` executable: `serve`, `query` and `promqltest`. Node only; not part of the
 * package's library entry point.
 */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTty: process.stdout.isTTY === true,
  stderrIsTty: process.stderr.isTTY === true,
  columns: process.stdout.columns,
  now: Date.now,
});
