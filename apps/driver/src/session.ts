import { Api } from "../../ui/api.ts";
import { useSessionOf } from "../../ui/session.ts";

/** The driver app's one API client (and so its one session). */
export const api = new Api("driver");

export function useSession() {
  return useSessionOf(api);
}
