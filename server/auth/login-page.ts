/**
 * The login page: plain HTML with a form (no script, so it works before any bundle loads and
 * under the strictest CSP), Chinese first with English beneath.
 */

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/**
 * A local path to return to after login; anything else (other sites, `//host`, `/\host`) is `/`.
 * @example safeNext('/wall?town=1') // '/wall?town=1'
 * @example safeNext('https://evil.example/') // '/'
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\r\n]/.test(next))
    return '/'
  return next.slice(0, 2000)
}

/**
 * The login page's one script (a file, since the CSP allows no inline script): a link's map view
 * lives in the URL's #fragment, which the server never sees; the browser keeps it across the
 * redirect to this page, and this puts it back into the way back.
 */
export const LOGIN_SCRIPT = `(() => {
  const next = document.querySelector('input[name=next]')
  if (next && location.hash && !next.value.includes('#')) next.value += location.hash
})()
`

/** The page, with a message after a failed attempt. */
export function loginPage(opts: { next: string; error: 'failed' | 'limited' | null }): string {
  const message =
    opts.error === 'failed'
      ? '<p class="error" role="alert">用户名或密码错误<br><span>Wrong username or password</span></p>'
      : opts.error === 'limited'
        ? '<p class="error" role="alert">尝试次数过多，请稍后再试<br><span>Too many attempts, try again later</span></p>'
        : ''
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · 平安一张图</title>
<style>
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #0b1f33; font-family: "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif; color: #1b2733; }
  form { background: #fff; padding: 32px 36px; border-radius: 8px; width: 320px; box-shadow: 0 8px 30px rgba(0,0,0,.35); }
  h1 { font-size: 22px; margin: 0 0 4px; } h1 + p { margin: 0 0 20px; color: #607080; font-size: 13px; }
  label { display: block; font-size: 14px; margin: 12px 0 4px; } label span, .error span { color: #8090a0; font-size: 12px; }
  input { width: 100%; box-sizing: border-box; padding: 8px 10px; font-size: 15px; border: 1px solid #b8c4d0; border-radius: 4px; }
  button { margin-top: 20px; width: 100%; padding: 10px; font-size: 16px; background: #1565c0; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  .error { color: #c62828; font-size: 14px; margin: 0 0 8px; }
</style>
</head>
<body>
<form method="post" action="/api/auth/login">
  <h1>平安一张图</h1>
  <p>Ping'an OneMap · 请登录 / Log in</p>
  ${message}
  <input type="hidden" name="next" value="${escapeHtml(opts.next)}">
  <label for="username">用户名 <span>Username</span></label>
  <input id="username" name="username" autocomplete="username" required autofocus>
  <label for="password">密码 <span>Password</span></label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">登录 Log in</button>
</form>
<script src="/login.js"></script>
</body>
</html>`
}
