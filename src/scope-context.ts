import { createContext } from '@lit/context';

/** Settings a `<superfone-click-to-call>` scope shares with every call control inside it. */
export interface ScopeSettings {
  agentNumber: string | null;
  proxyUrl: string | null;
  defaultCountry: string | null;
  /** Seconds after which a call ends by itself; `null` for no limit. */
  maxDuration: number | null;
}

export const scopeContext = createContext<ScopeSettings | undefined>(Symbol('superfone-click-to-call'));
