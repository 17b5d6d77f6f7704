import { type CallButtonMessages, catalogue, catalogueLanguageOf, FIRST_WORDS, loadCatalogue, type MessageOverrides, wordsFor } from './messages.js';
import type { FirstWords } from './view/call-view.js';

/**
 * A control's language and its words: the one place a control's words are chosen (its own
 * overrides, over its scope's, over its page language's catalogue), and the gate that holds
 * its render until that catalogue is here, so a Hindi page never flashes English.
 */
export class ControlWords {
  /** The catalogue this control speaks from: its page language's, as `lang` says. */
  language = 'en';

  /** Reads the page's language around the control again (connected, or the page's `lang` changed). */
  follow(control: Element): void {
    this.language = catalogueLanguageOf(control);
  }

  /** Every word, for what follows a check of the numbers: English has come with number handling by then, another language before the first render. */
  all(scope: MessageOverrides | null | undefined, own: MessageOverrides | null): CallButtonMessages {
    return wordsFor(this.language, scope, own)!;
  }

  /** The words to render now: before its catalogue is here, an idle English control has the first words (with any overrides). */
  forRender(scope: MessageOverrides | null | undefined, own: MessageOverrides | null): CallButtonMessages | FirstWords {
    if (catalogue(this.language)) return this.all(scope, own);
    return scope || own ? { ...FIRST_WORDS, ...scope, ...own } : FIRST_WORDS;
  }

  /**
   * What a render waits for: nothing when the words are here, or when the first words will do
   * (English, nothing checked or sent yet); else the catalogue's loading.
   */
  wordsLoading(firstWordsWillDo: boolean): Promise<void> | null {
    return catalogue(this.language) || (firstWordsWillDo && this.language === 'en') ? null : loadCatalogue(this.language);
  }
}
