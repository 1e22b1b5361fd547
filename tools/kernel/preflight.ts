import { Unavailable, has } from './sh.js';

/** Throws Unavailable (exit 2, one line) when the machine cannot run the harness. */
export function preflight(): void {
  if (process.platform !== 'linux') throw new Unavailable('network namespaces need Linux');
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    throw new Unavailable('network namespaces need root (run as root, e.g. in CI)');
  if (!has('nft')) throw new Unavailable('nft is not installed (apt-get install nftables)');
  if (!has('ip')) throw new Unavailable('ip (iproute2) is not installed');
  if (!has('nsenter')) throw new Unavailable('nsenter (util-linux) is not installed');
}
