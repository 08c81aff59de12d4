import { door, type EndpointInfo } from '../api';
import { useQuery } from '../lib/useQuery';

/**
 * Where apps reach this Tollgate, for the endpoint page and every snippet: the page's origin in a
 * browser; the desktop's local endpoint (or remote server) over IPC, null with the reason when the
 * local port is busy.
 */
export function useEndpoint(): { info: EndpointInfo | undefined; loading: boolean; reload: () => void } {
  const q = useQuery(() => door.endpoint(), []);
  return { info: q.data, loading: q.loading, reload: q.reload };
}

/** The URL to put in snippets: the endpoint, or a placeholder that says why there is none. */
export function snippetUrl(info: EndpointInfo | undefined): string {
  if (!info) return door.kind === 'http' ? door.origin() : 'http://127.0.0.1:8787';
  return info.apiUrl ?? 'http://127.0.0.1:PORT';
}
