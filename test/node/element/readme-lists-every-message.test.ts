import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { messages as english } from '../../../src/element/messages/en.js';
import { messages as hindi } from '../../../src/element/messages/hi.js';
import { documentation } from '../../support/packed-project.js';

// The documentation's table of CallButtonMessages (docs/languages.md) is what integrators
// write catalogues from: it must list every key the code has, with the English words the code says.
const documents = documentation()
  .map(({ text }) => text)
  .join('\n');
const table = /<!-- messages-table -->\n([\s\S]*?)<!-- \/messages-table -->/.exec(documents)?.[1] ?? '';
const rows = table
  .split('\n')
  .filter((line) => line.startsWith('| `'))
  .map((line) => {
    const [, signature, words] = /^\| `([^`]+)` \| (.*?) \| .*\|$/.exec(line) ?? [];
    const [, key, params] = /^(\w+)(?:\(([^)]*)\))?$/.exec(signature ?? '') ?? [];
    return { key: key!, params: params ? params.split(', ') : [], words: words!.replace(/\\\|/g, '|') };
  });

describe('the README lists every message, with its English words', () => {
  it('has a row for each key of the English catalogue, and no other', () => {
    assert.ok(rows.length > 0, 'the table is in the README between its markers');
    assert.deepEqual(rows.map((row) => row.key).sort(), Object.keys(english).sort());
  });

  it('shows the words English says, parameters as {name}', () => {
    for (const { key, params, words } of rows) {
      if (key === 'errors') continue;
      const entry = english[key as keyof typeof english];
      const said = typeof entry === 'function' ? (entry as (...args: string[]) => string)(...params.map((param) => `{${param}}`)) : entry;
      assert.equal(words, said, `README row for ${key}`);
    }
  });

  it('docs/protocol.md’s table of error codes gives each code the words English says, and lists every code', () => {
    const protocol = documentation().find(({ path }) => path.endsWith('protocol.md'))!.text;
    const section = protocol.slice(protocol.indexOf('### Error codes'), protocol.indexOf('## The wire protocol'));
    const said = new Map(
      section
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .map((line) => {
          const cells = line.split(/(?<!\\)\| /);
          return [/`(\w+)`/.exec(cells[1]!)![1]!, cells.at(-1)!.replace(/ \|$/, '').replace(/\\\|/g, '|').trim()];
        }),
    );
    assert.deepEqual([...said.keys()].sort(), Object.keys(english.errors).sort());
    for (const [code, words] of said) assert.equal(words, english.errors[code as keyof typeof english.errors], `docs/protocol.md's words for ${code}`);
  });

  it('Hindi has every key English has, every error code included', () => {
    assert.deepEqual(Object.keys(hindi).sort(), Object.keys(english).sort());
    assert.deepEqual(Object.keys(hindi.errors).sort(), Object.keys(english.errors).sort());
  });
});
