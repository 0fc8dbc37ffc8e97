/**
 * Where the reader is (the open study and the series in the active viewport), kept in the page's
 * URL fragment so a reload, or a bookmark, comes back to it. The fragment never reaches the host,
 * so no UID is sent anywhere by it; the web host's token in the query string is left as it is.
 */
export interface ReaderPlace {
  study: string | undefined;
  series: string | undefined;
}

export function readPlace(): ReaderPlace {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  return { study: params.get('study') ?? undefined, series: params.get('series') ?? undefined };
}

export function writePlace(place: ReaderPlace): void {
  const params = new URLSearchParams();
  if (place.study) params.set('study', place.study);
  if (place.study && place.series) params.set('series', place.series);
  const hash = params.toString();
  const url = `${window.location.pathname}${window.location.search}${hash ? `#${hash}` : ''}`;
  if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) window.history.replaceState(null, '', url);
}
