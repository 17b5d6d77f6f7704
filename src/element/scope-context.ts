import { ContextConsumer, ContextRoot, createContext } from '@lit/context';
import type { ReactiveElement } from 'lit';

import type { TokenSource } from '../client/call-client.js';
import { DEFAULT_COUNTRY, DEFAULT_PROXY_PATH } from '../shared/defaults.js';
import type { MessageOverrides } from './messages.js';

export type { TokenSource } from '../client/call-client.js';

/**
 * The settings calls are placed with, as one level sets them: a `<superfone-click-to-call>`
 * scope (shared with every control inside it) or a control itself. `null` means "not set
 * here": the nearest scope's value, or the default, applies.
 */
export interface CallSettings {
  agentNumber: string | null;
  proxyUrl: string | null;
  defaultCountry: string | null;
  /** Seconds after which a call ends by itself; `null` for no limit. */
  maxDuration: number | null;
  /** Words changed for the controls inside, over their language's catalogue. */
  messages: MessageOverrides | null;
  /** The sign-in token for the proxy; a property only, never an attribute (markup is cached and logged). */
  getToken: TokenSource | null;
}

export const UNSET: CallSettings = Object.freeze({ agentNumber: null, proxyUrl: null, defaultCountry: null, maxDuration: null, messages: null, getToken: null });

/** A token source as a setting: anything but a function is "not set". */
export function tokenSetting(value: TokenSource | null | undefined): TokenSource | null {
  return typeof value === 'function' ? value : null;
}

export const scopeContext = createContext<CallSettings | undefined>(Symbol('superfone-click-to-call'));

/**
 * Follows the nearest scope's settings for `host`, controls and nested scopes alike: each
 * value is handed to `receive`, and the host updates with `property` marked changed. The
 * host keeps them in a plain field, not a declared property, so the element manifest does
 * not take them for an attribute. A controller, not a decorator: less code on every page.
 */
export function consumeScopeSettings(host: ReactiveElement, property: string, receive: (settings: CallSettings | undefined) => void): void {
  let current: CallSettings | undefined;
  let asked = false;
  const ask = () => {
    if (asked) return;
    asked = true;
    // Registers itself with the host (and asks at once if the host is connected); nothing else holds it.
    new ContextConsumer(host, {
      context: scopeContext,
      subscribe: true,
      callback: (value) => {
        const old = current;
        current = value;
        receive(value);
        host.requestUpdate(property, old);
      },
    });
  };
  if (scopeSeen) return ask();
  // Until a scope is on the page there is nobody to ask: a table of a thousand controls
  // would send a thousand context requests for the document to keep. They ask once one is.
  host.addController({
    hostConnected: () => (scopeSeen ? ask() : waitingForScope.set(host, ask)),
    hostDisconnected: () => waitingForScope.delete(host),
  });
}

/** Whether a scope has connected in this page yet. */
let scopeSeen = false;
const waitingForScope = new Map<ReactiveElement, () => void>();

/** Called by a scope as it connects: from then on controls ask for their scope, and those waiting ask now. */
export function scopeAppeared(): void {
  if (scopeSeen) return;
  scopeSeen = true;
  const waiting = [...waitingForScope.values()];
  waitingForScope.clear();
  for (const ask of waiting) ask();
}

/** An attribute or property value as a setting: empty text is "not set". */
export function textSetting(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : value;
}

/** A duration as a setting: anything but a positive number is "not set". */
export function durationSetting(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

/** The one rule, for controls and nested scopes alike: own value, else the nearest scope's. */
export function inheritSettings(own: CallSettings, scope: CallSettings | undefined): CallSettings {
  return {
    agentNumber: own.agentNumber ?? scope?.agentNumber ?? null,
    proxyUrl: own.proxyUrl ?? scope?.proxyUrl ?? null,
    defaultCountry: own.defaultCountry ?? scope?.defaultCountry ?? null,
    maxDuration: own.maxDuration ?? scope?.maxDuration ?? null,
    getToken: own.getToken ?? scope?.getToken ?? null,
    // Words merge key by key: an inner scope changes some, the outer one's others still hold.
    messages: own.messages && scope?.messages ? { ...scope.messages, ...own.messages } : (own.messages ?? scope?.messages ?? null),
  };
}

/** What a control uses: the inherited settings with the defaults filled in. */
export function effectiveSettings(settings: CallSettings) {
  return {
    agentNumber: settings.agentNumber,
    proxyUrl: settings.proxyUrl ?? DEFAULT_PROXY_PATH,
    defaultCountry: settings.defaultCountry ?? DEFAULT_COUNTRY,
    maxDuration: settings.maxDuration,
    getToken: settings.getToken,
  };
}

let contextRootAttached = false;

/**
 * Controls in server-rendered markup may upgrade before the scope around them (their tag
 * defined first, or the scope's script late). A context root on the document keeps their
 * requests and replays them when a scope appears, so the order never matters.
 */
function attachContextRoot(): void {
  if (contextRootAttached || typeof document === 'undefined') return;
  contextRootAttached = true;
  new ContextRoot().attach(document.documentElement);
}

/** Registers one of the package's elements under `tagName` unless something already did; scopes defined later still reach them. */
export function defineElement(tagName: string, element: CustomElementConstructor, registry = customElements): void {
  attachContextRoot();
  if (!registry.get(tagName)) registry.define(tagName, element);
}
