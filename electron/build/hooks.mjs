// electron-builder hooks: pack no node_modules (main and preload are self-contained bundles, the
// server's native modules must not ship) and set Electron's fuses on the packaged binary before signing.
import path from 'node:path';
import { flipFuses, FuseState, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';

/** electron-builder's Arch enum value for arm64 (ia32 0, x64 1, armv7l 2, arm64 3, universal 4). */
const ARCH_ARM64 = 3;

/**
 * Every fuse is set explicitly (strictlyRequireAllFuses), so a new fuse in a later Electron fails the
 * build instead of silently keeping its default.
 */
export const FUSES = /** @type {const} */ ({
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  // No ELECTRON_RUN_AS_NODE: the app binary cannot be used as a plain Node.js interpreter.
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  // No NODE_OPTIONS / --inspect: nobody can inject code into the main process from the outside.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // Load the app only from app.asar, and only when its hash matches the one recorded at build time.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The app is served over app://, so file:// keeps no extra privileges.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  [FuseV1Options.WasmTrapHandlers]: true,
});

/**
 * @typedef {object} PackContextLike The part of electron-builder's AfterPackContext this hook reads.
 * @property {string} appOutDir
 * @property {string} electronPlatformName
 * @property {number} arch
 * @property {{ appInfo: { productFilename: string }, executableName?: string }} packager
 */

/**
 * Where electron-builder put the app's Electron binary (the file that holds the fuse wire).
 * @param {PackContextLike} context
 * @returns {string}
 */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'linux':
      return path.join(appOutDir, packager.executableName ?? packager.appInfo.productFilename);
    default:
      throw new Error(`no Electron binary layout known for platform ${electronPlatformName}`);
  }
}

/**
 * Returning false tells electron-builder that node_modules are handled outside of it: nothing is
 * rebuilt for Electron and no dependency is copied into the app.
 * @returns {Promise<boolean>}
 */
export function beforeBuild() {
  return Promise.resolve(false);
}

/**
 * Flips the fuses, then reads them back so a binary that ignored the write fails the build.
 * @param {PackContextLike} context
 * @returns {Promise<void>}
 */
export async function afterPack(context) {
  const binary = electronBinaryPath(context);
  await flipFuses(binary, {
    ...FUSES,
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === ARCH_ARM64,
  });
  const wire = await getCurrentFuseWire(binary);
  for (const option of fuseOptions()) {
    const expected = FUSES[option] ? FuseState.ENABLE : FuseState.DISABLE;
    if (wire[option] !== expected) {
      throw new Error(`fuse ${FuseV1Options[option]} was not set on ${binary}`);
    }
  }
}

/** @returns {FuseV1Options[]} */
function fuseOptions() {
  return Object.values(FuseV1Options).filter(
    /** @returns {value is FuseV1Options} */ (value) => typeof value === 'number',
  );
}
