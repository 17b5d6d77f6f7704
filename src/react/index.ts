import '../index.js';

import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';

import { SuperfoneCallButton as CallButtonElement } from '../element/call-button.js';
import type { CallCompletedDetail, CallEndedDetail, CallErrorDetail, CallRecordingDetail, CallStartDetail, CallStartedDetail, CallSummaryDetail } from '../element/call-events.js';
import { SuperfoneClickToCall as ClickToCallElement } from '../scope/click-to-call-scope.js';

/** The element's events as React props, on React 18 and 19 alike. */
const callEvents = {
  onCallStart: 'superfone-call-start' as EventName<CustomEvent<CallStartDetail>>,
  onCallStarted: 'superfone-call-started' as EventName<CustomEvent<CallStartedDetail>>,
  onCallEnded: 'superfone-call-ended' as EventName<CustomEvent<CallEndedDetail>>,
  onCallCompleted: 'superfone-call-completed' as EventName<CustomEvent<CallCompletedDetail>>,
  onCallRecording: 'superfone-call-recording' as EventName<CustomEvent<CallRecordingDetail>>,
  onCallSummary: 'superfone-call-summary' as EventName<CustomEvent<CallSummaryDetail>>,
  onCallError: 'superfone-call-error' as EventName<CustomEvent<CallErrorDetail>>,
};

/** `<superfone-call-button>` as a React component: typed props, and `onCallStarted` and friends. */
export const SuperfoneCallButton = createComponent({
  react: React,
  tagName: 'superfone-call-button',
  elementClass: CallButtonElement,
  events: callEvents,
  displayName: 'SuperfoneCallButton',
});

/** `<superfone-click-to-call>` as a React component; its controls' events bubble to it. */
export const SuperfoneClickToCall = createComponent({
  react: React,
  tagName: 'superfone-click-to-call',
  elementClass: ClickToCallElement,
  events: callEvents,
  displayName: 'SuperfoneClickToCall',
});

type ElementProps<Element extends HTMLElement, Attributes> = React.DetailedHTMLProps<React.HTMLAttributes<Element>, Element> & Attributes;

/** The attributes, as React 19 passes them to a custom element written as a tag. */
interface CallButtonAttributes {
  'customer-number'?: string;
  'agent-number'?: string;
  'proxy-url'?: string;
  'default-country'?: string;
  'max-duration'?: number | string;
  disabled?: boolean;
  inline?: boolean;
}

/** The events as props of the tag: React 19 adds them as listeners. */
interface CallEventAttributes {
  'onsuperfone-call-start'?: (event: CustomEvent<CallStartDetail>) => void;
  'onsuperfone-call-started'?: (event: CustomEvent<CallStartedDetail>) => void;
  'onsuperfone-call-ended'?: (event: CustomEvent<CallEndedDetail>) => void;
  'onsuperfone-call-completed'?: (event: CustomEvent<CallCompletedDetail>) => void;
  'onsuperfone-call-recording'?: (event: CustomEvent<CallRecordingDetail>) => void;
  'onsuperfone-call-summary'?: (event: CustomEvent<CallSummaryDetail>) => void;
  'onsuperfone-call-error'?: (event: CustomEvent<CallErrorDetail>) => void;
}

/**
 * React 18 writes an `on…` prop on a custom element as an attribute, so the listener never
 * runs: under React 18's types (without 19's `useActionState`) the tag's event props are
 * `never`, which refuses any handler, in a project that is not strict too. TypeScript lets
 * an undeclared attribute with a dash pass unchecked, so leaving them out would not do.
 * On React 18, use the components' `onCallStarted` and friends.
 */
type TagEventAttributes = typeof React extends { useActionState: unknown } ? CallEventAttributes : { [Name in keyof CallEventAttributes]?: never };

interface ClickToCallAttributes extends Omit<CallButtonAttributes, 'customer-number' | 'disabled' | 'inline'> {
  detect?: boolean;
  ignore?: string;
  'shadow-roots'?: 'open' | 'none';
}

declare module 'react' {
  // React's own JSX types are a namespace: only a namespace merges into them.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'superfone-call-button': ElementProps<CallButtonElement, CallButtonAttributes & TagEventAttributes>;
      'superfone-click-to-call': ElementProps<ClickToCallElement, ClickToCallAttributes & TagEventAttributes>;
    }
  }
}
