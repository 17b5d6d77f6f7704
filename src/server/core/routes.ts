import { CALL_ID_PATTERN } from '../../shared/protocol.js';

/** The folder the routes share: `/api/superfone/call` → `/api/superfone/`. */
function routesFolder(callPath: string): string {
  return callPath.replace(/[^/]*$/, '');
}

/** Where Superfone delivers notifications, beside the calls' path: `/api/superfone/webhook`. */
export function webhookPath(callPath: string): string {
  return `${routesFolder(callPath)}webhook`;
}

/** What a request asks for, by its path. */
export type Route =
  | { kind: 'call' }
  | { kind: 'webhook' }
  | { kind: 'whoami' }
  | { kind: 'status'; callId: string }
  | { kind: 'events'; callId: string }
  | { kind: 'missed-calls' }
  | { kind: 'missed-call-events' }
  | { kind: 'dismiss-missed-call'; id: string }
  | { kind: 'not-found'; message: string };

/**
 * The proxy's routes, all in one folder beside the calls' path:
 *
 *     POST …/call                   a page's START or END
 *     POST …/webhook                Superfone's call notifications
 *     POST …/whoami                 who a caller would call as (a setup check; places nothing)
 *     GET  …/calls/<callId>         a followed call's status
 *     GET  …/calls/<callId>/events  the same, as Server-Sent Events
 *     GET  …/missed-calls           the agent's unreturned missed calls
 *     GET  …/missed-calls/events    the same, as Server-Sent Events, again at each change
 *     POST …/missed-calls/<id>/dismiss   the agent is done with one
 *
 * With `callPath` (`/api/superfone/call`) the folder is fixed and anything else is `404`.
 * Without it, where a framework mounts the handler at a path of its own, the routes are
 * told by their last segments and everything else is a call.
 */
export function createRouter(callPath: string | undefined): (pathname: string) => Route {
  const folder = callPath === undefined ? undefined : routesFolder(callPath);
  const missed = (rest: string): Route | null => {
    if (/^missed-calls\/?$/.test(rest)) return { kind: 'missed-calls' };
    if (/^missed-calls\/events\/?$/.test(rest)) return { kind: 'missed-call-events' };
    const dismiss = /^missed-calls\/([^/]+)\/dismiss\/?$/.exec(rest);
    // Malformed ids are answered like unknown ones, as calls' are.
    return dismiss ? { kind: 'dismiss-missed-call', id: /^[0-9a-f-]{36}$/.test(dismiss[1]!) ? dismiss[1]! : '' } : null;
  };
  const followed = (rest: string): Route | null => {
    const match = /^calls\/([^/]*)(\/events)?\/?$/.exec(rest);
    if (!match) return null;
    // Malformed ids are answered like unknown ones: there is no call to follow.
    const callId = CALL_ID_PATTERN.test(match[1]!) ? match[1]! : '';
    return match[2] ? { kind: 'events', callId } : { kind: 'status', callId };
  };
  return (pathname) => {
    if (callPath === undefined || folder === undefined) {
      if (/\/webhook\/?$/.test(pathname)) return { kind: 'webhook' };
      if (/\/whoami\/?$/.test(pathname)) return { kind: 'whoami' };
      const tail = /(?:^|\/)(calls\/[^/]*(?:\/events)?\/?)$/.exec(pathname)?.[1];
      const missedTail = /(?:^|\/)(missed-calls(?:\/events|\/[^/]+\/dismiss)?\/?)$/.exec(pathname)?.[1];
      return (missedTail && missed(missedTail)) || (tail && followed(tail)) || { kind: 'call' };
    }
    if (pathname === callPath) return { kind: 'call' };
    if (pathname.startsWith(folder)) {
      const rest = pathname.slice(folder.length);
      if (rest === 'webhook') return { kind: 'webhook' };
      if (rest === 'whoami') return { kind: 'whoami' };
      const route = followed(rest) ?? missed(rest);
      if (route) return route;
    }
    return { kind: 'not-found', message: `Not found; the call service is at ${callPath}.` };
  };
}
