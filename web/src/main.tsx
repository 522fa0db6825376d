// Entry point: styles, providers, the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { PendingTopupsProvider } from './state/PendingTopupsContext';
import { CallReceiptsProvider } from './state/CallReceiptsContext';
import { RevealProvider } from './state/RevealContext';
import { TokenProvider } from './state/TokenContext';
import './styles/base.css';
import './styles/layout.css';
import './styles/controls.css';
import './styles/feedback.css';
import './styles/content.css';
import './styles/pages.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <TokenProvider>
      <RevealProvider>
        <PendingTopupsProvider>
          <CallReceiptsProvider>
            <App />
          </CallReceiptsProvider>
        </PendingTopupsProvider>
      </RevealProvider>
    </TokenProvider>
  </StrictMode>,
);
