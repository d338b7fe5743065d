import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalProcess } from './LocalProcess';

describe('LocalProcess.start', () => {
  it('names the Debian package to install when the program is missing', async () => {
    await expect(
      LocalProcess.start({
        name: 'Prometheus',
        binary: '/nonexistent/prometheus',
        debianPackage: 'prometheus',
        args: () => [],
      }),
    ).rejects.toThrow(
      'Prometheus is not installed at /nonexistent/prometheus; install it with "apt-get install -y --no-install-recommends prometheus"',
    );
  });

  it('removes its folder when the server cannot be prepared', async () => {
    let folder = '';
    await expect(
      LocalProcess.start({
        name: 'Unpreparable',
        binary: process.execPath,
        debianPackage: 'nodejs',
        prepare: async dir => {
          folder = dir;
          throw new Error('no configuration');
        },
        args: () => [],
      }),
    ).rejects.toThrow('no configuration');
    expect(path.dirname(folder)).toBe(os.tmpdir());
    await expect(fs.access(folder)).rejects.toThrow(/ENOENT/);
  });

  it('says what the server wrote when it exits instead of serving, and removes its folder', async () => {
    const error: Error = await LocalProcess.start({
      name: 'Node',
      binary: process.execPath,
      debianPackage: 'nodejs',
      // It runs in its folder, and says which on stderr.
      args: () => ['-e', 'console.error(process.cwd()); process.exit(3)'],
    }).catch(e => e);
    expect(error.message).toMatch(/^Node exited with 3: /);
    const folder = error.message.slice('Node exited with 3: '.length).trim();
    expect(path.dirname(folder)).toBe(os.tmpdir());
    await expect(fs.access(folder)).rejects.toThrow(/ENOENT/);
  });
});
