// A reader copies code from the README and the docs. Each code snippet there is a recipe (the
// block after `<!-- recipe: name -->`), and each recipe is run by a test as the words stand:
// this test fails when a snippet is added without a recipe name, or a recipe without a test.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

import { ROOT } from '../support/packed-project.js';

/**
 * Blocks that are not code a reader runs as it stands: shell lines with the reader's own
 * secrets in them (`SUPERFONE_API_KEY=...`, run by `npm test` through the CLI tests), the
 * wire protocol (`http`, tested on the wire in Node), and the picture (no language).
 */
const NOT_CODE = new Set(['sh', 'http', '']);

interface Snippet {
  file: string;
  line: number;
  language: string;
  recipe: string | undefined;
}

function markdownFiles(): string[] {
  const docs = join(ROOT, 'docs');
  const inDocs = existsSync(docs)
    ? readdirSync(docs, { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.md'))
        .map((name) => join(docs, name))
    : [];
  return [join(ROOT, 'README.md'), ...inDocs];
}

function snippets(file: string): Snippet[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found: Snippet[] = [];
  let inside = false;
  lines.forEach((text, index) => {
    const fence = /^```(\w*)\s*$/.exec(text);
    if (!fence) return;
    if (inside) return void (inside = false);
    inside = true;
    const before = lines[index - 1] ?? '';
    found.push({ file: relative(ROOT, file), line: index + 1, language: fence[1]!, recipe: /^<!-- recipe: ([\w-]+) -->$/.exec(before)?.[1] });
  });
  return found;
}

/** Recipe names the tests run: `readmeRecipe('name')`, or a helper of theirs that reads the recipe it is given. */
function recipesRunByTests(): Set<string> {
  const names = new Set<string>();
  const tests = readdirSync(join(ROOT, 'test'), { recursive: true, encoding: 'utf8' }).filter(
    (name) => name.endsWith('.ts') && !name.endsWith('every-readme-snippet-is-run.test.ts'),
  );
  for (const name of tests) {
    const source = readFileSync(join(ROOT, 'test', name), 'utf8');
    for (const [, recipe] of source.matchAll(/(?:readmeRecipe|serveApp|serveFile|runToEnd)\(\s*'([\w-]+)'/g)) names.add(recipe!);
  }
  return names;
}

describe('every code snippet in the README and docs is a recipe a test runs', () => {
  const all = markdownFiles().flatMap(snippets);

  it('every snippet of code has a recipe name, and no name is used twice', () => {
    const unnamed = all.filter((snippet) => !NOT_CODE.has(snippet.language) && !snippet.recipe);
    assert.deepEqual(
      unnamed.map(({ file, line, language }) => `${file}:${line} (${language})`),
      [],
    );
    const names = all.flatMap((snippet) => (snippet.recipe ? [snippet.recipe] : []));
    assert.deepEqual(
      names.filter((name, index) => names.indexOf(name) !== index),
      [],
    );
    // The count keeps the check honest: the README has code, and it is seen.
    assert.ok(names.length >= 25, `${names.length} recipes`);
  });

  it('every recipe is run by a test', () => {
    const run = recipesRunByTests();
    const notRun = all.filter((snippet) => snippet.recipe && !run.has(snippet.recipe)).map(({ file, line, recipe }) => `${file}:${line} ${recipe}`);
    assert.deepEqual(notRun, []);
  });
});
