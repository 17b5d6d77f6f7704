import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { CallButtonMessages } from '../../../src/element/messages.js';
import { messages as english } from '../../../src/element/messages/en.js';
import { messages as hindi } from '../../../src/element/messages/hi.js';

// Per key, in every shipped language: a catalogue that shows one key's words for another,
// or drops what a message is about (the number, the seconds), tells the agent something false.
const catalogues: Record<string, CallButtonMessages> = { en: english, hi: hindi };

describe('each word in each language says its own thing, with what it is about', () => {
  for (const [language, words] of Object.entries(catalogues)) {
    it(`${language}: every message with parameters shows each of them`, () => {
      for (const [key, entry] of Object.entries(words)) {
        if (typeof entry !== 'function') continue;
        const markers = Array.from({ length: entry.length }, (_, index) => `⟦${key}-${index}⟧`);
        const said = (entry as (...args: string[]) => string)(...markers);
        for (const marker of markers) assert.ok(said.includes(marker), `${language}.${key} drops ${marker}: ${said}`);
      }
    });

    it(`${language}: no two error codes share their words, and no message is empty`, () => {
      const seen = new Map<string, string>();
      for (const [code, text] of Object.entries(words.errors)) {
        assert.ok(text.trim().length > 10, `${language}.errors.${code} is empty`);
        assert.equal(seen.get(text), undefined, `${language}.errors.${code} says what ${seen.get(text)} says`);
        seen.set(text, code);
      }
      const plain = Object.entries(words).filter(([, entry]) => typeof entry === 'string') as Array<[string, string]>;
      for (const [key, text] of plain) assert.ok(text.trim().length > 0, `${language}.${key} is empty`);
    });
  }

  it('Hindi is Hindi: every sentence has Devanagari, and none is left in English', () => {
    for (const [key, entry] of Object.entries(hindi)) {
      if (key === 'errors') continue;
      const text = typeof entry === 'function' ? (entry as (...args: string[]) => string)('1', '2') : (entry as string);
      if (text.trim().length > 0 && /[a-z]{4}/i.test(text.replace(/Superfone|API key|agent-number|CRM|HTTP|IN/g, ''))) {
        assert.match(text, /[\u0900-\u097F]/, `hi.${key}: ${text}`);
      }
      assert.notEqual(text, typeof (english as any)[key] === 'function' ? (english as any)[key]('1', '2') : (english as any)[key], `hi.${key} is the English`);
    }
    for (const [code, text] of Object.entries(hindi.errors)) {
      assert.match(text, /[\u0900-\u097F]/, `hi.errors.${code}`);
      assert.notEqual(text, english.errors[code as keyof typeof english.errors], `hi.errors.${code} is the English`);
    }
  });
});
