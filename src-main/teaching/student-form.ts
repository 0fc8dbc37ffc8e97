/** Text for HTML element content and attribute values: the five characters HTML gives meaning to. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * The form pages' own policy: no script at all, inline style only, and the form may post
 * only to this host. (The renderer's policy forbids forms; these pages have nothing else.)
 */
export const studentFormSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const style = `body{font:16px/1.5 system-ui,sans-serif;background:#111;color:#eee;display:flex;justify-content:center;padding-top:12vh;margin:0}
main{max-width:26rem;padding:1.5rem;background:#1d1f24;border-radius:8px}
label{display:block;margin:.75rem 0 .25rem}input{font:inherit;width:100%;box-sizing:border-box;padding:.4rem}
button{font:inherit;margin-top:1rem;padding:.4rem 1.2rem}.error{color:#ff8a80}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${style}</style></head><body><main>${body}</main></body></html>`;
}

/**
 * The page a student opens from the session's link: one field for a display name, posted
 * back to the same address. Server-rendered and script-free, so it works in any browser
 * and nothing on it can run; every value shown is escaped.
 */
export function studentJoinPage(formPath: string, options: { error?: string; name?: string } = {}): string {
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  return page(
    'Join the teaching session',
    `<h1>Join the teaching session</h1>
<p>Type the name the teacher will see beside your answers. The images you will see are de-identified teaching cases.</p>
${error}<form method="post" action="${escapeHtml(formPath)}">
<label for="name">Your display name</label>
<input id="name" name="name" maxlength="60" required autofocus value="${escapeHtml(options.name ?? '')}">
<button type="submit">Join</button>
</form>`,
  );
}

/** A sentence page for a link that no longer opens anything (ended session, removed student). */
export function sentencePage(title: string, sentence: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(sentence)}</p>`);
}
