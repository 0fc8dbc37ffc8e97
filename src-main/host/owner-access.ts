import type http from 'node:http';
import { JoinCodes, joinRoute, requestToken, sameToken, tokenCookieHeader, tokenHeader } from './access';
import { answer } from './http-answer';
import type { HostAccess, Principal } from './host-server';

const needsTokenMessage =
  'Radstation: this address needs the access token. Open the join link printed when the host started (each link works once), or ask for a new one.';

const owner: Principal = { role: 'owner', credential: 'owner-token' };

/**
 * The owner's web host: one token, held by the workstation's user, maps to the owner role.
 * A browser joins with a one-time code and then holds the token in an HttpOnly cookie;
 * scripts send it in a header. POST /join with the header mints another link.
 */
export function ownerAccess(token: string, joinCodes: JoinCodes): HostAccess {
  const join = (request: http.IncomingMessage, response: http.ServerResponse, url: URL): void => {
    if (request.method === 'POST') {
      // Minting needs the header, not the cookie, so no page can make a browser mint one.
      const header = request.headers[tokenHeader];
      if (!sameToken(typeof header === 'string' ? header : undefined, token)) {
        answer(response, 401, 'New join links need the token in the x-radstation-token header.');
        return;
      }
      const code = joinCodes.issue();
      answer(response, 201, JSON.stringify({ code, path: `${joinRoute}?code=${code}` }), { 'content-type': 'application/json; charset=utf-8' });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      answer(response, 405, 'Open the join link with GET.', { allow: 'GET, HEAD, POST' });
      return;
    }
    if (request.method === 'HEAD') {
      // A link checker or preview asks HEAD: it must not spend the code meant for a browser.
      answer(response, 200, '');
      return;
    }
    const redeemed = joinCodes.redeem(url.searchParams.get('code'));
    if (!redeemed && sameToken(requestToken(request), token)) {
      // A browser that already joined reopens its link (a reload, the history): let it in as it is.
      answer(response, 303, 'Already joined.', { location: '/' });
      return;
    }
    if (!redeemed) {
      answer(response, 401, 'Radstation: this join link was already used or is not valid; each link works once. Ask whoever runs the host for a new one.');
      return;
    }
    // 303 to a clean address: the code leaves the address bar, and it is dead already.
    answer(response, 303, 'Joined.', { location: '/', 'set-cookie': tokenCookieHeader(token) });
  };

  return {
    publicRoute: (request, response, url) => {
      if (url.pathname !== joinRoute) return false;
      join(request, response, url);
      return true;
    },
    principalOf: (request) => (sameToken(requestToken(request), token) ? owner : undefined),
    holds: () => true,
    authorisedHeaders: () => ({ 'set-cookie': tokenCookieHeader(token) }),
    refusal: () => ({ status: 401, message: needsTokenMessage }),
  };
}
