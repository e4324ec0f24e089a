/**
 * Options for a refinement that relates fields ("to after from", "lat with lng"): a rule the
 * document can state only in words. A request breaking one is well formed, so the validators
 * answer 422 request.unprocessable, not 400 (which means "not what the document describes").
 */
export function rule(message: string, path?: string[]) {
  return { message, ...(path ? { path } : {}), params: { rule: true } };
}
