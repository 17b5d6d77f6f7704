// What the extension's parts say to each other. Extension messages: a page script can
// neither send them (no externally_connectable) nor read them.
import type { CallReply } from '../client/index.js';
import type { CountryCode } from '../shared/phone-number.js';
import type { CallAction, CallSummary } from '../shared/protocol.js';
import type { SettingsInput } from './settings.js';
import type { SetupCheck } from './setup-check.js';
import type { SignInState } from './sign-in.js';

/** The content script asks what it needs to mark numbers: never a token, never the agent's number. */
export interface PageSettingsAsk {
  kind: 'page-settings';
}

export interface PageSettings {
  defaultCountry: CountryCode;
  /** `auto` (the page's language) or a catalogue's. */
  language: string;
  /** False once a sign-in with the company's provider has ended: every number says to sign in again. */
  signedIn: boolean;
}

/** A trusted click or key press on a mark: START or END a call to that number. */
export interface CallAsk {
  kind: 'call';
  action: CallAction;
  customerNumber: string;
}

/**
 * The proxy's reply; or the agent already on a call (with this site's customer, named, or
 * placed from another site, whose number this site does not learn); or not signed in.
 */
export type CallAnswer = CallReply | { ok: false; busyWith: string } | { ok: false; busyElsewhere: true } | { ok: false; signInNeeded: true };

/** The options page saved new settings: the worker registers the content script for their sites, then answers. */
export interface WatchSitesAsk {
  kind: 'watch-sites';
}

/** The options page's Sign in: the worker runs the provider's login and keeps the tokens. */
export interface SignInAsk {
  kind: 'sign-in';
  issuer: string;
  clientId: string;
}

export interface SignOutAsk {
  kind: 'sign-out';
}

export interface SignInStateAsk {
  kind: 'sign-in-state';
}

/** The options page's Save: the worker asks the proxy as its calls will, with these (unsaved) settings. */
export interface CheckSetupAsk {
  kind: 'check-setup';
  settings: SettingsInput;
}

/** What each ask is answered with. */
export interface ExtensionAnswers {
  'page-settings': PageSettings | null;
  call: CallAnswer | null;
  'watch-sites': boolean | null;
  'sign-in': SignInState | null;
  'sign-out': boolean | null;
  'sign-in-state': SignInState | null;
  'check-setup': SetupCheck | null;
}

export type ExtensionAsk = PageSettingsAsk | CallAsk | WatchSitesAsk | SignInAsk | SignOutAsk | SignInStateAsk | CheckSetupAsk;

/** Sends an ask to the worker, typed by its answer. */
export function askWorker<Ask extends ExtensionAsk>(ask: Ask): Promise<ExtensionAnswers[Ask['kind']]> {
  return chrome.runtime.sendMessage(ask);
}

/** From the worker to the tab that placed a call: Superfone's record of how it ended. */
export interface CallEndedNews {
  kind: 'call-ended';
  customerNumber: string;
  record: CallSummary;
}

/** From the worker to every tab on a listed site: the agent's sign-in ended, or is back. */
export interface SignInNews {
  kind: 'sign-in';
  signedIn: boolean;
}

export type WorkerNews = CallEndedNews | SignInNews;
