// What the content script and the service worker say to each other. Extension messages:
// a page script can neither send them (no externally_connectable) nor read them.
import type { CallAction, CallSummary } from '../shared/protocol.js';
import type { CallReply } from '../element/call-client.js';
import type { CountryCode } from '../shared/phone-number.js';

/** The content script asks what it needs to mark numbers: never the token, never the agent's number. */
export interface PageSettingsAsk {
  kind: 'page-settings';
}

export interface PageSettings {
  defaultCountry: CountryCode;
  /** `auto` (the page's language) or a catalogue's. */
  language: string;
}

/** A trusted click or key press on a mark: START or END a call to that number. */
export interface CallAsk {
  kind: 'call';
  action: CallAction;
  customerNumber: string;
}

/** The proxy's reply, or the agent already on a call with another customer (one call per agent, across tabs). */
export type CallAnswer = CallReply | { ok: false; busyWith: string };

/** The options page saved new settings: the worker registers the content script for their sites, then answers. */
export interface WatchSitesAsk {
  kind: 'watch-sites';
}

export type ExtensionAsk = PageSettingsAsk | CallAsk | WatchSitesAsk;

/** From the worker to the tab that placed a call: Superfone's record of how it ended. */
export interface CallEndedNews {
  kind: 'call-ended';
  customerNumber: string;
  record: CallSummary;
}
