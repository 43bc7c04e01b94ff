import type { AuthorizationParams } from '../../../services/oauth-service.js';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** No script, no outside resource, never framed (clickjacking), never cached. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * The consent page's headers. Chromium applies form-action to the redirects that follow a form's POST, so
 * 'self' alone blocks the 303 back to the client after Approve or Deny; the page may therefore also send the
 * browser to the origin of this request's validated redirect URI, and to nowhere else.
 */
export function consentPageHeaders(redirectOrigin: string): typeof PAGE_HEADERS {
  return { ...PAGE_HEADERS, 'content-security-policy': PAGE_HEADERS['content-security-policy'].replace("form-action 'self'", `form-action 'self' ${redirectOrigin}`) };
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}li{margin:.25rem 0}code{background:#f1f3f5;padding:0 .25rem}button{font:inherit;padding:.5rem 1.25rem;margin-right:.5rem}.muted{color:#57606a}</style></head>
<body>${body}</body></html>`;
}

export function errorPage(message: string): string {
  return page('Authorization failed', `<h1>Authorization failed</h1><p>${escape(message)}</p><p class="muted">You have not been sent back to the application.</p>`);
}

/**
 * The session cookie is SameSite=Strict, so a browser arriving from the application's site does not send it;
 * a click on this same-site link does. Without a session at all, the user signs in on the dashboard first.
 */
export function signInPage(continueUrl: string): string {
  return page(
    'Sign in to continue',
    `<h1>Sign in to continue</h1><p>An application is asking for access to your account.</p>
<p><a href="${escape(continueUrl)}">Continue</a> if you are signed in to the dashboard, or <a href="/" target="_blank" rel="noopener">sign in</a> first and then continue.</p>`,
  );
}

export interface ConsentView {
  appName: string;
  appDescription: string;
  homepage: string | null;
  organizationName: string;
  userEmail: string;
  granted: Array<{ name: string; description: string }>;
  dropped: string[];
  params: AuthorizationParams;
  csrfToken: string;
  redirectOrigin: string;
}

/** Names the application, its organization and each scope in words; approve and deny post back with the CSRF token. */
export function consentPage(view: ConsentView): string {
  const hidden = Object.entries(view.params)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(String(value))}">`)
    .join('');
  const scopes = view.granted.map((s) => `<li><code>${escape(s.name)}</code>: ${escape(s.description)}</li>`).join('');
  const dropped =
    view.dropped.length === 0
      ? ''
      : `<p class="muted">Not granted, because your role does not hold them: ${view.dropped.map((s) => `<code>${escape(s)}</code>`).join(', ')}.</p>`;
  const homepage = view.homepage ? ` (<a href="${escape(view.homepage)}" rel="noopener noreferrer">${escape(view.homepage)}</a>)` : '';
  return page(
    `Authorize ${view.appName}`,
    `<h1>Authorize ${escape(view.appName)}</h1>
<p><strong>${escape(view.appName)}</strong>${homepage}, registered in <strong>${escape(view.organizationName)}</strong>, asks to act for you (${escape(view.userEmail)}) with:</p>
${view.appDescription ? `<p class="muted">${escape(view.appDescription)}</p>` : ''}
<ul>${scopes}</ul>${dropped}
<p class="muted">It can never do more than your role allows, now or later. You will be sent back to ${escape(view.redirectOrigin)}.</p>
<form method="post" action="/oauth/authorize">${hidden}<input type="hidden" name="csrf_token" value="${escape(view.csrfToken)}">
<button type="submit" name="decision" value="approve">Approve</button><button type="submit" name="decision" value="deny">Deny</button></form>`,
  );
}
