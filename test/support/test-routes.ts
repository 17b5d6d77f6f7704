/** Paths the browser-test server mounts, shared by its config and the tests. */
export const TEST_ROUTES = {
  /** The proxy as most integrators mount it, with call notifications on: its calls can be followed. */
  proxy: '/api/superfone/call',
  /** Where the simulator reports calls to the main proxy. */
  webhook: '/api/superfone/webhook',
  /** A proxy configured with a key Superfone rejects. */
  wrongKey: '/api/wrong-key/call',
  /** A proxy whose `authorize` binds every user to +919812345678. */
  boundAgent: '/api/bound-agent/call',
  /** A proxy whose `authorize` refuses everyone. */
  refused: '/api/refused/call',
  /** A proxy whose `authorize` throws. */
  brokenAuthorize: '/api/broken-authorize/call',
  /** A proxy with the default limits and countries, and a circuit breaker that opens after 2 failures. */
  guarded: '/api/guarded/call',
  /**
   * Not our proxy: a pass-through that answers 200 with Superfone's body as it came,
   * `sentSuccess: false` included, as an older or hand-written proxy would. Ours never
   * does (it answers 502), so only a stand-in can show what the element does with it.
   */
  undeliveredPassThrough: '/api/pass-through-undelivered/call',
  /**
   * A proxy with call notifications on whose `authorize` knows one session: `Bearer
   * vikram-session` is Vikram; anything else is refused. Its store is its own: the
   * simulator reports to the main proxy.
   */
  signedIn: '/api/signed-in/call',
  /** The simulator's control endpoints. */
  simulator: '/__superfone-simulator',
} as const;

/** The proxy's upstream timeout in tests: short, so a hanging Superfone is tested quickly. */
export const TEST_TIMEOUT_MS = 1_500;

/** The simulator's key in browser tests: distinctive, so the leak check over all test output can look for it. */
export const TEST_API_KEY = 'sf_test_BROWSER_SECRET_41d7';

/** The main proxy's webhook secret, which the simulator's deliveries carry. */
export const TEST_WEBHOOK_SECRET = 'whsec_BROWSER_TEST_a81f3c5d';
