// Build-time values Vite defines for the renderer.
interface ImportMetaEnv {
  readonly VITE_APP_VERSION?: string;
}
