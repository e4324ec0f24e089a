import path from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * Every app under apps/ is its own Vite build, chosen by the mode (`vite build --mode restaurant`);
 * apps/build.ts runs them all. The customer app owns the site root, so `/` is the customer app
 * and each other app lives under its own prefix, the way the Worker's asset fallback routes them.
 */
export const APPS = ["customer", "restaurant", "driver", "admin"] as const;
export type AppName = (typeof APPS)[number];

/** Where an app is served: its URL prefix and its folder under dist/apps. */
export function mountOf(app: AppName): { base: string; outDir: string } {
  return app === "customer"
    ? { base: "/", outDir: "dist/apps" }
    : { base: `/${app}/`, outDir: `dist/apps/${app}` };
}

export default defineConfig(({ mode }) => {
  const app = (APPS as readonly string[]).includes(mode) ? (mode as AppName) : "customer";
  const mount = mountOf(app);
  return {
    root: path.resolve(import.meta.dirname, "apps", app),
    base: mount.base,
    envDir: path.resolve(import.meta.dirname),
    // VITE_TILE_URL (the map's tile template) is read from the environment at build time.
    envPrefix: "VITE_",
    plugins: [react()],
    // The dev server proxies the API (and its sockets) to `npm start`'s Worker.
    server: {
      proxy: { "/api": { target: "http://127.0.0.1:8787", ws: true } },
    },
    build: {
      outDir: path.resolve(import.meta.dirname, mount.outDir),
      // The customer app's folder holds the other apps' folders: apps/build.ts empties dist/apps
      // once, before the first build, and no build empties it after.
      emptyOutDir: false,
      manifest: true,
      sourcemap: true,
      target: "es2022",
    },
  };
});
