import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './api/client';
import { createAppStores } from './stores';
import { StoresContext } from './stores/react';
import { App } from './App';
import './styles.css';

const client = createClient();
const stores = createAppStores(client);
const rootEl = document.getElementById('root');
if (!rootEl) throw new Error('index.html: #root missing');
createRoot(rootEl).render(
  <StrictMode>
    <StoresContext.Provider value={stores}>
      <App />
    </StoresContext.Provider>
  </StrictMode>,
);
window.addEventListener('beforeunload', () => stores.dispose());
