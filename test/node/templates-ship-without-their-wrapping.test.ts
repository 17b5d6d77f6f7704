import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { minifyTemplates } from '../../scripts/html-templates.mjs';

// Templates are written wrapped, to be read; every build takes the wrapping out, since a
// line break in a template is a text node that running text shows as a space. Each expected
// output is written here by hand.
describe('templates ship without their wrapping', { timeout: 10_000 }, () => {
  it('inside a tag, attributes stay one space apart, expressions’ values included; nothing before > or />', () => {
    const source = ['const a = html`', '  <button', '    part="button ${kind}"', '    aria-label=${name}', '    ?disabled=${off}', '  >', '    ${label}', '  </button>', '`;'].join(
      '\n',
    );
    assert.equal(minifyTemplates(source, 'a.ts'), 'const a = html`<button part="button ${kind}" aria-label=${name} ?disabled=${off}>${label}</button>`;');
    const selfClosing = ['const b = svg`<path', '  d="M1 2', '    L3 4"', '/>`;'].join('\n');
    assert.equal(minifyTemplates(selfClosing, 'b.ts'), 'const b = svg`<path d="M1 2 L3 4"/>`;');
  });

  it('between tags and beside expressions the break goes; between two words it is one space', () => {
    const source = ['const a = html`', '  <p>', '    Call us', '    today', '  </p>', '  ${message}', '  <slot hidden></slot>', '`;'].join('\n');
    assert.equal(minifyTemplates(source, 'a.ts'), 'const a = html`<p>Call us today</p>${message}<slot hidden></slot>`;');
  });

  it('nested templates each lose theirs; white space without a line break, and other templates and strings, stay as written', () => {
    // What no rule touches: spaces without a line break, a css`` template, a string, an untagged template.
    const untouched = [
      'const b = html`<b>two  spaces</b> <i>kept</i>`;',
      'const c = css`a {',
      '  color: red;',
      '}`;',
      "const d = 'html`<p>\\n  </p>`';",
      'const e = `plain',
      '  text`;',
    ];
    const nested = ['const a = html`<ul>', '  ${items.map((item) => html`<li>', '    ${item}', '  </li>`)}', '</ul>`;'];
    assert.equal(
      minifyTemplates([...nested, ...untouched].join('\n'), 'a.ts'),
      ['const a = html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>`;', ...untouched].join('\n'),
    );
  });

  it('JavaScript as tsc emits it is read too, and code with no template comes back as it was', () => {
    // tsc writes a space between the tag and its template.
    const source = ['export const icon = svg `', '  <svg viewBox="0 0 24 24">', '  </svg>', '`;'].join('\n');
    assert.equal(minifyTemplates(source, 'icon.js'), 'export const icon = svg `<svg viewBox="0 0 24 24"></svg>`;');
    const none = 'export const a = 1;\n';
    assert.equal(minifyTemplates(none, 'a.js'), none);
  });
});
