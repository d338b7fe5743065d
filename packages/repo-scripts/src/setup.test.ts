import { spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const SETUP = join(ROOT, 'scripts/setup.sh');

/**
 * Runs a snippet of bash after sourcing scripts/setup.sh, with PATH limited to `binDir` (plus the
 * few commands the script itself uses), so a test decides which tools "exist" on the machine.
 */
function runSetup(snippet: string, binDir: string) {
  return spawnSync('/bin/bash', ['-c', `source "${SETUP}"; ${snippet}`], {
    env: { PATH: binDir, HOME: tmpdir() },
    encoding: 'utf8',
  });
}

function writeScript(dir: string, name: string, body: string) {
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

/**
 * A PATH folder holding the machine's real basic tools (links) plus stand-in scripts for the
 * commands under test. Stand-ins are fresh files, never written through a link, so the test cannot
 * touch the real binaries.
 */
function fakeMachine(opts: {
  root: boolean;
  realTools?: string[];
  standIns?: string[];
}) {
  const dir = mkdtempSync(join(tmpdir(), 'atonix-setup-'));
  const realTools = [
    'dirname',
    'cat',
    'cut',
    'grep',
    'head',
    'ps',
    'sha256sum',
    ...(opts.realTools ?? []),
  ];
  for (const cmd of realTools) {
    const found = spawnSync('/bin/bash', ['-c', `command -v ${cmd}`], {
      encoding: 'utf8',
    }).stdout.trim();
    if (found) symlinkSync(found, join(dir, cmd));
  }
  for (const cmd of opts.standIns ?? []) writeScript(dir, cmd, 'exit 0');
  // `id -u` is how the script decides whether it may install packages itself.
  writeScript(dir, 'id', `echo ${opts.root ? 0 : 1000}`);
  return dir;
}

describe('scripts/setup.sh', () => {
  const dirs: string[] = [];
  afterAll(() =>
    dirs.forEach(d => rmSync(d, { recursive: true, force: true })),
  );

  it('refuses a Go older than the one a tools/ module needs, and says which', () => {
    const bin = fakeMachine({ root: true, realTools: ['awk', 'sort'] });
    dirs.push(bin);
    writeScript(bin, 'go', 'echo go1.20.1');

    const result = runSetup(
      `ensure_go "${join(ROOT, 'tools/kube-apiserver/go.mod')}"`,
      bin,
    );

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /Go 1\.20\.1 is older than the 1\.26(\.\d+)? that .*tools\/kube-apiserver\/go\.mod needs/,
    );
  });

  it('names the missing Debian packages and the command to install them when not root', () => {
    const bin = fakeMachine({ root: false });
    dirs.push(bin);

    const result = runSetup(
      'ensure_debian_packages chromium prometheus postgresql',
      bin,
    );

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'missing Debian packages: chromium prometheus postgresql',
    );
    expect(result.stderr).toContain(
      'sudo apt-get install -y --no-install-recommends chromium prometheus postgresql',
    );
  });

  it('asks for nothing when the packages are already there', () => {
    const bin = fakeMachine({
      root: false,
      standIns: ['chromium', 'promtool', 'pg_ctlcluster'],
    });
    dirs.push(bin);

    const result = runSetup(
      'ensure_debian_packages chromium prometheus postgresql && echo ready',
      bin,
    );

    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('ready');
  });

  describe('ensure_port_free', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer();
      await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise(r => server.close(r)));

    it('says which port is taken and what to do instead', () => {
      const bin = fakeMachine({ root: false, realTools: ['ss'] });
      dirs.push(bin);

      const result = runSetup(
        `ensure_port_free ${port} "Run ./run test against it instead."`,
        bin,
      );

      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`port ${port} is already in use`);
      expect(result.stderr).toContain('Run ./run test against it instead.');
    });

    it('passes when the port is free', async () => {
      const bin = fakeMachine({ root: false });
      dirs.push(bin);
      const probe = createServer();
      await new Promise<void>(r => probe.listen(0, '127.0.0.1', r));
      const freePort = (probe.address() as { port: number }).port;
      await new Promise(r => probe.close(r));

      const result = runSetup(
        `ensure_port_free ${freePort} unused && echo free`,
        bin,
      );

      expect(result.stdout.trim()).toBe('free');
    });
  });
});
