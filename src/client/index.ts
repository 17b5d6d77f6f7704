// The call client's front door: placing a call through the proxy, following it to its end,
// and the one-call-per-agent rule. DOM-free, so a page's controls and the extension's
// service worker use the same code.
export { askForToken, type CallFailure, type CallReply, sendCallRequest, type TokenSource } from './call-client.js';
export { followCall } from './call-follower.js';
export { callInTheWay } from './one-call-per-agent.js';
