// Prints the CRM rendered to HTML, as a server-rendering React app sends it.
import { renderToString } from 'react-dom/server';
import { App } from './crm-app.jsx';

process.stdout.write(renderToString(<App />));
