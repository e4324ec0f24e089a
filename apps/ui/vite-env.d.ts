/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The map's tile URL template, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png */
  readonly VITE_TILE_URL?: string;
}
