import {
  QueryClient,
  QueryClientProvider,
  type UseQueryResult,
  useQuery,
} from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { Failure } from "../../schema/errors.ts";
import type { Api, ApiResult } from "./api.ts";
import { ErrorState, Spinner } from "./states.tsx";

/**
 * Data loading for the apps: TanStack Query over the apps' one API client, so a page asks for
 * what it shows by its API path and gets loading, error, caching, de-duplication and refetching
 * the same way in every app.
 */

/** An API refusal as a query error: the message is the API's own, ready to show. */
export class ApiFailure extends Error {
  readonly failure: Failure;
  readonly status: number;

  constructor(failure: Failure, status: number) {
    super(failure.message);
    this.failure = failure;
    this.status = status;
  }
}

/**
 * One client per app. A 4xx is the answer, not a blip: retried never; anything else twice. A page
 * shown again draws what it had at once and refetches it, so money and orders are never stale.
 */
function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, error) =>
          !(error instanceof ApiFailure && error.status >= 400 && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

const client = newQueryClient();

export function QueryProvider({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

type QueryOptions = {
  /** Keeps a live figure moving: refetched this often while shown. */
  refetchIntervalMs?: number;
  /** False waits (for an id, say). */
  enabled?: boolean;
};

/**
 * What `load` answers, cached under `key`: for a page that puts one view together from several
 * calls. A refusal becomes the query's error, with the API's message.
 */
export function useApiResult<T>(
  key: readonly unknown[],
  load: () => Promise<ApiResult<T>>,
  options: QueryOptions = {},
): UseQueryResult<T, ApiFailure> {
  return useQuery<T, ApiFailure>({
    queryKey: key,
    enabled: options.enabled ?? true,
    queryFn: async () => {
      const result = await load();
      if (!result.ok) throw new ApiFailure(result.error, result.status);
      return result.value;
    },
    ...(options.refetchIntervalMs ? { refetchInterval: options.refetchIntervalMs } : {}),
  });
}

/** What `path` answers, loaded through `api` and cached under the path itself; `null` waits. */
export function useApiQuery<T>(
  api: Api,
  path: string | null,
  options: QueryOptions = {},
): UseQueryResult<T, ApiFailure> {
  return useApiResult([path], () => api.get<T>(path!), {
    ...options,
    enabled: path !== null && (options.enabled ?? true),
  });
}

/** A query's three states drawn the same everywhere: a spinner, the error with a retry, or it. */
export function Loaded<T>({
  query,
  label,
  children,
}: {
  query: UseQueryResult<T, ApiFailure>;
  label?: string;
  children: (value: T) => ReactNode;
}) {
  if (query.isPending) return <Spinner {...(label ? { label } : {})} />;
  if (query.isError) {
    return <ErrorState message={query.error.message} onRetry={() => void query.refetch()} />;
  }
  return <>{children(query.data)}</>;
}
