import { Component, lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Header } from './components/Header';
import { hrefFor, parseHash, useHash, type PageId } from './components/router';
import { useStores } from './stores/react';
import { LiveCallsPage } from './pages/LiveCallsPage';
import { ContextsPage } from './pages/ContextsPage';
import { HistoryPage } from './pages/HistoryPage';
import { SettingsPage } from './pages/SettingsPage';
import { DoctorPage } from './pages/DoctorPage';

const LatencyPage = lazy(() => import('./pages/LatencyPage'));
const RecordingsPage = lazy(() => import('./pages/RecordingsPage'));
const SoftphonePage = lazy(() => import('./softphone/SoftphonePage'));

const NAV: { id: PageId; label: string }[] = [
  { id: 'calls', label: 'Live calls' },
  { id: 'latency', label: 'Latency' },
  { id: 'contexts', label: 'Contexts' },
  { id: 'history', label: 'History' },
  { id: 'recordings', label: 'Recordings' },
  { id: 'softphone', label: 'Softphone' },
  { id: 'settings', label: 'Settings' },
  { id: 'doctor', label: 'Doctor' },
];

/** A render error in one page shows inline; the shell and the other pages keep working. */
class PageBoundary extends Component<{ page: string; children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidUpdate(prev: { page: string }) {
    if (prev.page !== this.props.page && this.state.error) this.setState({ error: undefined });
  }
  override render() {
    if (this.state.error) {
      return (
        <div className="notice notice-error" role="alert">
          <strong>This page failed to render.</strong> {this.state.error.message}
        </div>
      );
    }
    return this.props.children;
  }
}

function PageFor({ page, id }: { page: PageId; id: string | undefined }) {
  switch (page) {
    case 'calls':
      return <LiveCallsPage selectedId={id} />;
    case 'latency':
      return <LatencyPage />;
    case 'contexts':
      return <ContextsPage selected={id} />;
    case 'history':
      return <HistoryPage detailId={id} />;
    case 'recordings':
      return <RecordingsPage detailId={id} />;
    case 'softphone':
      return <SoftphonePage />;
    case 'settings':
      return <SettingsPage />;
    case 'doctor':
      return <DoctorPage />;
  }
}

export function App() {
  const stores = useStores();
  const route = parseHash(useHash());
  useEffect(() => {
    void stores.health.getState().load();
    void stores.calls.getState().load();
  }, [stores]);
  const title = NAV.find((n) => n.id === route.page)?.label ?? 'AAVA';
  useEffect(() => {
    document.title = `${title} · AAVA Desktop`;
  }, [title]);
  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <Header />
      <nav className="app-nav" aria-label="Pages">
        <ul>
          {NAV.map((n) => (
            <li key={n.id}>
              <a href={hrefFor(n.id)} aria-current={route.page === n.id ? 'page' : undefined}>
                {n.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="app-main" tabIndex={-1}>
        <PageBoundary page={route.page}>
          <Suspense fallback={<p className="muted">Loading…</p>}>
            <PageFor page={route.page} id={route.id} />
          </Suspense>
        </PageBoundary>
      </main>
    </div>
  );
}
