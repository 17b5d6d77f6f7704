// A small CRM in React, written as an integrator would: the package's React components,
// detection on for everything it renders, state that edits, sorts, filters and routes.
// client.jsx renders it in the browser; server.jsx renders it to HTML for hydration.
import { useState } from 'react';
import { SuperfoneClickToCall } from 'superfone-call-button/react';
import { AGENT, CONTACTS, EDITED_PHONE, note } from '../crm-data.js';

function Contacts({ contacts, setContacts, log }) {
  const [filter, setFilter] = useState('');
  const [descending, setDescending] = useState(false);
  const shown = contacts
    .filter((contact) => contact.name.toLowerCase().includes(filter.toLowerCase()))
    .sort((a, b) => (descending ? -1 : 1) * a.name.localeCompare(b.name));
  return (
    <section>
      <input id="filter" aria-label="Filter" value={filter} onChange={(event) => setFilter(event.target.value)} />
      <button id="sort" onClick={() => setDescending(!descending)}>Sort</button>
      <button id="edit" onClick={() => setContacts(contacts.map((contact) => (contact.id === 1 ? { ...contact, phone: EDITED_PHONE } : contact)))}>
        Edit Arjun
      </button>
      <table>
        <tbody>
          {shown.map((contact) => (
            <tr key={contact.id} data-id={contact.id}>
              <td>{contact.name}</td>
              {/* The note is one text node among siblings: React updates it in place (nodeValue). */}
              <td className="note"><b>{contact.name}:</b> {note(contact)}</td>
              <td>
                <button id={`remove-${contact.id}`} onClick={() => setContacts(contacts.filter((other) => other.id !== contact.id))}>Remove</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul id="log">{log.map((line, index) => <li key={index}>{line}</li>)}</ul>
    </section>
  );
}

function Notes() {
  const [draft, setDraft] = useState('');
  return (
    <section>
      <textarea id="draft" aria-label="Draft" value={draft} onChange={(event) => setDraft(event.target.value)} />
      <p id="preview"><i>Preview:</i> {draft}</p>
    </section>
  );
}

export function App() {
  const [route, setRoute] = useState('contacts');
  const [contacts, setContacts] = useState(CONTACTS);
  const [log, setLog] = useState([]);
  return (
    <SuperfoneClickToCall detect agentNumber={AGENT} onCallStarted={(event) => setLog((lines) => [...lines, `started ${event.detail.customerNumber}`])}>
      <nav>
        <button id="to-contacts" onClick={() => setRoute('contacts')}>Contacts</button>
        <button id="to-notes" onClick={() => setRoute('notes')}>Notes</button>
      </nav>
      {route === 'contacts' ? <Contacts contacts={contacts} setContacts={setContacts} log={log} /> : <Notes />}
    </SuperfoneClickToCall>
  );
}

