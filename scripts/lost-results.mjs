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
