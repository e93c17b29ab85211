/** The user's browser, as far as the suite needs one: GET with cookies, following redirects by hand. */

export interface BrowseResult {
  /** Status of the first response from the partner's origin (a redirect counts as accepted). */
  status: number;
  url: string;
  cookies: string[];
  body: string;
}

export async function browse(url: string, cookies: string[] = [], maxHops = 5): Promise<BrowseResult> {
  let current = url;
  let jar = [...cookies];
  let first: number | undefined;
  const origin = new URL(url).origin;
  for (let hop = 0; ; hop++) {
    const res = await fetch(current, { redirect: 'manual', headers: jar.length ? { cookie: jar.join('; ') } : {}, signal: AbortSignal.timeout(30_000) });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
    jar = [...jar.filter((c) => !set.some((s) => s.split('=')[0] === c.split('=')[0])), ...set];
    if (new URL(current).origin === origin) first ??= res.status;
    const location = res.headers.get('location');
    const body = await res.text();
    if (res.status >= 300 && res.status < 400 && location && hop < maxHops) {
      current = new URL(location, current).href;
      continue;
    }
    return { status: first ?? res.status, url: current, cookies: jar, body };
  }
}
