/**
 * No runtime code: this package holds the tests of `./run` and `scripts/setup.sh`, so that the
 * README's two commands are checked by the same test run as everything else.
 *
 * @packageDocumentation
 */
export {};
