/** What `<superfone-missed-calls>` says, in one language. A page changes any of them with the element's `messages` property. */
export interface MissedCallWords {
  title: string;
  loading: string;
  empty: string;
  /** The Call button's word on each item, and its accessible name. */
  callBack: string;
  callBackNumber(number: string): string;
  dismiss: string;
  dismissNumber(number: string): string;
  /** Said once through the page's live region for each missed call that arrives while the page is open. */
  arrived(number: string, name: string | null): string;
  signInAgain: string;
  notAvailable: string;
  tryLater: string;
}

const en: MissedCallWords = {
  title: 'Missed calls',
  loading: 'Loading missed calls…',
  empty: 'No missed calls.',
  callBack: 'Call back',
  callBackNumber: (number) => `Call back ${number}`,
  dismiss: 'Dismiss',
  dismissNumber: (number) => `Dismiss the missed call from ${number}`,
  arrived: (number, name) => `Missed call from ${name ? `${name}, ` : ''}${number}`,
  signInAgain: 'Sign in again to see your missed calls.',
  notAvailable: 'Missed calls are not available here. Ask your administrator to set up sign-in and call notifications.',
  tryLater: 'Missed calls cannot be loaded right now. Trying again…',
};

const hi: MissedCallWords = {
  title: 'छूटी हुई कॉल',
  loading: 'छूटी हुई कॉल लोड हो रही हैं…',
  empty: 'कोई छूटी हुई कॉल नहीं।',
  callBack: 'वापस कॉल करें',
  callBackNumber: (number) => `${number} को वापस कॉल करें`,
  dismiss: 'हटाएँ',
  dismissNumber: (number) => `${number} की छूटी हुई कॉल हटाएँ`,
  arrived: (number, name) => `${name ? `${name}, ` : ''}${number} से छूटी हुई कॉल`,
  signInAgain: 'अपनी छूटी हुई कॉल देखने के लिए फिर से साइन इन करें।',
  notAvailable: 'छूटी हुई कॉल यहाँ उपलब्ध नहीं हैं। अपने एडमिनिस्ट्रेटर से साइन-इन और कॉल सूचनाएँ चालू करने को कहें।',
  tryLater: 'छूटी हुई कॉल अभी लोड नहीं हो पा रही हैं। फिर से कोशिश की जा रही है…',
};

/** The words for a page language: Hindi for `hi` and `hi-*`, else English. */
export function missedCallWords(language: string): MissedCallWords {
  return language.toLowerCase().split('-')[0] === 'hi' ? hi : en;
}
