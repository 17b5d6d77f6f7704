// Lit's html`` and svg`` templates ship as written: a line break and its indentation inside
// one becomes a text node, which in running text (an inline control beside a number) shows as
// a space and is read into innerText and copied text. So templates are written wrapped, to be
// read, and every build takes the wrapping out again: the package's dist/, the CDN files and
// the extension (esbuild), the browser tests and the demo (from source). Only white space
// that holds a line break is touched:
// - inside a tag, between attributes, it becomes one space;
// - beside a tag or an expression (`>`, `<`, `${…}`) or at the template's ends, it goes;
// - between two words of text, it becomes one space.
// Attribute values are not parsed: a `>` inside a quoted value would end the tag for this
// reading, so templates keep `>` out of static attribute values.
import { readFile } from 'node:fs/promises';

import ts from 'typescript';

const TAGS = new Set(['html', 'svg']);

/** One static part of a template, its wrapping taken out; `state.inTag` carries over from the part before. */
function minifyPart(text, state) {
  let out = '';
  let index = 0;
  const wrapping = /[ \t]*(?:\r?\n[ \t]*)+/y;
  while (index < text.length) {
    wrapping.lastIndex = index;
    const wrap = wrapping.exec(text);
    if (wrap) {
      const before = out.at(-1);
      const after = text[index + wrap[0].length];
      // In a tag, attributes stay apart (an expression's value included), but nothing is put before `>` or `/>`.
      if (state.inTag) out += before === ' ' || after === '>' || after === '/' ? '' : ' ';
      // In text, words stay apart; beside a tag or an expression, or at an end, the break goes.
      else if (before !== undefined && after !== undefined && before !== '>' && after !== '<') out += ' ';
      index += wrap[0].length;
      continue;
    }
    const char = text[index];
    if (char === '<' && /[a-zA-Z/!]/.test(text[index + 1] ?? '')) state.inTag = true;
    else if (char === '>') state.inTag = false;
    out += char;
    index += 1;
  }
  return out;
}

/**
 * `code` with the wrapping taken out of every html`` and svg`` template in it; `fileName`'s
 * extension says how to parse it (.ts or .js). Unchanged when there is nothing to take out.
 */
export function minifyTemplates(code, fileName) {
  if (!/\b(html|svg)\s*`/.test(code)) return code;
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, false, fileName.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const edits = [];
  const visit = (node) => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && TAGS.has(node.tag.text)) {
      const template = node.template;
      const parts = ts.isNoSubstitutionTemplateLiteral(template) ? [template] : [template.head, ...template.templateSpans.map((span) => span.literal)];
      const state = { inTag: false };
      for (const part of parts) {
        // The raw text between the part's delimiters: ` or } before it, ` or ${ after it.
        const start = part.getStart(source) + 1;
        const end = part.getEnd() - (ts.isNoSubstitutionTemplateLiteral(part) || ts.isTemplateTail(part) ? 1 : 2);
        const raw = code.slice(start, end);
        const minified = minifyPart(raw, state);
        if (minified !== raw) edits.push({ start, end, text: minified });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let result = code;
  for (const { start, end, text } of edits.sort((a, b) => b.start - a.start)) result = result.slice(0, start) + text + result.slice(end);
  return result;
}

/** The project's own modules, whose templates are minified: TypeScript under src/. */
const SOURCE_MODULE = /[\\/]src[\\/].*\.ts$/;

/** A module's code as it ships when it is one of src/'s (the Vite demo, the browser tests); `undefined` for any other. */
export function minifySourceModule(code, path) {
  return SOURCE_MODULE.test(path) ? minifyTemplates(code, path) : undefined;
}

/** For esbuild builds from source (the CDN files, the extension, test pages): the same minifying on load. */
export const templateMinifierPlugin = {
  name: 'minify-html-templates',
  setup(build) {
    build.onLoad({ filter: SOURCE_MODULE }, async ({ path }) => ({ contents: minifyTemplates(await readFile(path, 'utf8'), path), loader: 'ts' }));
  },
};
