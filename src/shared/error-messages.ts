import type { ErrorCode } from './protocol.js';

/**
 * What each error means to the agent in front of the CRM, in English: what happened and
 * what to do. The proxy answers with these (or a more specific message) for logs and for
 * clients other than the element; the element words the code itself, in the page's
 * language, and its English catalogue uses these same words.
 */
export const DEFAULT_ERROR_MESSAGES: Record<ErrorCode, string> = {
  invalid_number: 'That phone number is not valid. Check the number and try again.',
  bad_request: 'The call request was not understood. Reload the page and try again.',
  unauthorized: 'You are not signed in to calling. Sign in again, then retry.',
  token_expired: 'Your sign-in has expired. Sign in again, then retry.',
  forbidden: 'You are not allowed to place this call. Ask your administrator.',
  agent_not_found: 'Your number is not set up for Dashboard Calling in Superfone. Ask your administrator to enable it.',
  agent_busy: 'You are already on a call. End your current call, then try again.',
  notification_failed: 'Your Superfone app did not receive the call request. Open the app, check it is signed in and online, then try again.',
  rate_limited: 'Too many call requests. Wait a moment, then try again.',
  upstream_auth: 'Calling is not set up correctly on the server (Superfone rejected its API key). Ask your administrator.',
  upstream_error: 'Superfone could not process the request. Try again in a moment.',
  upstream_timeout: 'Superfone did not answer in time, so it is unknown whether the call request went through. Check your Superfone app before trying again.',
  upstream_unavailable: 'Superfone is not answering right now, so calls are paused for a moment. Try again shortly.',
  limits_unavailable: 'The calling service cannot check its call limits right now, so no call was placed. Try again in a moment.',
  auth_unavailable: 'Your sign-in could not be checked just now, so no call was placed. Try again in a moment.',
  token_unavailable: 'This page could not get your sign-in for calling, so no call was placed. Reload the page or sign in again, then retry.',
  network_error: 'Could not reach the calling service. Check your connection, then try again.',
  internal_error: 'The calling service hit an unexpected problem. Try again, or ask your administrator.',
};
