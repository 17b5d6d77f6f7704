import type { CallButtonMessages } from './catalogue.js';

/**
 * Hindi, as agents in Indian offices speak it: everyday words (कॉल, नंबर, ऐप, एडमिन) kept as
 * they are said, not replaced by formal coinages; "Superfone" and "API key" left in Latin.
 */
export const messages: CallButtonMessages = {
  call: 'कॉल करें',
  callNumber: (number) => `${number} को कॉल करें`,
  calling: 'कॉल लग रही है…',
  callingNumber: (number) => `${number} को कॉल लग रही है…`,
  ending: 'कॉल कट रही है…',
  endingCallWith: (number) => `${number} से कॉल कट रही है…`,
  endCall: 'कॉल काटें',
  endCallWith: (number) => `${number} से कॉल काटें`,
  tryAgain: 'फिर से कोशिश करें',
  tryAgainCall: (number) => `फिर से कोशिश करें: ${number} को कॉल करें`,
  endCurrentCall: 'चालू कॉल काटें',
  callInProgress: 'कॉल चल रही है: काटने के लिए दबाएँ',
  busyWith: (number) => `आप ${number} से कॉल पर हैं। किसी और को कॉल करने के लिए पहले वह कॉल काटें।`,
  onAnotherCall: 'आप दूसरी कॉल पर हैं। किसी और को कॉल करने के लिए पहले वह कॉल काटें।',
  signInAgain: 'फिर से साइन इन करें: आपका साइन-इन समाप्त हो गया है। साइन इन करने के लिए एक्सटेंशन की सेटिंग खोलें।',

  appIsCalling: (number) => `आपका Superfone ऐप ${number} को कॉल कर रहा है।`,
  onCallWith: (number) => `${number} से कॉल चल रही है।`,
  endingTheCall: 'कॉल काटी जा रही है…',
  callEnded: 'कॉल खत्म हुई।',
  timeLimitReached: 'कॉल अपनी तय समय-सीमा तक पहुँच गई, इसलिए काट दी गई।',

  callEndedAfter: (duration) => `कॉल खत्म · ${duration}`,
  noAnswer: 'किसी ने फ़ोन नहीं उठाया',
  customerBusy: 'ग्राहक का फ़ोन व्यस्त है',
  callFailed: 'कॉल नहीं लग पाई',

  unknownCountry: (country) => `डिफ़ॉल्ट देश “${country}” पहचाना नहीं गया; IN जैसा दो अक्षरों वाला कोड लिखें।`,
  noCustomerNumber: 'कॉल करने के लिए ग्राहक का नंबर नहीं है।',
  invalidCustomerNumber: (written) => `“${written}” सही फ़ोन नंबर नहीं है, इसलिए इस पर कॉल नहीं हो सकती।`,
  invalidAgentNumber: (written) => `एजेंट का नंबर “${written}” सही फ़ोन नंबर नहीं है।`,

  errors: {
    invalid_number: 'यह फ़ोन नंबर सही नहीं है। नंबर जाँचकर फिर से कोशिश करें।',
    bad_request: 'कॉल का अनुरोध समझा नहीं जा सका। पेज रीलोड करके फिर से कोशिश करें।',
    unauthorized: 'आप कॉलिंग में साइन इन नहीं हैं। फिर से साइन इन करके कोशिश करें।',
    token_expired: 'आपका साइन-इन समाप्त हो गया है। फिर से साइन इन करके कोशिश करें।',
    forbidden: 'आपको यह कॉल करने की अनुमति नहीं है। अपने एडमिन से बात करें।',
    agent_not_found: 'आपका नंबर Superfone में डैशबोर्ड कॉलिंग के लिए सेट नहीं है। अपने एडमिन से इसे चालू करने को कहें।',
    agent_busy: 'आप पहले से एक कॉल पर हैं। चालू कॉल काटकर फिर से कोशिश करें।',
    notification_failed: 'आपके Superfone ऐप तक कॉल का अनुरोध नहीं पहुँचा। ऐप खोलकर देखें कि वह साइन इन और ऑनलाइन है, फिर से कोशिश करें।',
    rate_limited: 'बहुत ज़्यादा कॉल अनुरोध हो गए। थोड़ा रुककर फिर से कोशिश करें।',
    upstream_auth: 'सर्वर पर कॉलिंग सही से सेट नहीं है (Superfone ने उसकी API key नहीं मानी)। अपने एडमिन से बात करें।',
    upstream_error: 'Superfone यह अनुरोध पूरा नहीं कर सका। थोड़ी देर में फिर से कोशिश करें।',
    upstream_timeout: 'Superfone ने समय पर जवाब नहीं दिया, इसलिए पता नहीं कि कॉल का अनुरोध पहुँचा या नहीं। दोबारा कोशिश करने से पहले अपना Superfone ऐप देख लें।',
    upstream_unavailable: 'Superfone अभी जवाब नहीं दे रहा, इसलिए कॉल कुछ देर के लिए रुकी हैं। थोड़ी देर में फिर से कोशिश करें।',
    limits_unavailable: 'कॉलिंग सेवा अभी अपनी कॉल सीमाएँ जाँच नहीं पा रही, इसलिए कोई कॉल नहीं की गई। थोड़ी देर में फिर से कोशिश करें।',
    auth_unavailable: 'आपका साइन-इन अभी जाँचा नहीं जा सका, इसलिए कोई कॉल नहीं की गई। थोड़ी देर में फिर से कोशिश करें।',
    token_unavailable: 'यह पेज कॉलिंग के लिए आपका साइन-इन नहीं ले सका, इसलिए कोई कॉल नहीं की गई। पेज रीलोड करें या फिर से साइन इन करें, फिर कोशिश करें।',
    network_error: 'कॉलिंग सेवा से संपर्क नहीं हो सका। अपना इंटरनेट कनेक्शन जाँचकर फिर से कोशिश करें।',
    internal_error: 'कॉलिंग सेवा में कोई अनचाही गड़बड़ी हुई। फिर से कोशिश करें, या अपने एडमिन से बात करें।',
  },
  waitAndRetry: (seconds) => `बहुत ज़्यादा कॉल अनुरोध हो गए। ${seconds} सेकंड रुककर फिर से कोशिश करें।`,
  customerLimit: (wait, at) => `इस ग्राहक को थोड़े समय में कई बार कॉल की जा चुकी है। ${wait} बाद (${at} पर) उन्हें फिर से कॉल कर सकते हैं।`,
  agentLimit: (wait) => `आपने थोड़े समय में बहुत सारी कॉल शुरू की हैं। ${wait} रुककर फिर से कोशिश करें।`,
  browserLimit: (wait) => `इस ब्राउज़र से बहुत ज़्यादा कॉल अनुरोध आए हैं। ${wait} रुककर फिर से कोशिश करें।`,
  endLimit: 'कॉल काटने के बहुत ज़्यादा अनुरोध हो गए। अगर कॉल अभी भी चालू है, तो उसे Superfone ऐप में काटें।',
  superfoneLimit: (wait) => `Superfone अभी कॉल अनुरोध सीमित कर रहा है। ${wait} रुककर फिर से कोशिश करें।`,
  countryNotAllowed: (country, callingCode) => `इस CRM से ${country} (+${callingCode}) में कॉल करने की अनुमति नहीं है। ज़रूरत हो तो अपने एडमिन से बात करें।`,
  agentNumberMissing: 'एजेंट का नंबर कहीं सेट नहीं है: कॉल बटन पर agent-number लिखें, या सर्वर पर एजेंट जोड़ें।',
  unexpectedAnswer: (status) => `कॉलिंग सेवा से अनपेक्षित जवाब मिला (HTTP ${status})। अपने एडमिन से प्रॉक्सी का पता जाँचने को कहें।`,
};
