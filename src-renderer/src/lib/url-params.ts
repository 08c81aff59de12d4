import { useSearchParams } from 'react-router';

/**
 * The page's search params, and a setter of one of them that keeps the others (an empty value
 * removes it) and replaces the history entry: filters live in the URL without flooding Back.
 */
export function useUrlParams(): [URLSearchParams, (key: string, value: string | null) => void] {
  const [params, setParams] = useSearchParams();
  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return [params, setParam];
}
