/**
 * Mounts the real SoftphonePage with the real dashboard client and stores,
 * talking to a real engine (serve's WebSocket API) — only the shell is left out.
 */
import { createRoot } from 'react-dom/client';
import { createClient } from '../../../renderer/src/api/client';
import { createAppStores } from '../../../renderer/src/stores';
import { StoresContext } from '../../../renderer/src/stores/react';
import SoftphonePage from '../../../renderer/src/softphone/SoftphonePage';
import { getPhone } from '../../../renderer/src/softphone/use-phone';

const stores = createAppStores(createClient());
(window as unknown as { softphone: unknown }).softphone = getPhone();
createRoot(document.getElementById('root')!).render(
  <StoresContext.Provider value={stores}>
    <SoftphonePage />
  </StoresContext.Provider>,
);
