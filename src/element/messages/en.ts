import { DEFAULT_ERROR_MESSAGES } from '../../shared/error-messages.js';
import { type CallButtonMessages, FIRST_WORDS } from './catalogue.js';

/** English. The error words are the proxy's own, so a log and the agent read the same. */
export const messages: CallButtonMessages = {
  ...FIRST_WORDS,
  calling: 'Calling…',
  callingNumber: (number) => `Calling ${number}…`,
  ending: 'Ending…',
  endingCallWith: (number) => `Ending the call with ${number}…`,
  endCall: 'End call',
  endCallWith: (number) => `End call with ${number}`,
  tryAgain: 'Try again',
  tryAgainCall: (number) => `Try again: call ${number}`,
  endCurrentCall: 'End current call',
  callInProgress: 'Call in progress: activate to end it',
  busyWith: (number) => `On a call with ${number}: end it to call someone else.`,
  onAnotherCall: 'On another call: end it to call someone else.',
  signInAgain: 'Sign in again: your sign-in has ended. Open the extension’s settings to sign in.',

  appIsCalling: (number) => `Your Superfone app is calling ${number}.`,
  onCallWith: (number) => `On a call with ${number}.`,
  endingTheCall: 'Ending the call…',
  callEnded: 'Call ended.',
  timeLimitReached: 'The call reached its time limit and was ended.',

  callEndedAfter: (duration) => `Call ended · ${duration}`,
  noAnswer: 'No answer',
  customerBusy: 'Customer busy',
  callFailed: 'Call failed',

  unknownCountry: (country) => `Unknown default-country “${country}”; use a two-letter code such as IN.`,
  noCustomerNumber: 'No customer number to call.',
  invalidCustomerNumber: (written) => `“${written}” is not a valid phone number, so it cannot be called.`,
  invalidAgentNumber: (written) => `The agent number “${written}” is not a valid phone number.`,

  errors: DEFAULT_ERROR_MESSAGES,
  waitAndRetry: (seconds) => `Too many call requests. Wait ${seconds} s, then try again.`,
  customerLimit: (wait, at) => `This customer has been called several times in a short while. You can call them again in ${wait} (at ${at}).`,
  agentLimit: (wait) => `You have started many calls in a short time. Wait ${wait}, then try again.`,
  browserLimit: (wait) => `Too many call requests came from this browser. Wait ${wait}, then try again.`,
  endLimit: 'Too many end-call requests. If a call is still on, end it in the Superfone app.',
  superfoneLimit: (wait) => `Superfone is limiting call requests right now. Wait ${wait}, then try again.`,
  countryNotAllowed: (country, callingCode) => `Calls to ${country} (+${callingCode}) are not allowed from this CRM. Ask your administrator if you need them.`,
  agentNumberMissing: 'No agent number: set agent-number on the call button, or bind the agent on the server.',
  unexpectedAnswer: (status) => `The calling service answered unexpectedly (HTTP ${status}). Ask your administrator to check the proxy address.`,
};
