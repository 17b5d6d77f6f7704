/** Superfone's documented Click-to-Call endpoint, relative to the API base: the proxy calls it, the simulator answers it. */
export const CLICK_TO_CALL_PATH = '/customer/click-2-call';
