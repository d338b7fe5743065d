import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDockerfile } from './dockerfileRules';

describe('checkDockerfile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atonix-dockerfile-'));
    await writeFile(join(dir, 'package.json'), '{}');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const check = (text: string) =>
    checkDockerfile(text, {
      port: 8080,
      files: ['package.json', 'main.go'],
      dir,
    });

  it('accepts a pinned multi-stage build that runs as non-root on the port', () => {
    expect(
      check(
        [
          'FROM golang:1.26.8-bookworm AS build',
          'COPY *.go ./',
          'COPY package.json ./',
          `FROM gcr.io/distroless/static-debian12@sha256:${'a'.repeat(64)}`,
          'COPY --from=build /out/function /function',
          'ENV PORT=8080',
          'EXPOSE 8080',
          'USER 65532:65532',
          'ENTRYPOINT ["/function"]',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('names the line and the rule of every problem, with what to do', () => {
    expect(
      check(
        [
          'FROM node:latest',
          'ARG NPM_TOKEN',
          'COPY src ./src',
          'COPY --from=builder /app /app',
          'ENV PORT=3000 API_KEY=abc',
          'EXPOSE 3000',
          'USER root',
          'CMD node src/index.js',
        ].join('\n'),
      ),
    ).toEqual([
      expect.stringMatching(/^Dockerfile:1: multi-stage: /),
      expect.stringMatching(
        /^Dockerfile:1: pinned-base: base image node:latest has no version tag or digest/,
      ),
      expect.stringMatching(
        /^Dockerfile:2: no-secret: ARG NPM_TOKEN looks like a credential/,
      ),
      expect.stringMatching(
        /^Dockerfile:3: copy-source: COPY source src matches no file/,
      ),
      expect.stringMatching(
        /^Dockerfile:4: copy-source: COPY --from=builder is neither a stage/,
      ),
      expect.stringMatching(
        /^Dockerfile:5: no-secret: ENV API_KEY looks like a credential/,
      ),
      expect.stringMatching(/^Dockerfile:8: exec-form: CMD in shell form/),
      expect.stringMatching(
        /^Dockerfile:7: non-root: the function must not run as root/,
      ),
      expect.stringMatching(
        /^Dockerfile:1: port: the final stage does not EXPOSE 8080/,
      ),
    ]);
  });
});
