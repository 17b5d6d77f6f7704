import { css } from 'lit';

// Each custom property's default is given where it is used, not declared on :host: so a
// page can set one on any ancestor (a theme on <body>), not only on the element itself.
export const callButtonStyles = css`
  /* The host lays out the button, a second one and the message: no wrapper inside. */
  :host {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.375em;
    font-size: var(--superfone-call-button-font-size, 0.875rem);
    line-height: 1.25;
    vertical-align: middle;
  }

  :host([hidden]) {
    display: none;
  }

  button {
    display: inline-flex;
    align-items: center;
    gap: 0.375em;
    min-height: 2em;
    padding: 0.25em 0.75em;
    border: none;
    border-radius: var(--superfone-call-button-radius, 6px);
    background: var(--superfone-call-button-start-background, #0a7d33);
    color: var(--superfone-call-button-color, #ffffff);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }

  button:focus-visible {
    outline: 3px solid var(--superfone-call-button-focus-ring, #1a56db);
    outline-offset: 2px;
  }

  [part~='end'] {
    background: var(--superfone-call-button-end-background, #c62828);
  }

  [part~='busy'] {
    background: var(--superfone-call-button-busy-background, #5f6368);
    cursor: progress;
  }

  button:disabled,
  button[aria-disabled='true']:not([part~='busy']) {
    opacity: 0.55;
    cursor: not-allowed;
  }

  svg {
    width: 1em;
    height: 1em;
    flex: none;
    fill: currentColor;
  }

  .spinner {
    width: 0.9em;
    height: 0.9em;
    border: 2px solid currentColor;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }

  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }

  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }

  .message {
    color: var(--superfone-call-button-error-color, #b3261e);
    max-width: 32em;
  }

  .message.info {
    color: inherit;
    opacity: 0.8;
  }

  :host([inline]) {
    position: relative;
    display: inline;
    font-size: inherit;
    line-height: inherit;
    vertical-align: baseline;
  }

  /* The number keeps the page's look; only a dotted underline and an icon say it calls. */
  button.inline {
    all: unset;
    display: inline;
    cursor: pointer;
    text-decoration: underline dotted;
    text-underline-offset: 0.2em;
  }

  button.inline:focus-visible {
    outline: 2px solid var(--superfone-call-button-focus-ring, #1a56db);
    outline-offset: 2px;
    border-radius: 2px;
  }

  button.inline[aria-disabled='true'] {
    cursor: not-allowed;
  }

  .indicator {
    display: inline-flex;
    margin-inline-start: 0.2em;
    vertical-align: -0.1em;
    color: var(--superfone-call-button-start-background, #0a7d33);
  }

  .indicator svg,
  .indicator .spinner {
    width: 0.8em;
    height: 0.8em;
  }

  .indicator.end {
    color: var(--superfone-call-button-end-background, #c62828);
  }

  /* Inline, a note would cover the page's text: it shows on hover and focus, errors always. */
  :host([inline]) .message.info {
    display: none;
  }

  :host([inline]:hover) .message.info:not(:empty),
  :host([inline]:focus-within) .message.info:not(:empty) {
    display: block;
  }

  :host([inline]) .message:not(:empty) {
    position: absolute;
    top: 100%;
    left: 0;
    z-index: 1;
    width: max-content;
    max-width: 20em;
    padding: 0.25em 0.5em;
    border: 1px solid currentColor;
    border-radius: 4px;
    background: Canvas;
    font-size: 0.85em;
  }

  @media (forced-colors: active) {
    button {
      border: 1px solid ButtonText;
    }
  }
`;
