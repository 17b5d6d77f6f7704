const clientAddresses = new WeakMap<Request, string>();

/** Remembers the TCP peer of a request an adapter made, for the per-client rate limit. */
export function rememberClientAddress(request: Request, address: string | undefined): void {
  if (address) clientAddresses.set(request, address);
}

/** The TCP peer of a request that came through the Node adapters, if known. */
export function clientAddressOf(request: Request): string | undefined {
  return clientAddresses.get(request);
}
