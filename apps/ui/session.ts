import { useEffect, useState } from "react";
import type { Session } from "../../schema/auth.ts";
import type { Api } from "./api.ts";

/** The session of an app's one API client, following it as people sign in and out. */
export function useSessionOf(api: Api): Session | null {
  const [session, setSession] = useState(api.current);
  useEffect(() => api.subscribe(setSession), [api]);
  return session;
}
