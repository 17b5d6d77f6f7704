// RingCentral C2D's phone number matcher, as its RangeObserver runs it over a page: the
// reference the detection bench measures beside ours, on the same table in the same run.
// (Its own CDN build exports only the widget; core-js is a polyfill its number package
// requires without declaring it.)
export { LibPhoneNumberMatcher } from 'ringcentral-c2d/matchers/index.js';
