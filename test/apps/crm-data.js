// The data every test app renders, and what the tests expect of it.
export const AGENT = '+919876543210';
export const CONTACTS = [
  { id: 1, name: 'Arjun', phone: '91234 56789' },
  { id: 2, name: 'Bela', phone: '098450 12345' },
  { id: 3, name: 'Chitra', phone: '080 2345 6789' },
];
export const EDITED_PHONE = '99001 22334';
/** One text node per cell, with the number inside it, as `{note(contact)}` renders it. */
export function note(contact) {
  return `Call back ${contact.name} on ${contact.phone} regarding the order`;
}
