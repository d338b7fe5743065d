import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The test machines are shared 2-core boxes: the first render of a test app loads the whole
// frontend system, which can take longer than the defaults (1 s for findBy*, 5 s per test).
configure({ asyncUtilTimeout: 5000 });
jest.setTimeout(30_000);

// jsdom does no layout and has no ResizeObserver; recharts' ResponsiveContainer only needs it to exist.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
