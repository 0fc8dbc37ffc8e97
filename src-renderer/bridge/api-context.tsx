import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { CallName, CallRequest, CallResponse, RadstationApi } from '../../src-shared/contract';

const ApiContext = createContext<RadstationApi | undefined>(undefined);

export function ApiProvider({ api, children }: { api: RadstationApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): RadstationApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() needs an <ApiProvider> above it');
  return api;
}

export type CallState<Value> = { status: 'loading' } | { status: 'ready'; value: Value } | { status: 'failed'; message: string };

/** Runs a call whenever its request (compared as JSON) or the refresh key changes. */
export function useCall<Name extends CallName>(name: Name, request: CallRequest<Name>, refreshKey = 0): CallState<CallResponse<Name>> {
  const api = useApi();
  const [state, setState] = useState<CallState<CallResponse<Name>>>({ status: 'loading' });
  const requestKey = JSON.stringify(request);
  useEffect(() => {
    let current = true;
    api.call(name, JSON.parse(requestKey) as CallRequest<Name>).then(
      (value) => current && setState({ status: 'ready', value }),
      (error: unknown) => current && setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [api, name, requestKey, refreshKey]);
  return state;
}
