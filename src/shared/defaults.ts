/** The proxy's path when nobody configures one; the element POSTs here by default. */
export const DEFAULT_PROXY_PATH = '/api/superfone/call';

/** Region for numbers written without a country code, when nobody sets one: Superfone serves India. */
export const DEFAULT_COUNTRY = 'IN';
