import { Center, Loader } from '@mantine/core';
import { useEffect, type ReactNode } from 'react';
import { createHashRouter, Navigate, useLocation, useNavigate } from 'react-router';
import { door, onUnauthenticated } from './api';
import { Layout } from './components/Layout';
import { CustomerPage } from './pages/customers/CustomerPage';
import { CustomersPage } from './pages/customers/CustomersPage';
import { EventsPage } from './pages/events/EventsPage';
import { GettingStartedPage } from './pages/GettingStarted';
import { LoginPage } from './pages/Login';
import { MonitorPage } from './pages/Monitor';
import { NotFoundPage } from './pages/NotFound';
import { OverviewPage } from './pages/Overview';
import { PlanDetailPage } from './pages/plans/PlanDetail';
import { PlanEditorPage } from './pages/plans/PlanEditor';
import { PlansPage } from './pages/plans/PlansPage';
import { CouponsPage } from './pages/plans/CouponsPage';
import { SettingsPage } from './pages/settings/SettingsPage';
import { TcoPage } from './pages/Tco';
import { AuditLogPage } from './pages/audit/AuditLogPage';
import { InvoiceDetailPage } from './pages/invoices/InvoiceDetail';
import { InvoicesPage } from './pages/invoices/InvoicesPage';
import { AgingPage } from './pages/invoices/AgingPage';
import { OperationsPage } from './pages/OperationsPage';
import { WebhooksPage } from './pages/webhooks/WebhooksPage';
import { useSession } from './state/session';

/** Signed-in pages: check the session once; a 401 anywhere sends to the login page and back. */
function RequireSession({ children }: { children: ReactNode }) {
  const status = useSession((s) => s.status);
  const location = useLocation();
  const navigate = useNavigate();
  useEffect(() => {
    if (status !== 'checking') return;
    door
      .session()
      .then((key) => useSession.getState().set(key))
      .catch(() => useSession.getState().set(null));
  }, [status]);
  useEffect(
    () =>
      onUnauthenticated(() => {
        useSession.getState().set(null);
        navigate(`/login?next=${encodeURIComponent(window.location.hash.slice(1) || '/')}`);
      }),
    [navigate],
  );
  if (status === 'checking') {
    return (
      <Center h="100vh">
        <Loader aria-label="Checking the session" />
      </Center>
    );
  }
  if (status === 'anonymous') return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children}</>;
}

export const router = createHashRouter([
  { path: '/login', element: <LoginPage /> },
  {
    path: '/',
    element: (
      <RequireSession>
        <Layout />
      </RequireSession>
    ),
    children: [
      { index: true, element: <OverviewPage /> },
      { path: 'start', element: <GettingStartedPage /> },
      { path: 'customers', element: <CustomersPage /> },
      { path: 'customers/:id', element: <CustomerPage /> },
      { path: 'customers/:id/:tab', element: <CustomerPage /> },
      { path: 'monitor', element: <MonitorPage /> },
      { path: 'plans', element: <PlansPage /> },
      { path: 'plans/new', element: <PlanEditorPage /> },
      { path: 'plans/:code', element: <PlanDetailPage /> },
      { path: 'coupons', element: <CouponsPage /> },
      { path: 'events', element: <EventsPage tab="stream" /> },
      { path: 'events/refused', element: <EventsPage tab="refused" /> },
      { path: 'invoices', element: <InvoicesPage /> },
      { path: 'invoices/aging', element: <AgingPage /> },
      { path: 'invoices/:id', element: <InvoiceDetailPage /> },
      { path: 'webhooks', element: <WebhooksPage /> },
      { path: 'webhooks/:tab', element: <WebhooksPage /> },
      { path: 'audit', element: <AuditLogPage /> },
      { path: 'operations', element: <OperationsPage /> },
      { path: 'tco', element: <TcoPage /> },
      { path: 'settings', element: <SettingsPage /> },
      { path: 'settings/:tab', element: <SettingsPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
