/**
 * The security headers of the apps' pages and files. The build writes them to dist/apps/_headers,
 * which Cloudflare's static assets (and the local workerd, through the same asset server) send
 * with every file, the index.html a deep link is answered with included.
 *
 * The pages load only their own scripts and styles, talk only to their own origin (the API and
 * its WebSockets), and show map tiles from the tile server they were built with. Leaflet
 * positions tiles and markers with inline style attributes, hence 'unsafe-inline' for styles
 * (never for scripts).
 */
export function pageHeaders(tileUrlTemplate: string): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${tileSource(tileUrlTemplate)}`,
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "Content-Security-Policy": csp,
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    // The courier app asks for the position; nothing asks for the camera or microphone.
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=()",
  };
}

/**
 * The origin of a tile URL template as a CSP source: "https://{s}.tile.example.org/{z}/..."
 * becomes "https://*.tile.example.org".
 */
export function tileSource(tileUrlTemplate: string): string {
  const origin = /^(https?:\/\/[^/]+)/i.exec(tileUrlTemplate.trim())?.[1];
  if (!origin) throw new Error(`the tile URL ${tileUrlTemplate} has no http(s) origin`);
  return origin.replace(/\{[a-z]+\}/gi, "*").toLowerCase();
}

/** The `_headers` file: every path gets the headers. */
export function headersFile(headers: Record<string, string>): string {
  const lines = Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`);
  return `/*\n${lines.join("\n")}\n`;
}
