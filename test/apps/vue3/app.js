// The same small CRM in Vue 3, with the tags written in a template, as the README shows.
// Vue's build with the template compiler, as the README's recipe imports it: no bundler alias needed.
import { computed, createApp, ref } from 'vue/dist/vue.esm-bundler.js';
import 'superfone-call-button';
import { AGENT, CONTACTS, EDITED_PHONE, note } from '../crm-data.js';

const app = createApp({
  setup() {
    const route = ref('contacts');
    const contacts = ref(CONTACTS.map((contact) => ({ ...contact })));
    const filter = ref('');
    const descending = ref(false);
    const draft = ref('');
    const log = ref([]);
    const shown = computed(() =>
      contacts.value
        .filter((contact) => contact.name.toLowerCase().includes(filter.value.toLowerCase()))
        .sort((a, b) => (descending.value ? -1 : 1) * a.name.localeCompare(b.name)),
    );
    const edit = () => (contacts.value = contacts.value.map((contact) => (contact.id === 1 ? { ...contact, phone: EDITED_PHONE } : contact)));
    const remove = (id) => (contacts.value = contacts.value.filter((contact) => contact.id !== id));
    const started = (event) => log.value.push(`started ${event.detail.customerNumber}`);
    return { AGENT, route, shown, filter, descending, draft, log, edit, remove, started, note };
  },
  template: `
    <superfone-click-to-call detect :agent-number="AGENT" @superfone-call-started="started">
      <nav>
        <button id="to-contacts" @click="route = 'contacts'">Contacts</button>
        <button id="to-notes" @click="route = 'notes'">Notes</button>
      </nav>
      <section v-if="route === 'contacts'">
        <input id="filter" aria-label="Filter" v-model="filter" />
        <button id="sort" @click="descending = !descending">Sort</button>
        <button id="edit" @click="edit">Edit Arjun</button>
        <table><tbody>
          <tr v-for="contact in shown" :key="contact.id" :data-id="contact.id">
            <td>{{ contact.name }}</td>
            <td class="note"><b>{{ contact.name }}:</b> {{ note(contact) }}</td>
            <td><button :id="'remove-' + contact.id" @click="remove(contact.id)">Remove</button></td>
          </tr>
        </tbody></table>
        <ul id="log"><li v-for="(line, index) in log" :key="index">{{ line }}</li></ul>
      </section>
      <section v-else>
        <textarea id="draft" aria-label="Draft" v-model="draft"></textarea>
        <p id="preview"><i>Preview:</i> {{ draft }}</p>
      </section>
    </superfone-click-to-call>`,
});
// Vue must leave these tags to the browser's custom elements.
app.config.compilerOptions.isCustomElement = (tag) => tag.startsWith('superfone-');
app.mount('#app');
