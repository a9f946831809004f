// Secrets never go into logs or messages: connection URLs are shown with their credentials masked.

// scheme://user:password@ -> scheme://user:***@ (the password may hold '@'; the host part may not)
const userAndPassword = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/,]*):[^\s/,]*@(?=[^\s@/,]*(?:[/,?#:\s]|$))/gi;
// nats://TOKEN@host: NATS takes a bare user part as a token
const natsToken = /\b((?:nats|tls|ws|wss):\/\/)[^\s:@/,]+@/gi;
// ?password=... or &sslpassword=... in a query string
const passwordParameter = /([?&][a-z_]*(?:password|passwd|pass|token|secret)=)[^&\s#]*/gi;

/**
 * `value` (a URL, a comma-separated list of them, or a message quoting them) with every
 * password, NATS token and password-like query parameter replaced by `***`; user names, hosts
 * and the rest stay readable.
 */
export function redactUrl(value: string): string {
  return value.replace(userAndPassword, '$1$2:***@').replace(natsToken, '$1***@').replace(passwordParameter, '$1***');
}
