// Node 20's test runner reads each test file's results from its child process as framed,
// serialized messages; a chunk of the pipe that ends in the frame marker's first byte can
// make it drop the rest of that file's results without counting them as failed (seen once
// in three CI runs: the last 12 of one file's tests were never reported). A result nobody
// saw is no pass: this finds the top-level suites that started and never finished, and the
// test file each one is in, so that file can be run again on its own.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The top-level suites whose start a node:test run printed but whose result it never did. */
export function unfinishedSuites(output) {
  const started = new Set();
  const finished = new Set();
  for (const line of output.split('\n')) {
    const start = /^# Subtest: (.*)$/.exec(line);
    if (start) started.add(start[1]);
    const end = /^(?:not )?ok \d+ - (.*?)(?: # (?:SKIP|TODO).*)?$/.exec(line);
    if (end) finished.add(end[1]);
  }
  return [...started].filter((name) => !finished.has(name));
}

/** The test files under `folders` whose source names the suite, as written in a describe(). */
export function filesOfSuite(name, folders) {
  const files = folders.flatMap((folder) =>
    readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.test.ts'))
      .map((file) => join(folder, file)),
  );
  return files.filter((file) => readFileSync(file, 'utf8').includes(name));
}

/**
 * A suite Node's runner started and never reported is run again in its own file, with
 * `runCommand(command, args)` (which resolves with its exit code and what it printed); it
 * counts only if it passes there. `ok` when nothing was lost, or all of it passed again.
 */
export async function runLostAgain(captured, folder, runCommand) {
  const lost = unfinishedSuites(captured);
  if (lost.length === 0) return { ok: true, output: '' };
  const files = [...new Set(lost.flatMap((name) => filesOfSuite(name, [folder])))];
  console.log(`\nNode's test runner never reported how ${lost.map((name) => `"${name}"`).join(', ')} ended; running ${files.join(', ') || 'nothing (no file names it)'} again.`);
  let output = '';
  if (files.length === 0) return { ok: false, output };
  for (const file of files) {
    const again = await runCommand(process.execPath, ['--import', 'tsx', '--test', '--test-timeout=180000', '--test-force-exit', file]);
    output += again.captured;
    // Passed means reported passed: each lost suite of this file has its `ok` line this time.
    const reported = lost
      .filter((name) => readFileSync(file, 'utf8').includes(name))
      .every((name) => again.captured.split('\n').some((line) => /^ok \d+ - /.test(line) && line.replace(/^ok \d+ - /, '') === name));
    if (again.code !== 0 || !reported) {
      console.error(`\n${file} failed, or was not reported, when run again.`);
      return { ok: false, output };
    }
  }
  return { ok: true, output };
}
