// Renders the CRM, or hydrates it when the server already rendered it into #app.
import { createRoot, hydrateRoot } from 'react-dom/client';
import { App } from './crm-app.jsx';

const container = document.getElementById('app');
if (container.hasChildNodes()) hydrateRoot(container, <App />);
else createRoot(container).render(<App />);
